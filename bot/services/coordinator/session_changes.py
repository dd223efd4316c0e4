"""Moving or cancelling a session, and telling exactly the people it affects.

A change is a row in `session_changes` holding the session before and after. From chat
(/reschedule, /cancelsession) the coordinator sees it first and it is applied when they
press Send. When a re-imported panel file changed a session, the session has already
changed: the bot shows coordinators what changed and who would be told, and tells them only
if a coordinator presses Send.

Who is affected: everyone still on the panel (signed up, with a place, or a reserve) who
said yes or maybe to that session. Each gets old and new side by side and, unless it was
cancelled, buttons to say again whether they can come (callbacks.Reconfirm); the
answer goes into their availability. Only the newest change's buttons count.

`tell_affected` is the one place that builds those messages, for any caller (the scheduler
reuses it); reminders and calendar files are derived from the sessions table.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, time, timedelta
from typing import Any, get_args
from zoneinfo import ZoneInfo

from bot import views
from bot.callbacks import (
    ChangeDecision,
    ChangeWhat,
    ChooseSession,
    Reconfirm,
    ReconfirmAnswer,
    SessionAction,
)
from bot.config import Settings
from bot.context import AppContext, Person
from bot.model import IN_THE_RUNNING, Panel, Session
from bot.replies import Button, Notice, Outcome, Reply, rows
from bot.services.coordinator.base import CoordCtx, kbutton, out_of_date, say
from bot.services.delivery import changes as change_delivery
from bot.services.delivery import news
from bot.services.volunteer import journey
from bot.store import applications, coordinators, panels, volunteers
from bot.store import session_changes as changes
from bot.store.panels import SessionChange
from bot.store.rights import coordinators_of
from bot.store.session_changes import SessionChangeRecord, SessionState
from bot.store.tx import Tx
from bot.text import clean, one_line
from messages import label, render
from messages.render import short_day

VENUE_MAX = 2000
NAMES_SHOWN = 30
TIME_INPUT = "session_time"
VENUE_INPUT = "session_venue"
_DATE = r"(\d{4}-\d{1,2}-\d{1,2})"
_CLOCK = r"(\d{1,2})[:.](\d{2})"
TIME_PATTERN = re.compile(
    rf"^{_DATE}\s+{_CLOCK}\s*(?:-|\u2013|to)\s*(?:{_DATE}\s+)?{_CLOCK}$", re.IGNORECASE
)


def state_view(state: SessionState, tz: ZoneInfo) -> dict[str, Any]:
    start, end = state.starts_at.astimezone(tz), state.ends_at.astimezone(tz)
    return {
        "start": start,
        "end": end,
        "same_day": start.date() == end.date(),
        "venue": state.venue,
        "online_link": state.online_link,
        "cancelled": state.cancelled,
    }


def change_view(session: Session, record: SessionChangeRecord, tz: ZoneInfo) -> dict[str, Any]:
    before, after = record.before, record.after
    return {
        "title": views.session_title(session),
        "before": state_view(before, tz),
        "after": state_view(after, tz),
        "time_changed": (before.starts_at, before.ends_at) != (after.starts_at, after.ends_at),
        "place_changed": (before.venue, before.online_link) != (after.venue, after.online_link),
        "cancelled": after.cancelled and not before.cancelled,
        "restored": before.cancelled and not after.cancelled,
    }


# --- telling people -----------------------------------------------------------------------------


async def tell_affected(
    tx: Tx, settings: Settings, record: SessionChangeRecord, now: datetime
) -> list[Notice]:
    """One message for each person the change affects, with re-confirm buttons (plus the
    updated calendar file, and held until morning if not urgent: change_delivery.py)."""
    session = await changes.session(tx, record.session_id)
    if session is None:
        return []
    panel = await panels.get(tx, session.panel_id, settings.timezone)
    assert panel is not None
    view = change_view(session, record, panel.timezone)
    buttons: tuple[tuple[Button, ...], ...] = ()
    if not record.after.cancelled:
        buttons = rows(
            *(
                Button(label(f"reconfirm.{a}"), Reconfirm(record.id, a).pack())
                for a in get_args(ReconfirmAnswer)
            )
        )
    told = []
    for person in await changes.affected(tx, record.session_id):
        text = render(
            "volunteer_news/session_changed",
            panel=views.panel_view(panel),
            name=person.name,
            change=view,
        )
        told.append((person.application_id, Notice(person.chat_id, Reply(text, buttons))))
    return await change_delivery.deliver_change(
        tx,
        settings,
        change_id=record.id,
        session_id=record.session_id,
        soonest_start=min(record.before.starts_at, record.after.starts_at),
        told=told,
        now=now,
    )


# --- choosing a session and typing the change (chat) ------------------------------------------


async def choose_session(c: CoordCtx, panel: Panel, action: SessionAction) -> Outcome:
    """action: "rs" to move a session, "cs" to cancel one."""
    live = [s for s in await panels.sessions(c.tx, panel.id) if not s.cancelled]
    if not live:
        return Outcome([say("no_sessions", panel=views.panel_view(panel))])
    buttons = [
        kbutton(
            "session",
            ChooseSession(action, s.id),
            title=views.session_title(s)[:60],
            when=short_day(s.starts_at.astimezone(panel.timezone)),
        )
        for s in live
    ]
    template = "reschedule_choose" if action == "rs" else "cancel_choose"
    return Outcome(
        [Reply(render(f"coordinator/{template}", panel=views.panel_view(panel)), rows(*buttons))]
    )


async def _live_session(c: CoordCtx, session_id: int) -> tuple[Session, Panel] | None:
    session = await changes.session(c.tx, session_id)
    if session is None or session.cancelled:
        return None
    panel = await c.panel(session.panel_id)
    return None if panel is None else (session, panel)


async def session_chosen(c: CoordCtx, action: str, session_id: int) -> Outcome:
    found = await _live_session(c, session_id)
    if found is None or action not in ("rs", "cs"):
        return out_of_date()
    session, panel = found
    if action == "cs":
        before = SessionState.of(session)
        return await _propose(
            c, session, panel, before, dataclasses.replace(before, cancelled=True)
        )
    view = views.session_view(session, panel.timezone)
    return Outcome(
        [
            Reply(
                render("coordinator/reschedule_what", session=view),
                rows(
                    kbutton("change_time", ChangeWhat(session.id, "time")),
                    kbutton("change_place", ChangeWhat(session.id, "venue")),
                ),
                edit=True,
            )
        ]
    )


async def ask_new(c: CoordCtx, session_id: int, what: str) -> Outcome:
    found = await _live_session(c, session_id)
    if found is None or what not in ("time", "venue"):
        return out_of_date()
    session, panel = found
    kind = TIME_INPUT if what == "time" else VENUE_INPUT
    await coordinators.expect_input(
        c.tx, c.person.telegram_id, kind, {"session_id": session.id}, c.now
    )
    view = views.session_view(session, panel.timezone)
    template = "reschedule_ask_time" if what == "time" else "reschedule_ask_venue"
    return Outcome([Reply(render(f"coordinator/{template}", session=view), edit=True)])


def parse_times(text: str, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    """'2027-03-10 11:00-13:00' or '2027-04-05 10:00 to 2027-04-19 17:00', in the panel's zone."""
    match = TIME_PATTERN.match(one_line(text))
    if match is None:
        return None
    day1, h1, m1, day2, h2, m2 = match.groups()
    try:
        start = datetime.fromisoformat(f"{_iso(day1)} {int(h1):02d}:{m1}").replace(tzinfo=tz)
        end = datetime.fromisoformat(f"{_iso(day2 or day1)} {int(h2):02d}:{m2}").replace(tzinfo=tz)
    except ValueError:
        return None
    return start.astimezone(UTC), end.astimezone(UTC)


