"""/outcome CODE: a coordinator records that scoring is finished (everyone who took part is
thanked at once, outside quiet hours), then the award: who won, when it may be announced
(the end of the standstill period) and an optional note where it differs from the panel's
view. The scheduler tells every participant at that time, never earlier. Once announced, the
panel can be closed, which starts the retention clock.

Buttons: callbacks.OutcomeStep, AwardBidder and AwardOther. Typed answers (a name, a date, a
note) arrive through bot/services/prompts.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from typing import Any, Literal

from bot import views
from bot.callbacks import AwardBidder, AwardOther, OutcomeAction, OutcomeStep
from bot.context import AppContext, Person
from bot.model import Panel
from bot.replies import Button, Outcome, Reply, rows
from bot.rules.retention import deletion_due
from bot.services.coordinator import not_allowed
from bot.store import applications, outcomes, panels, prompts
from bot.store.outcomes import PanelOutcome
from bot.store.rights import rights_of
from bot.store.tx import Tx
from bot.text import NOTE_MAX, clean, one_line
from messages import label, render

AWARD_PROMPTS = ("award_to", "award_date", "award_note", "award_confirm")
DATE_ONLY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DATE_TIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2})[:.](\d{2})$")
NAME_MAX = 120
OutcomePress = OutcomeStep | AwardBidder | AwardOther


def _say(template: str, **context: Any) -> Reply:
    return Reply(render(f"scheduler/{template}", **context))


def parse_local(typed: str, tz: Any) -> datetime | None:
    """ "2027-06-01 09:00" or "2027-06-01" (from midnight) in the panel's time zone, as UTC."""
    text = " ".join(typed.split())
    match = DATE_TIME.match(text) or DATE_ONLY.match(text)
    if match is None:
        return None
    numbers = [int(part) for part in match.groups()]
    try:
        day = datetime(numbers[0], numbers[1], numbers[2])
        at = time(numbers[3], numbers[4]) if len(numbers) == 5 else time(0, 0)
    except ValueError:
        return None
    return datetime.combine(day.date(), at).replace(tzinfo=tz).astimezone(UTC)


def _are_you_sure(
    step: Literal["score", "close"], panel_id: int, context: dict[str, Any]
) -> Outcome:
    """Ask before a step that can't be undone: "Yes, ..." goes on, "Not yet" goes back."""
    sure: OutcomeAction = "score_yes" if step == "score" else "close_yes"
    return Outcome(
        [
            Reply(
                render(f"scheduler/outcome_{step}_check", **context),
                rows(
                    Button(label(f"outcome.{step}_yes"), OutcomeStep(sure, panel_id).pack()),
                    Button(label("outcome.not_yet"), OutcomeStep("back", panel_id).pack()),
                ),
            )
        ]
    )


