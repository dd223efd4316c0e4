"""A coordinator's decisions about people: marked at once, told later, and undoable.

A decision changes the person's status at once (the roster shows it) and queues their kind
message in the outbox (bot/store/outbox.py), which the scheduler sends. It waits the panel's
hold (`decision_hold_minutes`) so the coordinator can undo it, and until the morning if that
falls in quiet hours. A new decision before the message went replaces it, so a changed mind
sends one message, the last; a decision back to what the person already knew sends nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import views
from bot.callbacks import RosterPage, SendDecisions
from bot.model import Panel, Volunteer
from bot.replies import Outcome, Reply, rows
from bot.rules.timing import next_allowed_send
from bot.services.coordinator.base import CoordCtx, kbutton
from bot.store import applications, outbox, volunteers
from bot.store.outbox import OutboxItem
from messages import label, render


@dataclass(frozen=True)
class Held:
    """A decision queued for one person: what they will get and when."""

    item: OutboxItem
    name: str
    goes_at: datetime


def told_text(panel: Panel, volunteer: Volunteer, status: str) -> str:
    return render(
        f"volunteer_news/place_{status}", panel=views.panel_view(panel), name=volunteer.name
    )


def goes_at(c: CoordCtx, panel: Panel, not_before: datetime) -> datetime:
    """When the scheduler will send a held message: after the hold, outside quiet hours."""
    moment = max(not_before, c.now)
    return next_allowed_send(moment, c.app.settings.quiet_hours, panel.timezone, urgent=False)


async def hold(
    c: CoordCtx, panel: Panel, application_id: int, volunteer: Volunteer, was: str, to: str
) -> datetime | None:
    """Queue the message for a decision from `was` to `to`; when it will go, or None when
    nothing needs saying (the person already knows `to`)."""
    pending = await outbox.pending_decision_for(c.tx, application_id)
    told = pending.told_status if pending is not None and pending.told_status else was
    await outbox.drop_decisions(c.tx, application_id)
    if to == told:
        return None
    number = await outbox.decisions_recorded(c.tx, application_id) + 1
    not_before = c.now + timedelta(minutes=panel.spec.decision_hold_minutes)
    await outbox.enqueue(
        c.tx,
        key=f"decision:{application_id}:{number}:{to}",
        chat_id=volunteer.chat_id,
        reply=Reply(told_text(panel, volunteer, to)),
        not_before=not_before,
        now=c.now,
        panel_id=panel.id,
        volunteer_id=volunteer.id,
        application_id=application_id,
        for_status=to,
        told_status=told,
    )
    return goes_at(c, panel, not_before)


async def undo(c: CoordCtx, panel: Panel, application_id: int) -> str | None:
    """Put the person back where they were before the decisions not sent yet; the status
    they are back at, or None if their message has already gone."""
    pending = await outbox.pending_decision_for(c.tx, application_id)
    if pending is None or pending.told_status is None:
        return None
    await outbox.drop_decisions(c.tx, application_id)
    await applications.update(c.tx, application_id, c.now, status=pending.told_status)
    return pending.told_status


async def held(c: CoordCtx, panel: Panel) -> list[Held]:
    found = []
    for item in await outbox.pending_decisions(c.tx, panel.id):
        volunteer = (
            None if item.volunteer_id is None else await volunteers.get(c.tx, item.volunteer_id)
        )
        name = (volunteer.name if volunteer else None) or label("coord.no_name")
        found.append(Held(item, name, goes_at(c, panel, item.not_before)))
    return found


def fingerprint(found: list[Held]) -> str:
    text = ",".join(h.item.key for h in found)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def when_words(c: CoordCtx, panel: Panel, moment: datetime) -> str:
    """'at 10:05am' today, or 'tomorrow at 8am', or the day, in the panel's time zone."""
    local, today = moment.astimezone(panel.timezone), c.now.astimezone(panel.timezone).date()
    return render(
        "coordinator/decision_when",
        moment=local,
        today=local.date() == today,
        tomorrow=local.date() == today + timedelta(days=1),
    )


async def preview(c: CoordCtx, panel: Panel, *, note: str | None = None) -> Outcome:
    """Exactly what each person will get, and when; one press sends them together."""
    found = await held(c, panel)
    people = [
        {
            "name": h.name,
            "status": label(f"coord_status.{h.item.for_status}"),
            "when": when_words(c, panel, h.goes_at),
            "text": h.item.reply.text,
        }
        for h in found
    ]
    buttons = []
    if found:
        buttons.append(
            kbutton("send_decisions", SendDecisions(panel.id, fingerprint(found)), count=len(found))
        )
    buttons.append(kbutton("back_to_roster", RosterPage(panel.id, 0)))
    text = render(
        "coordinator/decisions_waiting", panel=views.panel_view(panel), people=people, note=note
    )
    return Outcome([Reply(text, rows(*buttons), edit=True)])


async def send_now(c: CoordCtx, panel: Panel, key: str) -> Outcome:
    """Send the held decisions without waiting out the hold (quiet hours still hold them)."""
    found = await held(c, panel)
    if not found or fingerprint(found) != key:
        return await preview(c, panel, note=render("coordinator/decisions_changed"))
    await outbox.send_decisions_from(c.tx, panel.id, [h.item.key for h in found], c.now)
    moment = goes_at(c, panel, c.now)
    await c.audit("send_decisions", panel, detail=f"{len(found)} decisions")
    text = render(
        "coordinator/decisions_sent",
        count=len(found),
        now=moment <= c.now,
        when=when_words(c, panel, moment),
    )
    return Outcome(
        [Reply(text, rows(kbutton("back_to_roster", RosterPage(panel.id, 0))), edit=True)]
    )