def _time_error(c: CoordCtx, reason: str, session: Session, panel: Panel) -> Reply:
    """The example names a day whose 11:00 is still ahead, so copying it works."""
    day = session.starts_at.astimezone(panel.timezone).date()
    if datetime.combine(day, time(11, 0), panel.timezone) <= c.now:
        day = c.now.astimezone(panel.timezone).date() + timedelta(days=1)
    return say("time_error", reason=reason, example=f"{day:%Y-%m-%d}")


def _iso(day: str) -> str:
    year, month, date = day.split("-")
    return f"{year}-{int(month):02d}-{int(date):02d}"


async def typed(c: CoordCtx, kind: str, data: dict[str, Any], text: str) -> Outcome:
    found = await _live_session(c, int(data.get("session_id", 0)))
    if found is None:
        await coordinators.clear_input(c.tx, c.person.telegram_id)
        return out_of_date()
    session, panel = found
    before = SessionState.of(session)
    if kind == VENUE_INPUT:
        venue = clean(text)
        if not venue or len(venue) > VENUE_MAX:
            return Outcome([say("venue_error", limit=VENUE_MAX, empty=not venue)])
        after = dataclasses.replace(before, venue=venue)
    else:
        times = parse_times(text, panel.timezone)
        if times is None:
            return Outcome([_time_error(c, "unreadable", session, panel)])
        start, end = times
        if end <= start:
            return Outcome([_time_error(c, "ends_first", session, panel)])
        if start <= c.now:
            return Outcome([_time_error(c, "past", session, panel)])
        after = dataclasses.replace(before, starts_at=start, ends_at=end)
    if after == before:
        return Outcome([say("no_change")])
    await coordinators.clear_input(c.tx, c.person.telegram_id)
    return await _propose(c, session, panel, before, after, edit=False)