class OutcomeService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    @property
    def _tz(self) -> Any:
        return self.app.settings.timezone

    async def command(self, person: Person, code: str) -> Outcome:
        async with self.app.db.transaction() as tx:
            rights = await rights_of(tx, self.app.settings, person.telegram_id)
            if rights is None:
                return not_allowed.unknown_command()
            panel = await panels.get_by_code(tx, code, self._tz) if code else None
            if panel is None or not rights.sees(panel.id):
                found = [p for p in await panels.list_all(tx, self._tz) if rights.sees(p.id)]
                text = _say("which_panel", command="/outcome", codes=[p.code for p in found])
                buttons = rows(*(Button(p.code, OutcomeStep("back", p.id).pack()) for p in found))
                return Outcome([Reply(text.text, buttons)])
            return Outcome([await self._status(tx, panel)])

    async def button(self, person: Person, pressed: OutcomePress) -> Outcome | None:
        """None for anyone who is not a coordinator, before any id is looked up."""
        async with self.app.db.transaction() as tx:
            rights = await rights_of(tx, self.app.settings, person.telegram_id)
            if rights is None:
                return None
            panel = await panels.get(tx, pressed.panel_id, self._tz)
            if panel is None or not rights.sees(panel.id):
                return Outcome([_say("stale")])
            result = await outcomes.get(tx, panel.id)
            now = self.app.clock.now()
            announced = result.announce_at is not None and result.announce_at <= now
            awarding = result.scoring_finished_at is not None and not announced
            if isinstance(pressed, OutcomeStep):
                outcome = await self._act(tx, person, panel, pressed.action, result, announced)
            elif awarding:
                outcome = await self._award_to(tx, person, panel, pressed)
            else:
                outcome = None
            return outcome or Outcome([_say("stale"), await self._status(tx, panel)])

    async def _act(
        self,
        tx: Tx,
        person: Person,
        panel: Panel,
        action: OutcomeAction,
        result: PanelOutcome,
        announced: bool,
    ) -> Outcome | None:
        """None when the step no longer fits where the panel is."""
        now = self.app.clock.now()
        context = await self._context(tx, panel)
        scored = result.scoring_finished_at is not None
        if action == "back":
            return Outcome([await self._status(tx, panel)])
        if action == "score" and not scored:
            # Scoring ends at the last session (moderation); before it, ask again with its date.
            live = [s for s in await panels.sessions(tx, panel.id) if not s.cancelled]
            last = max((s.starts_at for s in live), default=None)
            early = last is not None and now < last
            return _are_you_sure(
                "score",
                panel.id,
                {**context, "early": last.astimezone(panel.timezone) if early and last else None},
            )
        if action == "score_yes" and not scored:
            await outcomes.finish_scoring(tx, panel.id, now)
            if panel.stage in ("recruiting", "recruitment_closed", "evaluating"):
                await panels.set_stage(tx, panel.id, "awaiting_award", now)
            return Outcome([_say("outcome_scored", **context), await self._status(tx, panel)])
        if action == "award" and scored and not announced:
            await prompts.clear(tx, person.telegram_id)
            bidders = [
                Button(name, AwardBidder(panel.id, index).pack())
                for index, name in enumerate(panel.spec.bidders)
            ]
            bidders.append(Button(label("outcome.someone_else"), AwardOther(panel.id).pack()))
            return Outcome(
                [Reply(render("scheduler/outcome_award_who", **context), rows(*bidders))]
            )
        if action in ("nonote", "save") and not announced:
            return await self._from_draft(tx, person, panel, action, context)
        if action == "close" and announced and panel.stage != "closed":
            return _are_you_sure("close", panel.id, context)
        if action == "close_yes" and announced and panel.stage != "closed":
            await panels.set_stage(tx, panel.id, "closed", now)
            deletes_on = deletion_due(panel, now, self.app.settings).astimezone(panel.timezone)
            return Outcome([_say("outcome_closed", **context, deletes_on=deletes_on)])
        return None

    async def _award_to(
        self,
        tx: Tx,
        person: Person,
        panel: Panel,
        pressed: AwardBidder | AwardOther,
    ) -> Outcome | None:
        if isinstance(pressed, AwardOther):
            await self._ask(tx, person, "award_to", panel, {})
            return Outcome([_say("outcome_award_name", **await self._context(tx, panel))])
        if pressed.bidder >= len(panel.spec.bidders):
            return None
        awarded_to = panel.spec.bidders[pressed.bidder]
        return await self._ask_date(tx, person, panel, {"awarded_to": awarded_to})

    async def _from_draft(
        self,
        tx: Tx,
        person: Person,
        panel: Panel,
        action: Literal["nonote", "save"],
        context: dict[str, Any],
    ) -> Outcome | None:
        """The award's last steps, from the answers typed so far."""
        draft = await prompts.get(tx, person.telegram_id)
        if draft is None or draft.ref != panel.id:
            return None
        if action == "nonote" and draft.kind == "award_note":
            return await self._confirm(tx, person, panel, {**draft.data, "note": None})
        if action != "save" or draft.kind != "award_confirm":
            return None
        now = self.app.clock.now()
        announce_at = datetime.fromisoformat(draft.data["announce_at"])
        if announce_at <= now:
            return await self._ask_date(tx, person, panel, draft.data)
        await outcomes.record_award(
            tx,
            panel.id,
            awarded_to=draft.data["awarded_to"],
            announce_at=announce_at,
            note=draft.data["note"],
            now=now,
        )
        await panels.set_stage(tx, panel.id, "awarded", now)
        await prompts.clear(tx, person.telegram_id)
        return Outcome(
            [_say("outcome_award_saved", **context, **self._award_view(panel, draft.data))]
        )

    async def text(self, tx: Tx, person: Person, prompt: prompts.Prompt, typed: str) -> Outcome:
        """A typed answer while recording an award: the name, the date, or the note."""
        panel = await panels.get(tx, prompt.ref, self._tz)
        rights = await rights_of(tx, self.app.settings, person.telegram_id)
        if panel is None or rights is None or not rights.sees(panel.id):
            await prompts.clear(tx, person.telegram_id)
            return Outcome([_say("stale")])
        context = await self._context(tx, panel)
        if prompt.kind == "award_to":
            name = one_line(typed)
            if not name or len(name) > NAME_MAX:
                return Outcome([_say("outcome_award_name", **context)])
            return await self._ask_date(tx, person, panel, {"awarded_to": name})
        if prompt.kind == "award_date":
            announce_at = parse_local(typed, panel.timezone)
            if announce_at is None or announce_at <= self.app.clock.now():
                return Outcome(
                    [_say("outcome_award_date_bad", **context, past=announce_at is not None)]
                )
            await self._ask(
                tx,
                person,
                "award_note",
                panel,
                {**prompt.data, "announce_at": announce_at.isoformat()},
            )
            return Outcome(
                [
                    Reply(
                        render("scheduler/outcome_award_note", **context),
                        rows(
                            Button(label("outcome.no_note"), OutcomeStep("nonote", panel.id).pack())
                        ),
                    )
                ]
            )
        if prompt.kind == "award_note":
            note = clean(typed)
            if len(note) > NOTE_MAX:
                return Outcome([_say("too_long", limit=NOTE_MAX)])
            return await self._confirm(tx, person, panel, {**prompt.data, "note": note or None})
        return Outcome([_say("outcome_use_buttons")])

    # --- steps ------------------------------------------------------------------------------

    async def _ask(
        self,
        tx: Tx,
        person: Person,
        kind: str,
        panel: Panel,
        data: dict[str, Any],
    ) -> None:
        await prompts.put(
            tx, prompts.Prompt(person.telegram_id, kind, panel.id, data), self.app.clock.now()
        )

    async def _ask_date(
        self, tx: Tx, person: Person, panel: Panel, data: dict[str, Any]
    ) -> Outcome:
        await self._ask(tx, person, "award_date", panel, {"awarded_to": data["awarded_to"]})
        return Outcome(
            [
                _say(
                    "outcome_award_date",
                    **await self._context(tx, panel),
                    awarded_to=data["awarded_to"],
                )
            ]
        )

    async def _confirm(self, tx: Tx, person: Person, panel: Panel, data: dict[str, Any]) -> Outcome:
        await self._ask(tx, person, "award_confirm", panel, data)
        return Outcome(
            [
                Reply(
                    render(
                        "scheduler/outcome_award_check",
                        **await self._context(tx, panel),
                        **self._award_view(panel, data),
                    ),
                    rows(
                        Button(label("outcome.save"), OutcomeStep("save", panel.id).pack()),
                        Button(label("outcome.start_again"), OutcomeStep("award", panel.id).pack()),
                    ),
                )
            ]
        )

    def _award_view(self, panel: Panel, data: dict[str, Any]) -> dict[str, Any]:
        announce_at = datetime.fromisoformat(data["announce_at"]).astimezone(panel.timezone)
        quiet = self.app.settings.quiet_hours
        return {
            "awarded_to": data["awarded_to"],
            "announce_at": announce_at,
            "note": data.get("note"),
            "quiet": quiet.contains(announce_at.time()),
            "morning": datetime.combine(announce_at.date(), quiet.end),
        }

    async def _context(self, tx: Tx, panel: Panel) -> dict[str, Any]:
        confirmed = [
            a for a in await applications.for_panel(tx, panel.id) if a.status == "confirmed"
        ]
        return {"panel": views.panel_view(panel), "count": len(confirmed)}

    async def _status(self, tx: Tx, panel: Panel) -> Reply:
        now = self.app.clock.now()
        result = await outcomes.get(tx, panel.id)
        tz = panel.timezone
        announced = result.announce_at is not None and result.announce_at <= now
        buttons = []
        if result.scoring_finished_at is None:
            buttons.append(Button(label("outcome.score"), OutcomeStep("score", panel.id).pack()))
        elif not announced:
            key = "outcome.change_award" if result.awarded_to else "outcome.award"
            buttons.append(Button(label(key), OutcomeStep("award", panel.id).pack()))
        elif panel.stage != "closed":
            buttons.append(Button(label("outcome.close"), OutcomeStep("close", panel.id).pack()))
        return Reply(
            render(
                "scheduler/outcome_status",
                **await self._context(tx, panel),
                scored=result.scoring_finished_at.astimezone(tz)
                if result.scoring_finished_at
                else None,
                awarded_to=result.awarded_to,
                announce_at=result.announce_at.astimezone(tz) if result.announce_at else None,
                announced=announced,
                note=result.note,
                closed=panel.stage == "closed",
            ),
            rows(*buttons),
        )
