"""Delivering the notices about a changed or cancelled session (built by session_changes.py):
the updated calendar file for everyone who has the session in their calendar, and quiet hours.

A change to a session starting within 24 hours is urgent and goes at once. Any other change
decided during quiet hours waits in the outbox until they end, and the scheduler sends it;
it is dropped if the person leaves the panel meanwhile.
"""

from __future__ import annotations

from datetime import datetime

from bot import views
from bot.calendar import calendar_key, session_ics_document
from bot.config import Settings
from bot.replies import Notice, Reply
from bot.rules.timing import is_urgent_change, ledger_key, next_allowed_send
from bot.store import ledger, outbox, panels, session_versions
from bot.store.tx import Tx
from messages import render


async def deliver_change(
    tx: Tx,
    settings: Settings,
    *,
    change_id: int,
    session_id: int,
    soonest_start: datetime,
    told: list[tuple[int, Notice]],
    now: datetime,
) -> list[Notice]:
    """The notices to send now, given (application id, notice) for each person told.

    Raises the session's version first, so the calendar file's SEQUENCE replaces the event
    people already have.
    """
    await session_versions.sync(tx, now)
    found = await panels.with_session(tx, session_id, settings.timezone)
    if found is None:
        return [notice for _, notice in told]
    panel, session = found
    document = session_ics_document(session, panel, now)
    caption = render(
        "scheduler/calendar_update",
        cancelled=session.cancelled,
        session=views.session_view(session, panel.timezone),
    )
    everything: list[tuple[int, Notice]] = []
    for application_id, notice in told:
        everything.append((application_id, notice))
        entry = await ledger.get(tx, calendar_key(application_id, session.id))
        if entry is not None and entry.outcome == "sent":
            everything.append(
                (application_id, Notice(notice.chat_id, Reply(caption, document=document)))
            )
    quiet, tz = settings.quiet_hours, panel.timezone
    if is_urgent_change(soonest_start, now) or not quiet.contains(now.astimezone(tz).time()):
        return [notice for _, notice in everything]
    morning = next_allowed_send(now, quiet, tz, urgent=False)
    for number, (application_id, notice) in enumerate(everything):
        await outbox.enqueue(
            tx,
            key=ledger_key("change", change_id, number),
            chat_id=notice.chat_id,
            reply=notice.reply,
            not_before=morning,
            now=now,
            panel_id=panel.id,
            application_id=application_id,
        )
    return []
