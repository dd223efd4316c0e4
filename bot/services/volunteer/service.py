"""The volunteer's use cases: starting, consenting, commands, and anything odd they send.

Nothing personal is stored before the person agrees to the privacy notice: until then the
panel code travels in the buttons (callbacks.PanelByCode), not in the database.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Literal

from bot import callbacks, views
from bot.callbacks import CallbackData, Erase, PanelByCode, PanelById, Setting, StepButton
from bot.context import AppContext, Person
from bot.model import IN_THE_RUNNING, Application, Journey, Panel, Volunteer
from bot.replies import Button, Document, Keyboard, Notice, Outcome, Reply, rows, settled
from bot.rules import panels as rules
from bot.rules.distress import suggests_distress
from bot.rules.retention import retention_months
from bot.services.volunteer import care, journey, my_data, notify, settings, team, typed_answers
from bot.services.volunteer.notify import coordinator_chat_ids
from bot.services.volunteer.steps import StepCtx
from bot.services.volunteer.typed_answers import LAPSES_AFTER
from bot.services.volunteer.typed_buttons import match_button
from bot.store import applications, journeys, panels, prompts, volunteers
from bot.store.db import also_when_done
from bot.store.tx import Tx
from messages import label, render

log = logging.getLogger(__name__)

# What a person may send instead of typing, to be passed to the team as it is.
PASSABLE = frozenset({"voice", "audio", "photo", "document", "video", "video_note"})
PANEL_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _say(template: str, **context: Any) -> Reply:
    return Reply(render(template, **context))


def _button(label_key: str, pressed: CallbackData) -> Button:
    return Button(label(label_key), pressed.pack())


def _erase_buttons() -> Keyboard:
    return rows(_button("erase.yes", Erase("yes")), _button("erase.no", Erase("no")))


# Questions outside any journey that take a typed answer, kept in pending_prompts.
CONSENT_PROMPT = "consent"
ERASE_PROMPT = "erase"

VolunteerPress = StepButton | PanelByCode | PanelById | Erase


class VolunteerService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    @property
    def _tz(self) -> Any:
        return self.app.settings.timezone

    # --- starting -----------------------------------------------------------------------

    async def start(self, person: Person, payload: str | None) -> Outcome:
        async with self.app.db.transaction() as tx:
            current = await journey.load(self.app, tx, person)
            if current is not None and current.journey.flow == "signup":
                if (
                    payload
                    and current.panel
                    and payload.casefold() != current.panel.code.casefold()
                ):
                    return Outcome(
                        [_say("volunteer/finish_first", panel=views.panel_view(current.panel))]
                    ).extend(await journey.resume(current))
                return await journey.resume(current)
            if current is not None:
                await journeys.delete(tx, person.telegram_id)
            if not payload:
                return await self._open_panels(tx, person, greeting=True)
            if not PANEL_CODE.match(payload):
                return await self._unknown_panel(tx, person)
            panel = await panels.get_by_code(tx, payload, self._tz)
            if panel is None:
                return await self._unknown_panel(tx, person)
            return await self._offer(tx, person, panel)

    async def _open_panels(self, tx: Tx, person: Person, *, greeting: bool) -> Outcome:
        now = self.app.clock.now()
        open_panels = [p for p in await panels.list_all(tx, self._tz) if rules.is_open(p, now)]
        buttons = [Button(p.title, PanelByCode("open", p.code).pack()) for p in open_panels]
        template = "volunteer/start" if greeting else "volunteer/open_panels"
        the_team = await team.for_person(self.app, tx, person.telegram_id)
        return Outcome(
            [
                Reply(
                    render(
                        template,
                        first_name=person.first_name,
                        count=len(open_panels),
                        team=the_team.view(),
                    ),
                    rows(*buttons),
                )
            ]
        )

    async def _unknown_panel(self, tx: Tx, person: Person) -> Outcome:
        outcome = Outcome([_say("volunteer/panel_unknown")])
        return outcome.extend(await self._open_panels(tx, person, greeting=False))

    async def _offer(self, tx: Tx, person: Person, panel: Panel) -> Outcome:
        volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
        existing = (
            None if volunteer is None else await applications.find(tx, panel.id, volunteer.id)
        )
        if existing is not None and existing.status in IN_THE_RUNNING:
            return Outcome(
                [
                    _say(
                        "volunteer/already_signed_up",
                        panel=views.panel_view(panel),
                        status=label(f"status.{existing.status}"),
                    )
                ]
            )
        now = self.app.clock.now()
        if not rules.takes_signups(panel, now):
            return Outcome([_say("volunteer/panel_closed", panel=views.panel_view(panel))])
        welcome = self._welcome(panel, person, returning=volunteer is not None)
        await self._asked(tx, person, CONSENT_PROMPT, panel.id)
        if not rules.is_open(panel, now):
            return Outcome(
                [_say("volunteer_news/late_reserve", panel=views.panel_view(panel)), welcome]
            )
        return Outcome([welcome])

    def _retention(self, panel: Panel) -> int:
        return retention_months(panel, self.app.settings)

    async def _retention_for(self, tx: Tx, person: Person) -> int:
        """The period of the panel the person is with (the one they last opened, else the
        newest they signed up for), so /privacy says what the consent screen said."""
        panel_ids: list[int] = []
        prompt = await prompts.get(tx, person.telegram_id)
        if prompt is not None and prompt.kind == CONSENT_PROMPT:
            panel_ids.append(prompt.ref)
        volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
        if volunteer is not None:
            mine = await applications.for_volunteer(tx, volunteer.id)
            panel_ids += [a.panel_id for a in sorted(mine, key=lambda a: a.id, reverse=True)]
        for panel_id in panel_ids:
            panel = await panels.get(tx, panel_id, self._tz)
            if panel is not None:
                return self._retention(panel)
        return self.app.settings.retention_months

    def _consent_buttons(self, code: str) -> Keyboard:
        return rows(
            _button("consent.agree", PanelByCode("agree", code)),
            _button("consent.more", PanelByCode("more", code)),
            _button("consent.no", PanelByCode("no", code)),
        )

    def _welcome(self, panel: Panel, person: Person, *, returning: bool) -> Reply:
        return Reply(
            render(
                "volunteer/welcome",
                panel=views.panel_view(panel),
                first_name=person.first_name,
                returning=returning,
                retention_months=self._retention(panel),
            ),
            self._consent_buttons(panel.code),
        )

    async def _agree(self, tx: Tx, person: Person, code: str) -> Outcome:
        panel = await panels.get_by_code(tx, code, self._tz)
        if panel is None:
            return await self._unknown_panel(tx, person)
        current = await journey.load(self.app, tx, person)
        if current is not None and current.journey.flow == "signup":
            return await journey.resume(current)
        if not rules.takes_signups(panel, self.app.clock.now()):
            return Outcome([_say("volunteer/panel_closed", panel=views.panel_view(panel))])
        now = self.app.clock.now()
        volunteer = await volunteers.consent(tx, person.telegram_id, person.chat_id, now)
        application = await applications.create(tx, panel.id, volunteer.id, now)
        if application.status != "draft":
            return Outcome(
                [
                    _say(
                        "volunteer/already_signed_up",
                        panel=views.panel_view(panel),
                        status=label(f"status.{application.status}"),
                    )
                ]
            )
        log.info("consent given; application %s started", application.id)
        sessions = await panels.sessions(tx, panel.id)
        first = Journey(person.telegram_id, "signup", "info", panel.id)
        started = StepCtx(self.app, tx, person, first, volunteer, panel, application, sessions, now)
        outcome = await journey.begin(started, "signup")
        return outcome.lead_in(render("volunteer/consent_thanks"))

    # --- buttons ------------------------------------------------------------------------

    async def button(self, person: Person, pressed: VolunteerPress) -> Outcome:
        async with self.app.db.transaction() as tx:
            if isinstance(pressed, StepButton):
                current = await journey.load(self.app, tx, person)
                if current is None:
                    return journey.stale()
                return await journey.on_button(current, pressed)
            if isinstance(pressed, PanelByCode):
                return await self._panel_button(tx, person, pressed)
            return await self._own_button(tx, person, pressed)

    async def old_button(self, person: Person) -> Outcome:
        """What any button gets that is not (or no longer) what it claims: forged, mangled or
        from an old message. Mid-journey, the question the person is on comes with it."""
        async with self.app.db.transaction() as tx:
            current = await journey.load(self.app, tx, person)
            if current is None:
                return journey.stale()
            return Outcome([_say("volunteer/stale_button"), await journey.prompt(current)])

    async def _panel_button(self, tx: Tx, person: Person, pressed: PanelByCode) -> Outcome:
        code = pressed.code
        if pressed.action in ("no", "agree"):
            await prompts.clear(tx, person.telegram_id)
        if pressed.action == "no":
            return Outcome([settled(), _say("volunteer/no_consent")])
        if pressed.action == "agree":
            agreed = await self._agree(tx, person, code)
            agreed.replies.insert(0, settled())  # the privacy notice's buttons go
            return agreed
        panel = await panels.get_by_code(tx, code, self._tz)
        if panel is None:
            return await self._unknown_panel(tx, person)
        if pressed.action == "open":
            return await self._offer(tx, person, panel)
        return Outcome(
            [
                Reply(
                    render("volunteer/privacy", retention_months=self._retention(panel)),
                    rows(
                        _button("consent.agree", PanelByCode("agree", code)),
                        _button("consent.no", PanelByCode("no", code)),
                    ),
                )
            ]
        )

    async def _own_button(self, tx: Tx, person: Person, pressed: PanelById | Erase) -> Outcome:
        """Buttons about what the person has told us: only theirs count."""
        volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
        if volunteer is None:
            return journey.stale()
        if isinstance(pressed, Erase):
            await prompts.clear(tx, person.telegram_id)
            if pressed.answer == "yes":
                return await self._erase(tx, volunteer)
            return Outcome([_say("volunteer/erase_kept")])
        application = await applications.find(tx, pressed.panel_id, volunteer.id)
        if pressed.action == "withdraw_no":
            signing_up = application is not None and application.status == "draft"
            return Outcome([_say("volunteer/withdraw_kept", signing_up=signing_up)])
        if application is None or not application.active:
            return journey.stale()
        if pressed.action == "avail":
            return await self._begin_edit(tx, person, "availability", application.panel_id)
        if pressed.action == "withdraw":
            return await self._confirm_withdraw(tx, application)
        return await self._withdraw(tx, person, volunteer, application)

    # --- text and everything else ------------------------------------------------------

    async def text(self, person: Person, typed: str) -> Outcome:
        async with self.app.db.transaction() as tx:
            current = await journey.load(self.app, tx, person)
            outcome = Outcome()
            if suggests_distress(typed):
                outcome = await care.care(self.app, tx, person, typed)
                if current is not None:
                    return outcome.extend(await journey.after_care(current, typed))
            if current is None and not outcome.replies:
                pressed = await self._typed_press(tx, person, typed)
                if pressed is not None:
                    return pressed
            if current is None:
                # A typed answer the scheduler's flows asked for (feedback, award details).
                answered = await typed_answers.on_text(self.app, tx, person, typed)
                if answered is not None:
                    return outcome.extend(answered)
                if outcome.replies:
                    return outcome
                return await self._not_an_answer(tx, person, {"text": typed})
            return await journey.on_text(current, typed)

    async def _typed_press(self, tx: Tx, person: Person, typed: str) -> Outcome | None:
        """The privacy notice and the delete confirmation take typed answers too."""
        prompt = await prompts.get(tx, person.telegram_id)
        if prompt is None or prompt.kind not in (CONSENT_PROMPT, ERASE_PROMPT):
            return None
        if prompt.asked_at is None or self.app.clock.now() - prompt.asked_at > LAPSES_AFTER:
            await prompts.clear(tx, person.telegram_id)
            return None
        if prompt.kind == ERASE_PROMPT:
            keyboard = _erase_buttons()
        else:
            panel = await panels.get(tx, prompt.ref, self._tz)
            if panel is None:
                return None
            keyboard = self._consent_buttons(panel.code)
        matched = match_button(keyboard, typed)
        if isinstance(matched, list):
            choices = [b.label for b in matched]
            return Outcome([Reply(render("volunteer/which_one", choices=choices), keyboard)])
        pressed = None if matched is None else callbacks.parse(matched.data)
        if not isinstance(pressed, PanelByCode | Erase):
            return None
        await prompts.clear(tx, person.telegram_id)
        if isinstance(pressed, PanelByCode):
            return await self._panel_button(tx, person, pressed)
        return await self._own_button(tx, person, pressed)

    async def _asked(self, tx: Tx, person: Person, kind: str, ref: int) -> None:
        # Only the person's Telegram id and which question: it lapses, or goes once answered.
        await prompts.put(tx, prompts.Prompt(person.telegram_id, kind, ref), self.app.clock.now())

    async def _not_an_answer(self, tx: Tx, person: Person, message: dict[str, Any]) -> Outcome:
        """Outside any journey: offer to pass it to the team. Before consent nothing may be
        kept, so the person is pointed to the team instead."""
        volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
        if volunteer is None:
            the_team = (await team.for_person(self.app, tx, person.telegram_id)).view()
            template = "volunteer/not_text" if "kind" in message else "volunteer/no_journey"
            return Outcome([_say(template, first_name=person.first_name, team=the_team, kind="")])
        active = [a for a in await applications.for_volunteer(tx, volunteer.id) if a.active]
        panel_id = active[-1].panel_id if active else None
        await journeys.save(
            tx, Journey(person.telegram_id, "question", "question", panel_id), self.app.clock.now()
        )
        current = await journey.load(self.app, tx, person)
        assert current is not None
        current.journey.step = "pass_on"  # nothing to go back to once answered
        return await journey.offer_pass_on(current, message)

    async def not_text(self, person: Person, kind: str, message_id: int | None = None) -> Outcome:
        """A voice note, recording, photo or file: offered to the team, passed on as it is.
        A sticker or location: say kindly we read text only."""
        if kind in PASSABLE and message_id is not None:
            message: dict[str, Any] = {"kind": kind, "message_id": message_id}
            async with self.app.db.transaction() as tx:
                current = await journey.load(self.app, tx, person)
                if current is None:
                    return await self._not_an_answer(tx, person, message)
                return await journey.offer_pass_on(current, message)
        return await self._aside(person, "volunteer/not_text", kind=kind)

    async def edited(self, person: Person) -> Outcome:
        return await self._aside(person, "volunteer/edited")

    async def unknown_command(self, person: Person) -> Outcome:
        return await self._aside(person, "volunteer/unknown_command")

    async def _aside(self, person: Person, template: str, **context: Any) -> Outcome:
        async with self.app.db.transaction() as tx:
            the_team = (await team.for_person(self.app, tx, person.telegram_id)).view()
            outcome = Outcome([_say(template, team=the_team, **context)])
            current = await journey.load(self.app, tx, person)
            if current is not None and not current.journey.data.get("paused"):
                outcome.say(await journey.prompt(current))
        return outcome

    # --- commands -------------------------------------------------------------------------

    async def help(self, person: Person) -> Outcome:
        async with self.app.db.transaction() as tx:
            the_team = await team.for_person(self.app, tx, person.telegram_id)
        return Outcome([_say("volunteer/help", team=the_team.view())])

    async def privacy(self, person: Person) -> Outcome:
        async with self.app.db.transaction() as tx:
            months = await self._retention_for(tx, person)
        return Outcome([_say("volunteer/privacy", retention_months=months)])

    async def settings(self, person: Person) -> Outcome:
        return await settings.show(self.app, person)

    async def settings_press(
        self, person: Person, pressed: Setting, message_id: int | None
    ) -> Outcome:
        return await settings.press(self.app, person, pressed)

    async def cancel(self, person: Person) -> Outcome:
        async with self.app.db.transaction() as tx:
            current = await journey.load(self.app, tx, person)
            if current is None:
                return Outcome([_say("volunteer/nothing_to_cancel")])
            if current.journey.flow == "signup":
                current.journey.data["paused"] = True
                if current.journey.step in ("question", "leave", "pass_on"):
                    current.journey.data.pop("pass_on", None)
                    current.journey.step = current.journey.data.pop(
                        "question_back",
                        current.journey.data.pop(
                            "leave_back", current.journey.data.pop("pass_back", "info")
                        ),
                    )
                await journeys.save(tx, current.journey, current.now)
                return Outcome([_say("volunteer/paused_now")])
            await journeys.delete(tx, person.telegram_id)
            return Outcome([_say("volunteer/cancelled")])

    def heard_from(self, telegram_id: int) -> None:
        """Anyone who writes to the bot can be reached by it, whatever a send found before:
        saved with the update they sent, in its own unit of work."""

        async def mark(tx: Tx) -> None:
            if await volunteers.reachable_again(tx, telegram_id):
                log.info("a volunteer who had blocked the bot is back")

        also_when_done(mark)

    async def status(self, person: Person) -> Outcome:
        async with self.app.db.transaction() as tx:
            volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
            if volunteer is None:
                return Outcome([_say("volunteer/not_signed_up")])
            items = []
            for application in await applications.for_volunteer(tx, volunteer.id):
                panel = await panels.get(tx, application.panel_id, self._tz)
                assert panel is not None
                sessions = [
                    views.session_view(s, panel.timezone)
                    for s in await panels.sessions(tx, panel.id)
                    if not s.cancelled
                ]
                items.append(
                    {
                        "panel": views.panel_view(panel),
                        "status": application.status,
                        "status_label": label(f"status.{application.status}"),
                        "sessions": sessions,
                    }
                )
            return Outcome([_say("volunteer/status", name=volunteer.name, items=items)])

    async def needs(self, person: Person) -> Outcome:
        async with self.app.db.transaction() as tx:
            volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
            if volunteer is None:
                return Outcome([_say("volunteer/not_signed_up")])
            active = [a for a in await applications.for_volunteer(tx, volunteer.id) if a.active]
            panel_id = active[-1].panel_id if active else None
            return await self._begin_edit(tx, person, "needs", panel_id)

    async def availability(self, person: Person) -> Outcome:
        async with self.app.db.transaction() as tx:
            volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
            if volunteer is None:
                return Outcome([_say("volunteer/not_signed_up")])
            active = [
                a
                for a in await applications.for_volunteer(tx, volunteer.id)
                if a.active and a.status != "draft"
            ]
            if not active:
                return Outcome([_say("volunteer/no_panels_to_update")])
            if len(active) == 1:
                return await self._begin_edit(tx, person, "availability", active[0].panel_id)
            return Outcome(
                [
                    Reply(
                        render("volunteer/choose_panel"),
                        await self._panel_buttons(tx, "avail", active),
                    )
                ]
            )

    async def _panel_buttons(
        self,
        tx: Tx,
        action: Literal["avail", "withdraw"],
        chosen: list[Application],
    ) -> tuple[tuple[Button, ...], ...]:
        buttons = []
        for application in chosen:
            panel = await panels.get(tx, application.panel_id, self._tz)
            assert panel is not None
            buttons.append(Button(panel.title, PanelById(action, panel.id).pack()))
        return rows(*buttons)

    async def _begin_edit(self, tx: Tx, person: Person, flow: str, panel_id: int | None) -> Outcome:
        current = await journey.load(self.app, tx, person)
        if current is not None and current.journey.flow == "signup":
            return Outcome([_say("volunteer/change_at_summary")]).extend(
                await journey.resume(current)
            )
        await journeys.save(
            tx,
            Journey(person.telegram_id, flow, journey.FLOWS[flow][0], panel_id),
            self.app.clock.now(),
        )
        started = await journey.load(self.app, tx, person)
        assert started is not None
        return await journey.begin(started, flow)

    async def withdraw(self, person: Person) -> Outcome:
        async with self.app.db.transaction() as tx:
            volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
            active = (
                []
                if volunteer is None
                else [a for a in await applications.for_volunteer(tx, volunteer.id) if a.active]
            )
            if not active:
                return Outcome([_say("volunteer/no_panels_to_withdraw")])
            if len(active) == 1:
                return await self._confirm_withdraw(tx, active[0])
            return Outcome(
                [
                    Reply(
                        render("volunteer/choose_panel"),
                        await self._panel_buttons(tx, "withdraw", active),
                    )
                ]
            )

    async def _confirm_withdraw(self, tx: Tx, application: Application) -> Outcome:
        panel = await panels.get(tx, application.panel_id, self._tz)
        assert panel is not None
        return Outcome(
            [
                Reply(
                    render("volunteer/withdraw_confirm", panel=views.panel_view(panel)),
                    rows(
                        _button("withdraw.yes", PanelById("withdraw_yes", panel.id)),
                        _button("withdraw.no", PanelById("withdraw_no", panel.id)),
                    ),
                )
            ]
        )

    async def _withdraw(
        self,
        tx: Tx,
        person: Person,
        volunteer: Volunteer,
        application: Application,
    ) -> Outcome:
        now = self.app.clock.now()
        panel = await panels.get(tx, application.panel_id, self._tz)
        assert panel is not None
        current = await journeys.get(tx, person.telegram_id)
        if current is not None and current.panel_id == panel.id:
            await journeys.delete(tx, person.telegram_id)
        forgotten = False
        if application.status == "draft":
            await applications.delete(tx, application.id)
            forgotten = await self._forget_unless_kept(tx, volunteer)
        else:
            await applications.update(tx, application.id, now, status="withdrawn")
        notices = (
            []
            if application.status == "draft"
            else await notify.withdrawn(tx, self.app.settings, panel.id, volunteer.id, now)
        )
        return Outcome(
            [_say("volunteer/withdrawn", panel=views.panel_view(panel), forgotten=forgotten)],
            notices,
        )

    async def _forget_unless_kept(self, tx: Tx, volunteer: Volunteer) -> bool:
        """A sign-up withdrawn before it was sent: what they typed for it goes, and the person
        with it, unless another application still needs them (or, with no panel left, they
        asked to hear about future panels: then only name, contact and that wish stay).
        True if nothing about them is left."""
        if await applications.for_volunteer(tx, volunteer.id):
            return False
        log.info("a sign-up was withdrawn before it was sent; its details are deleted")
        if volunteer.future_panels:
            await volunteers.keep_only_future_wish(tx, volunteer.id)
            return False
        await volunteers.erase(tx, volunteer.id, self.app.clock.now(), "withdrew a sign-up")
        return True

    async def my_data(self, person: Person) -> Outcome:
        async with self.app.db.transaction() as tx:
            volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
            if volunteer is None:
                return Outcome([_say("volunteer/no_data")])
            shown, stored = await my_data.everything_about(tx, volunteer, self._tz)
        content = json.dumps(stored, indent=2, ensure_ascii=False).encode("utf-8")
        return Outcome(
            [
                Reply(my_data.message(shown)),
                Reply(
                    render("volunteer/my_data_file"),
                    document=Document("my-panelbot-data.json", content),
                ),
            ]
        )

    async def delete(self, person: Person) -> Outcome:
        async with self.app.db.transaction() as tx:
            volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
            if volunteer is None:
                return Outcome([_say("volunteer/no_data")])
            await self._asked(tx, person, ERASE_PROMPT, volunteer.id)
        return Outcome([Reply(render("volunteer/erase_confirm"), _erase_buttons())])

    async def _erase(self, tx: Tx, volunteer: Volunteer) -> Outcome:
        active = [
            a
            for a in await applications.for_volunteer(tx, volunteer.id)
            if a.active and a.status != "draft"
        ]
        notices: list[Notice] = []
        for application in active:
            panel = await panels.get(tx, application.panel_id, self._tz)
            assert panel is not None
            notices.extend(
                Notice(chat_id, _say("coordinator/erased", panel=views.panel_view(panel)))
                for chat_id in await coordinator_chat_ids(tx, self.app.settings, panel.id)
            )
        await volunteers.erase(tx, volunteer.id, self.app.clock.now(), "asked by the person")
        log.info("a volunteer asked to be erased; done")
        return Outcome([_say("volunteer/erased")], notices)

    async def ask_question(self, person: Person) -> Outcome:
        """/question: reach the coordinators at any time, not only from the info pages."""
        async with self.app.db.transaction() as tx:
            current = await journey.load(self.app, tx, person)
            if current is None:
                volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
                if volunteer is None:
                    return Outcome([_say("volunteer/not_signed_up")])
                active = [a for a in await applications.for_volunteer(tx, volunteer.id) if a.active]
                panel_id = active[-1].panel_id if active else None
                await journeys.save(
                    tx,
                    Journey(person.telegram_id, "question", "question", panel_id),
                    self.app.clock.now(),
                )
                current = await journey.load(self.app, tx, person)
                assert current is not None
            return await journey.start_question(current)