async def _propose(
    c: CoordCtx,
    session: Session,
    panel: Panel,
    before: SessionState,
    after: SessionState,
    *,
    edit: bool = True,
) -> Outcome:
    change_id = await changes.add(
        c.tx,
        session.id,
        "chat",
        before,
        after,
        c.now,
        created_by=c.person.telegram_id,
        announced=True,
    )
    record = await changes.get(c.tx, change_id)
    assert record is not None
    return Outcome([await preview(c.tx, session, panel, record, edit=edit)])


async def preview(
    tx: Tx,
    session: Session,
    panel: Panel,
    record: SessionChangeRecord,
    *,
    edit: bool = False,
) -> Reply:
    people = await changes.affected(tx, record.session_id)
    names = [p.name or label("coord.no_name") for p in people]
    text = render(
        "coordinator/change_preview",
        panel=views.panel_view(panel),
        source=record.source,
        change=change_view(session, record, panel.timezone),
        count=len(people),
        names=names[:NAMES_SHOWN],
        more=max(0, len(names) - NAMES_SHOWN),
    )
    return Reply(
        text,
        rows(
            kbutton("change_send", ChangeDecision(record.id, "send"), count=len(people)),
            kbutton(
                "change_skip_chat" if record.source == "chat" else "change_skip_file",
                ChangeDecision(record.id, "skip"),
            ),
        ),
        edit=edit,
    )


