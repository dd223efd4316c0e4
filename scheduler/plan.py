"""What is due now: every scheduled message, derived from the database for one moment.

Nothing here sends. `plan` returns the messages to send now (`SendItem`), the keys it
recorded as skipped, and how many are due but held back by quiet hours. It never holds the
database for long: one short transaction for retention and queued notices, then one per
PANELS_PER_TRANSACTION panels, and only panels that can have something due are read at all
(scheduler/load.py). Each transaction records its own skips.

Rules, per panel:
- Calendar: a confirmed person gets one .ics file with all their coming sessions (urgent,
  so through quiet hours, when one starts within 24 hours). Changes and cancellations are
  told by bot/services/session_changes.py, which attaches the updated file
  (bot/services/change_delivery.py).
- Reminders: at each offset before each session a confirmed person is expected at, keyed
  on the session's version, so a changed session gets a fresh set. Never before the
  person's calendar file, never for a version they said they can't make. A reminder due
  before the calendar file went out, or before the session last changed, is skipped: that
  message said it all. After downtime only the latest overdue reminder goes (with "late"
  wording), and not even that if the next one is due within NEXT_SOON; the others are
  skipped. See `reminder_send_at` for quiet hours.
- Outcome: thanks once scoring is finished; award news at or after announce_at, never
  earlier; feedback with the award or `feedback_delay_days` later; one nudge after
  NUDGE_AFTER if nothing was answered.
- A coordinator's decision waits in the outbox (bot/services/coordinator/decisions.py) and
  goes only while the person's status is still the one it tells; the calendar file of a
  new place waits for it.
- Attendance thanks once a coordinator saved who came. Places offered to reserves.
- Needs flags: `needs_flag_days` before each session (panel file, default 3), coordinators
  are told once per session version which needs of the people expected there are still not
  arranged, and for whom. Nothing is sent when all are settled.
Only confirmed people get reminders and panel news; nobody who withdrew, was declined or
was erased gets anything; people who blocked the bot are skipped.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from bot.calendar import calendar_key
from bot.config import QuietHours
from bot.context import AppContext
from bot.model import IN_THE_RUNNING, Application, Panel, Session, Volunteer
from bot.replies import Reply
from bot.rules.needs import open_needs
from bot.rules.offers import answer_by, next_reserve
from bot.rules.retention import deletion_due
from bot.rules.timing import (
    is_urgent_change,
    ledger_key,
    next_allowed_send,
    reminder_status,
    reminder_times,
)
from bot.store import (
    applications,
    coordinator_reach,
    ledger,
    offers,
    outbox,
    outcomes,
    panels,
    retention,
    session_versions,
    volunteers,
)
from bot.store import due as load
from bot.store.due import PanelState
from bot.store.rights import coordinator_ids, coordinators_of
from bot.store.sql import chunked
from bot.store.tx import Tx
from scheduler import compose
from scheduler.compose import invite_reply, nudge_reply

log = logging.getLogger(__name__)

NUDGE_AFTER = timedelta(days=7)
# A late reminder (after downtime) is not sent when the next one is due this soon.
NEXT_SOON = timedelta(hours=12)
# When quiet hours would hold a reminder until its session has begun, it goes this long
# before the quiet hours start instead (the evening before an early session).
PULL_BACK = timedelta(minutes=30)
# Panels planned per transaction: few enough that the database is never held for long.
PANELS_PER_TRANSACTION = 20
RETENTION_KINDS = ("retention_warning", "retention_done")
UNREACHED = "coordinator_unreached"

AfterSent = Callable[[Tx, datetime], Awaitable[None]]


@dataclass
class SendItem:
    kind: str
    keys: tuple[str, ...]
    panel_id: int | None
    chat_id: int
    reply: Reply
    volunteer_id: int | None = None
    after_sent: AfterSent | None = None
    outbox_key: str | None = None


@dataclass(frozen=True)
class Skip:
    kind: str
    key: str
    panel_id: int | None


@dataclass
class Plan:
    items: list[SendItem] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    held: int = 0


def in_quiet_hours(moment: datetime, quiet: QuietHours, tz: ZoneInfo) -> bool:
    return quiet.contains(moment.astimezone(tz).time())


def reminder_send_at(
    due: datetime, session_start: datetime, quiet: QuietHours, tz: ZoneInfo
) -> datetime:
    """When a reminder may go: its due time moved out of quiet hours.

    If quiet hours would hold it until the session has begun (a 2h reminder for an 8am
    session), it goes PULL_BACK before those quiet hours began, the evening before, rather
    than being lost or waking someone at 6am.
    """
    moment = next_allowed_send(due, quiet, tz, urgent=False)
    if moment < session_start:
        return moment
    local = due.astimezone(tz)
    began = local.date()
    if quiet.start > quiet.end and local.time() < quiet.end:
        began -= timedelta(days=1)
    quiet_start = datetime.combine(began, quiet.start).replace(tzinfo=tz)
    return quiet_start.astimezone(due.tzinfo) - PULL_BACK


def expected_at(application: Application, session: Session) -> bool:
    """Whether a confirmed person is expected at a session, from what they told us."""
    if application.availability.get(session.id) == "no":
        return False
    return not (session.kind == "interview" and application.interviews is False)


async def plan(ctx: AppContext, now: datetime) -> Plan:
    """Everything due at `now`; see the module docstring."""
    result = Plan()
    async with ctx.db.transaction() as tx:
        await session_versions.sync(tx, now)
        planner = Planner(ctx, tx, now, result)
        await planner.retention()
        await planner.unreached_coordinators()
        await planner.outbox()
        with_work = await load.panels_with_work(tx, now)
        await planner.record_skips()
    for panel_ids in chunked(with_work, PANELS_PER_TRANSACTION):
        async with ctx.db.transaction() as tx:
            planner = Planner(ctx, tx, now, result)
            for state in await load.panel_states(tx, panel_ids, ctx.settings.timezone):
                await planner.panel(state)
            await planner.record_skips()
    return result


class Planner:
    """Plans inside one transaction, adding to `result`."""

    def __init__(self, ctx: AppContext, tx: Tx, now: datetime, result: Plan) -> None:
        self.ctx = ctx
        self.tx = tx
        self.now = now
        self.quiet = ctx.settings.quiet_hours
        self.result = result
        self._planned: set[str] = set()
        self._first_skip = len(result.skipped)
        self._coordinators: list[int] | None = None

    async def coordinators(self) -> list[int]:
        if self._coordinators is None:
            self._coordinators = await coordinator_ids(self.tx, self.ctx.settings)
        return self._coordinators

    async def panel(self, state: PanelState) -> None:
        self._calendars(state, await outbox.held_decisions(self.tx, state.panel.id, self.now))
        self._reminders(state)
        await self._offers(state)
        self._outcome(state)
        self._attendance(state)
        await self._need_flags(state)

    async def record_skips(self) -> None:
        """Record this transaction's skips in the ledger, so they are never due again."""
        keys: defaultdict[tuple[str, int | None], list[str]] = defaultdict(list)
        for skip in self.result.skipped[self._first_skip :]:
            keys[(skip.kind, skip.panel_id)].append(skip.key)
        for (kind, panel_id), batch in keys.items():
            await ledger.record(
                self.tx, batch, kind=kind, panel_id=panel_id, outcome="skipped", now=self.now
            )
        self._first_skip = len(self.result.skipped)

    # --- helpers ----------------------------------------------------------------------

    def _due(
        self,
        *,
        kind: str,
        keys: tuple[str, ...],
        panel_id: int | None,
        send_at: datetime,
        urgent: bool,
        tz: ZoneInfo,
        chat_id: int,
        build: Callable[[], Reply],
        volunteer_id: int | None = None,
        after_sent: AfterSent | None = None,
        outbox_key: str | None = None,
    ) -> None:
        if send_at > self.now:
            return
        if not urgent and in_quiet_hours(self.now, self.quiet, tz):
            self.result.held += 1
            return
        self._planned.update(keys)
        self.result.items.append(
            SendItem(kind, keys, panel_id, chat_id, build(), volunteer_id, after_sent, outbox_key)
        )

    def _skip(self, kind: str, key: str, panel_id: int | None) -> None:
        self.result.skipped.append(Skip(kind, key, panel_id))

    # --- calendars and reminders ------------------------------------------------------------

    def _calendars(self, s: PanelState, held: set[int]) -> None:
        panel = s.panel
        for application, volunteer in s.people:
            if application.id in held:
                continue  # their place is held (it may be undone): the file follows the news
            first = [
                session
                for session in s.sessions
                if session.starts_at > self.now
                and not session.cancelled
                and expected_at(application, session)
                and calendar_key(application.id, session.id) not in s.ledger
            ]
            if not first:
                continue
            self._due(
                kind="calendar",
                keys=tuple(calendar_key(application.id, item.id) for item in first),
                panel_id=panel.id,
                send_at=self.now,
                urgent=any(is_urgent_change(item.starts_at, self.now) for item in first),
                tz=panel.timezone,
                chat_id=volunteer.chat_id,
                volunteer_id=volunteer.id,
                build=partial(compose.calendar, panel, first, volunteer, self.now),
            )

    def _reminders(self, s: PanelState) -> None:
        panel, tz = s.panel, s.panel.timezone
        offsets = panel.spec.reminder_offsets or self.ctx.settings.reminders
        # Each session's reminder times are the same for everyone: work them out once.
        # (The offset's label makes the same ledger key as the offset itself.)
        schedules: dict[int, list[tuple[str, datetime, str]]] = {}

        def schedule(session: Session) -> list[tuple[str, datetime, str]]:
            if session.id not in schedules:
                schedules[session.id] = [
                    (planned.label, at, reminder_status(self.now, at, session.starts_at))
                    for planned in reminder_times(session.starts_at, offsets, tz)
                    for at in (
                        reminder_send_at(planned.due_utc, session.starts_at, self.quiet, tz),
                    )
                ]
            return schedules[session.id]

        for application, volunteer in s.people:
            for session in s.sessions:
                if session.cancelled or session.starts_at <= self.now:
                    continue
                if not expected_at(application, session):
                    continue
                reply = s.replies.get((application.id, session.id))
                if reply == (session.version, "not_coming"):
                    continue
                calendar = s.sent(calendar_key(application.id, session.id))
                if calendar is None:
                    continue
                changed = s.snapshots.get((session.id, session.version))
                told_from = (
                    max(calendar.at, changed.changed_at)
                    if changed and session.version > 1
                    else calendar.at
                )
                due: list[tuple[datetime, str, bool]] = []
                upcoming: datetime | None = None
                for label, send_at, status in schedule(session):
                    key = ledger_key("reminder", application.id, session.id, session.version, label)
                    if key in s.ledger:
                        continue
                    if send_at < told_from:
                        self._skip("reminder", key, panel.id)
                        continue
                    if status in ("due", "late"):
                        due.append((send_at, key, status == "late"))
                    elif status == "future" and upcoming is None:
                        upcoming = send_at
                if not due:
                    continue
                if volunteer.reminders_paused:  # paused in /settings: none now, none later
                    for _, paused_key, _ in due:
                        self._skip("reminder", paused_key, panel.id)
                    continue
                due.sort()
                send_at, key, late = due[-1]
                overtaken = late and upcoming is not None and upcoming - self.now <= NEXT_SOON
                for _, old_key, _ in due if overtaken else due[:-1]:
                    self._skip("reminder", old_key, panel.id)
                if overtaken:
                    continue
                self._due(
                    kind="reminder",
                    keys=(key,),
                    panel_id=panel.id,
                    send_at=send_at,
                    urgent=False,
                    tz=tz,
                    chat_id=volunteer.chat_id,
                    volunteer_id=volunteer.id,
                    build=partial(
                        compose.reminder,
                        panel,
                        session,
                        application,
                        volunteer,
                        self.now,
                        late=late,
                        marks=s.need_marks.get(application.id, {}),
                        coming=reply == (session.version, "coming"),
                    ),
                )

    async def _offers(self, s: PanelState) -> None:
        """Send each new offer; pass the place on when an offer could not go, or was not
        answered by its deadline (`offer_hours` after it went). Offers wait out quiet hours."""
        sessions = {session.id: session for session in s.sessions}
        hours = s.panel.spec.offer_hours
        for offer in s.offers:
            session = sessions[offer.session_id]
            if session.cancelled or session.starts_at <= self.now:
                await offers.answer_offer(self.tx, offer.id, "lapsed", self.now)
                continue
            sent = s.ledger.get(ledger_key("offer", offer.id))
            pair = s.reachable.get(offer.application_id)
            if sent is not None and sent.outcome == "sent":
                deadline = answer_by(sent.at, hours)
                if deadline <= self.now:
                    await offers.answer_offer(self.tx, offer.id, "lapsed", deadline)
                    await self._offer_next(s, session)
            elif sent is not None or pair is None or pair[0].status != "reserve":
                await offers.answer_offer(self.tx, offer.id, "lapsed", self.now)
                await self._offer_next(s, session)
            else:
                self._send_offer(s, session, offer.id, pair[1])

    async def _offer_next(self, s: PanelState, session: Session) -> None:
        asked = {o.application_id for o in await offers.offers_for_session(self.tx, session.id)}
        reserves = await applications.for_panel(self.tx, s.panel.id)
        chosen = next_reserve(reserves, asked, session.id)
        if chosen is None:
            return
        offer_id = await offers.add_offer(self.tx, session.id, chosen.id, self.now)
        volunteer = await volunteers.get(self.tx, chosen.volunteer_id)
        if volunteer is None or volunteer.unreachable:
            return  # the next tick finds it cannot go, and passes it on
        self._send_offer(s, session, offer_id, volunteer)

    def _send_offer(
        self, s: PanelState, session: Session, offer_id: int, volunteer: Volunteer
    ) -> None:
        self._due(
            kind="offer",
            keys=(ledger_key("offer", offer_id),),
            panel_id=s.panel.id,
            send_at=self.now,
            urgent=False,
            tz=s.panel.timezone,
            chat_id=volunteer.chat_id,
            volunteer_id=volunteer.id,
            build=partial(
                compose.place_offer,
                s.panel,
                session,
                offer_id,
                volunteer,
                self.now,
                answer_by=answer_by(self.now, s.panel.spec.offer_hours),
            ),
        )

    # --- after the sessions ----------------------------------------------------------------

    def _outcome(self, s: PanelState) -> None:
        panel, outcome = s.panel, s.outcome
        for application, volunteer in s.people:
            if outcome.scoring_finished_at is not None:
                self._to_person(
                    s, "thanks", volunteer, outcome.scoring_finished_at,
                    partial(compose.scoring_thanks, panel, volunteer, self.now),
                    ledger_key("thanks", application.id),
                )  # fmt: skip
            if outcome.announce_at is None or outcome.awarded_to is None:
                continue
            award = ledger_key("award", application.id)
            self._to_person(
                s, "award", volunteer, outcome.announce_at,
                partial(compose.award_news, panel, outcome, volunteer, self.now), award,
            )  # fmt: skip
            if not (s.sent(award) or award in self._planned):
                continue
            invite = ledger_key("feedback", application.id)
            if invite not in s.ledger:
                self._to_person(
                    s, "feedback", volunteer,
                    outcome.announce_at + timedelta(days=panel.spec.feedback_delay_days),
                    partial(invite_reply, panel, application.id, volunteer.name), invite,
                    after_sent=partial(_invited, application.id, panel.id),
                )  # fmt: skip
                continue
            feedback = s.feedback.get(application.id)
            if feedback is not None and not feedback.started:
                self._to_person(
                    s, "nudge", volunteer, feedback.invited_at + NUDGE_AFTER,
                    partial(nudge_reply, panel, application.id, volunteer.name),
                    ledger_key("feedback_nudge", application.id),
                )  # fmt: skip

    def _to_person(
        self,
        s: PanelState,
        kind: str,
        volunteer: Volunteer,
        send_at: datetime,
        build: Callable[[], Reply],
        key: str,
        *,
        after_sent: AfterSent | None = None,
    ) -> None:
        """A panel message to one person, not urgent, unless it was sent or skipped before."""
        if key in s.ledger:
            return
        self._due(
            kind=kind,
            keys=(key,),
            panel_id=s.panel.id,
            send_at=send_at,
            urgent=False,
            tz=s.panel.timezone,
            chat_id=volunteer.chat_id,
            build=build,
            volunteer_id=volunteer.id,
            after_sent=after_sent,
        )

    def _attendance(self, s: PanelState) -> None:
        sessions = {session.id: session for session in s.sessions}
        for mark in s.marks:
            if not mark.attended or mark.saved_at is None:
                continue
            key = ledger_key("attended", mark.application_id, mark.session_id)
            pair = s.reachable.get(mark.application_id)
            if key in s.ledger or pair is None:
                continue
            application, volunteer = pair
            session = sessions[mark.session_id]
            self._due(
                kind="attended",
                keys=(key,),
                panel_id=s.panel.id,
                send_at=mark.saved_at,
                urgent=False,
                tz=s.panel.timezone,
                chat_id=volunteer.chat_id,
                volunteer_id=volunteer.id,
                build=partial(
                    compose.attendance_thanks,
                    s.panel,
                    session,
                    mark,
                    application,
                    volunteer,
                    self.now,
                ),
            )

    async def _need_flags(self, s: PanelState) -> None:
        panel = s.panel
        ahead = timedelta(days=panel.spec.needs_flag_days)
        for session in s.sessions:
            if session.cancelled or session.starts_at <= self.now:
                continue
            if self.now < session.starts_at - ahead:
                continue
            waiting = [
                (volunteer, needs)
                for application, volunteer in s.people
                if expected_at(application, session)
                for needs in (open_needs(volunteer, session, s.need_marks.get(application.id, {})),)
                if needs
            ]
            if not waiting:
                continue
            keys = {
                chat_id: ledger_key("needs_flag", session.id, session.version, chat_id)
                # Which needs wait is health data: for the panel's owners only.
                for chat_id in await coordinators_of(
                    self.tx, self.ctx.settings, panel.id, owners_only=True
                )
            }
            for chat_id, key in keys.items():
                if key in s.ledger:
                    continue
                self._due(
                    kind="needs_flag",
                    keys=(key,),
                    panel_id=panel.id,
                    send_at=session.starts_at - ahead,
                    urgent=False,
                    tz=panel.timezone,
                    chat_id=chat_id,
                    build=partial(compose.needs_flag, panel, session, waiting, self.now),
                )

    # --- notices queued by use cases, and retention ----------------------------------------

    async def outbox(self) -> None:
        tz_default = self.ctx.settings.timezone
        items = await outbox.due(self.tx, self.now)
        if not items:
            return
        recorded = await ledger.recorded(self.tx, (item.key for item in items))
        statuses = {
            application.id: application.status
            for application in (
                await applications.get_many(
                    self.tx, (i.application_id for i in items if i.application_id is not None)
                )
            ).values()
        }
        by_id = await panels.by_ids(
            self.tx, (i.panel_id for i in items if i.panel_id is not None), tz_default
        )
        for item in items:
            if item.key in recorded:
                await outbox.remove(self.tx, item.key)
                continue
            status = None if item.application_id is None else statuses.get(item.application_id)
            if (item.for_status is not None and status != item.for_status) or (
                item.for_status is None
                and item.application_id is not None
                and status not in IN_THE_RUNNING
            ):
                await outbox.remove(self.tx, item.key)
                self._skip("outbox", item.key, item.panel_id)
                continue
            panel = None if item.panel_id is None else by_id.get(item.panel_id)
            self._due(
                kind="outbox",
                keys=(item.key,),
                panel_id=item.panel_id,
                send_at=item.not_before,
                urgent=item.urgent,
                tz=panel.timezone if panel else tz_default,
                chat_id=item.chat_id,
                volunteer_id=item.volunteer_id,
                build=partial(_same, item.reply),
                outbox_key=item.key,
            )

    async def unreached_coordinators(self) -> None:
        """Tell the other coordinators, once, about one who cannot be sent anything."""
        reach = await coordinator_reach.everyone(self.tx)
        coordinators = await self.coordinators()
        unreached = [c for c in coordinators if c in reach and reach[c].unreached]
        told = await ledger.recorded(
            self.tx,
            (ledger_key(UNREACHED, c, other) for c in unreached for other in coordinators),
        )
        for coordinator in unreached:
            for other in coordinators:
                key = ledger_key(UNREACHED, coordinator, other)
                if other == coordinator or key in told:
                    continue
                self._due(
                    kind=UNREACHED, keys=(key,), panel_id=None, send_at=self.now,
                    urgent=False, tz=self.ctx.settings.timezone, chat_id=other,
                    build=partial(compose.coordinator_unreached, coordinator),
                )  # fmt: skip

    async def retention(self) -> None:
        tx, settings = self.tx, self.ctx.settings
        if swept := await retention.sweep(tx, self.now):
            log.info("retention: %d person(s) with no application left were trimmed or deleted",
                     swept)  # fmt: skip
        coordinators = await coordinator_ids(tx, settings)
        closed = await retention.closed_panels(tx)
        told = await ledger.recorded(
            tx,
            (
                ledger_key(kind, panel_id, chat_id)
                for panel_id, _, _ in closed
                for kind in RETENTION_KINDS
                for chat_id in coordinators
            ),
        )

        def all_told(kind: str, panel_id: int) -> bool:
            return all(ledger_key(kind, panel_id, chat_id) in told for chat_id in coordinators)

        for panel_id, closed_at, run in closed:
            panel: Panel | None = None
            if run is None:
                panel = await panels.get(tx, panel_id, settings.timezone)
                assert panel is not None
                run = await retention.run_for(
                    tx, panel_id, deletion_due(panel, closed_at, settings)
                )
            if self.now < run.warn_from:
                continue
            if run.warned_at is None and not coordinators:
                await retention.mark_warned(tx, panel_id, self.now)
                continue
            if run.warned_at is None:
                if all_told("retention_warning", panel_id):
                    continue
                panel = panel or await panels.get(tx, panel_id, settings.timezone)
                assert panel is not None
                counts = await retention.counts(tx, panel_id)
                deletes_on = max(run.due_at, self.now + retention.WARN_BEFORE)
                self._tell_coordinators(
                    coordinators,
                    told,
                    "retention_warning",
                    panel,
                    run.warn_from,
                    partial(compose.retention_warning, panel, deletes_on, counts),
                    after_sent=partial(_mark_warned, panel_id),
                )
                continue
            if run.ran_at is None:
                delete_from = run.delete_from
                if delete_from is None or self.now < delete_from:
                    continue
                await retention.delete(tx, panel_id, self.now)
            elif all_told("retention_done", panel_id):
                continue  # deleted and told: nothing more, ever
            panel = panel or await panels.get(tx, panel_id, settings.timezone)
            assert panel is not None
            done = await retention.recorded(tx, panel_id)
            self._tell_coordinators(
                coordinators,
                told,
                "retention_done",
                panel,
                run.ran_at or self.now,
                partial(compose.retention_done, panel, done),
            )

    def _tell_coordinators(
        self,
        coordinators: list[int],
        told: set[str],
        kind: str,
        panel: Panel,
        send_at: datetime,
        build: Callable[[], Reply],
        after_sent: AfterSent | None = None,
    ) -> None:
        for chat_id in coordinators:
            key = ledger_key(kind, panel.id, chat_id)
            if key in told:
                continue
            self._due(
                kind=kind,
                keys=(key,),
                panel_id=panel.id,
                send_at=send_at,
                urgent=False,
                tz=panel.timezone,
                chat_id=chat_id,
                build=build,
                after_sent=after_sent,
            )


def _same(reply: Reply) -> Reply:
    return reply


async def _invited(application_id: int, panel_id: int, tx: Tx, now: datetime) -> None:
    await outcomes.invite(tx, application_id, panel_id, now)


async def _mark_warned(panel_id: int, tx: Tx, now: datetime) -> None:
    await retention.mark_warned(tx, panel_id, now)