async def decide(c: CoordCtx, change_id: int, choice: str) -> Outcome:
    record = await changes.get(c.tx, change_id)
    session = None if record is None else await changes.session(c.tx, record.session_id)
    if record is None or session is None or choice not in ("send", "skip"):
        return out_of_date()
    panel = await c.panel(session.panel_id)
    if panel is None:
        return out_of_date()
    if record.status != "pending":
        return Outcome([say("change_already", status=record.status)])
    if record.source == "chat":
        if SessionState.of(session) != record.before:
            await changes.decide(c.tx, record.id, "replaced", c.person.telegram_id, c.now)
            return Outcome([say("change_overtaken")])
        if choice == "send" and not record.after.cancelled and record.after.starts_at <= c.now:
            await changes.decide(c.tx, record.id, "dropped", c.person.telegram_id, c.now)
            return Outcome([_time_error(c, "past", session, panel)])
    view = change_view(session, record, panel.timezone)
    if choice == "skip":
        await changes.decide(c.tx, record.id, "dropped", c.person.telegram_id, c.now)
        await c.audit("session_change_kept_quiet", panel, detail=f"session {session.key}")
        return Outcome(
            [
                Reply(
                    render("coordinator/change_dropped", source=record.source, change=view),
                    edit=True,
                )
            ]
        )
    if record.source == "chat":
        await changes.apply_state(c.tx, session.id, record.after)
    await changes.decide(c.tx, record.id, "sent", c.person.telegram_id, c.now)
    told = len(await changes.affected(c.tx, record.session_id))
    notices = await tell_affected(c.tx, c.app.settings, record, c.now)
    # Outside quiet hours they go now; during them (unless urgent) they wait for the morning.
    held = told > 0 and not notices
    action = "session_cancelled" if record.after.cancelled else "session_changed"
    await c.audit(action, panel, detail=f"session {session.key}: {told} told")
    others = render(
        "coordinator/change_sent_by_other",
        who=c.person.first_name,
        change=view,
        panel=views.panel_view(panel),
        count=told,
    )
    notices += [Notice(chat, Reply(others)) for chat in await c.other_coordinators(panel)]
    text = render("coordinator/change_sent", change=view, count=told, held=held)
    return Outcome([Reply(text, edit=True)], notices)


# --- changes from a re-imported panel file ----------------------------------------------------


async def record_import(tx: Tx, found: list[SessionChange], now: datetime) -> int:
    """Keep each session the import changed, to ask coordinators before anyone is told.

    A change still waiting from an earlier import is folded in, so people hear the whole
    change once: from what they were last told to what it is now.
    """
    recorded = 0
    for change in found:
        before = SessionState.of(change.before)
        after = (
            SessionState.of(change.after)
            if change.after is not None
            else dataclasses.replace(before, cancelled=True)
        )
        waiting = await changes.pending_for_session(tx, change.before.id, "file")
        if waiting:
            before = waiting[0].before
        for earlier in waiting:
            await changes.decide(tx, earlier.id, "replaced", None, now)
        if before == after:
            continue
        await changes.add(tx, change.before.id, "file", before, after, now)
        recorded += 1
    return recorded


async def announce_pending(tx: Tx, settings: Settings, now: datetime) -> list[Notice]:
    """Show every coordinator each change from a panel file that nobody has seen yet."""
    notices: list[Notice] = []
    for record in await changes.unannounced(tx):
        session = await changes.session(tx, record.session_id)
        panel = (
            None if session is None else await panels.get(tx, session.panel_id, settings.timezone)
        )
        await changes.mark_announced(tx, record.id, now)
        if session is None or panel is None:
            continue
        reply = await preview(tx, session, panel, record)
        notices += [Notice(chat, reply) for chat in await coordinators_of(tx, settings, panel.id)]
    return notices


# --- a volunteer answers a change -------------------------------------------------------------


async def reconfirm(app: AppContext, person: Person, pressed: Reconfirm) -> Outcome:
    change_id, answer = pressed.change_id, pressed.answer
    now = app.clock.now()
    async with app.db.transaction() as tx:
        record = await changes.get(tx, change_id)
        volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
        session = None if record is None else await changes.session(tx, record.session_id)
        if record is None or volunteer is None or session is None or record.status != "sent":
            return journey.stale()
        application = await applications.find(tx, session.panel_id, volunteer.id)
        if application is None or application.status not in IN_THE_RUNNING:
            return journey.stale()
        if session.cancelled or await changes.latest_sent(tx, session.id) != change_id:
            return Outcome([Reply(render("volunteer_news/reconfirm_old"))])
        await applications.set_availability(tx, application.id, {session.id: answer})
        notices = await news.record(
            tx, app.settings, "availability", session.panel_id, volunteer.id, now
        )
        panel = await panels.get(tx, session.panel_id, app.settings.timezone)
        assert panel is not None
    text = render(
        "volunteer_news/reconfirm_thanks",
        answer=answer,
        session=views.session_view(session, panel.timezone),
    )
    return Outcome([Reply(text)], notices)
