"""/broadcast: write a message, choose who gets it, see it as they will, then send.

Sending itself runs in the background (bot/services/broadcast_delivery.py); this module
only prepares a broadcast and fixes its recipients when Send is pressed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from html import unescape
from typing import Any, Literal

from bot import views
from bot.callbacks import (
    Audience,
    AudienceChosen,
    AudienceName,
    AudienceSession,
    SendBroadcast,
    SendBroadcastLater,
    StopBroadcast,
    TickPerson,
)
from bot.model import IN_THE_RUNNING, Panel, Session
from bot.replies import Button, Outcome, Reply, rows
from bot.rules import paging
from bot.rules.readability import LONG_SENTENCE, PLAIN_SCORE, hint
from bot.rules.send_time import parse_send_time
from bot.rules.timing import next_allowed_send
from bot.services.coordinator.base import PAGE_SIZE, CoordCtx, kbutton, out_of_date, say
from bot.services.coordinator.decisions import when_words
from bot.services.coordinator.roster import live_sessions
from bot.store import broadcasts, coordinators, panels
from bot.store.broadcasts import Broadcast
from bot.text import clean
from messages import label, render

TEXT_MAX = 4096  # Telegram's limit, counted as people see the text
AUDIENCES: dict[AudienceName, tuple[str, ...]] = {
    "confirmed": ("confirmed",),
    "reserve": ("reserve",),
    "everyone": tuple(sorted(IN_THE_RUNNING)),
}
INPUT = "broadcast"
TIME_INPUT = "broadcast_time"


def volunteer_message(panel: Panel, text: str) -> str:
    """What each volunteer receives: a heading naming the panel, then the text as typed."""
    return render("volunteer_news/broadcast", panel=views.panel_view(panel), text=text)


def visible_length(html_text: str) -> int:
    return len(unescape(re.sub(r"<[^>]+>", "", html_text)).strip())


def text_limit(panel: Panel) -> int:
    heading = visible_length(volunteer_message(panel, "x")) - 1
    return TEXT_MAX - heading


async def begin(c: CoordCtx, panel: Panel) -> Outcome:
    await coordinators.expect_input(
        c.tx, c.person.telegram_id, INPUT, {"panel_id": panel.id}, c.now
    )
    return Outcome([say("broadcast_write", panel=views.panel_view(panel), limit=text_limit(panel))])


async def typed(c: CoordCtx, data: dict[str, Any], typed_text: str) -> Outcome:
    panel = await c.panel(int(data.get("panel_id", 0)))
    if panel is None:
        await coordinators.clear_input(c.tx, c.person.telegram_id)
        return out_of_date()
    text = clean(typed_text)
    if not text:
        return Outcome([say("broadcast_empty")])
    if visible_length(volunteer_message(panel, text)) > TEXT_MAX:
        return Outcome([say("broadcast_too_long", length=len(text), limit=text_limit(panel))])
    broadcast_id = await broadcasts.create(c.tx, panel.id, c.person.telegram_id, text, c.now)
    await coordinators.clear_input(c.tx, c.person.telegram_id)
    return await _choose_audience(c, panel, broadcast_id, edit=False)


async def _coming_sessions(c: CoordCtx, panel: Panel) -> list[Session]:
    sessions = live_sessions(await panels.sessions(c.tx, panel.id))
    return [s for s in sessions if s.ends_at > c.now]


async def _choose_audience(c: CoordCtx, panel: Panel, broadcast_id: int, *, edit: bool) -> Outcome:
    counts = {}
    for name, statuses in AUDIENCES.items():
        reachable, _ = await broadcasts.audience(c.tx, panel.id, statuses)
        counts[name] = len(reachable)
    buttons = [
        kbutton(f"audience_{name}", Audience(broadcast_id, name), count=counts[name])
        for name in AUDIENCES
    ]
    for session in await _coming_sessions(c, panel):
        reachable, _ = await broadcasts.session_audience(c.tx, panel.id, session.id)
        view = views.session_view(session, panel.timezone)
        buttons.append(
            kbutton(
                "audience_session",
                AudienceSession(broadcast_id, session.id),
                title=view["title"][:30],
                day=f"{view['start']:%a} {view['start'].day} {view['start']:%b}",
                count=len(reachable),
            )
        )
    buttons.append(kbutton("audience_chosen", AudienceChosen(broadcast_id, "list", 0)))
    buttons.append(kbutton("broadcast_stop", StopBroadcast(broadcast_id)))
    text = render("coordinator/broadcast_audience", panel=views.panel_view(panel))
    return Outcome([Reply(text, rows(*buttons), edit=edit)])


async def _draft(c: CoordCtx, broadcast_id: int) -> tuple[Broadcast, Panel] | None:
    """The coordinator's own broadcast, still being prepared."""
    broadcast = await broadcasts.get(c.tx, broadcast_id)
    if broadcast is None or broadcast.coordinator_id != c.person.telegram_id:
        return None
    panel = await c.panel(broadcast.panel_id)
    return None if panel is None else (broadcast, panel)


def _not_a_draft(broadcast: Broadcast) -> Outcome:
    return Outcome([say("broadcast_not_draft", status=broadcast.status)])


async def choose(
    c: CoordCtx, broadcast_id: int, audience: AudienceName | Literal["again"]
) -> Outcome:
    found = await _draft(c, broadcast_id)
    if found is None:
        return out_of_date()
    broadcast, panel = found
    if broadcast.status != "draft":
        return _not_a_draft(broadcast)
    if audience == "again":
        return await _choose_audience(c, panel, broadcast_id, edit=True)
    await broadcasts.set_audience(c.tx, broadcast_id, audience)
    reachable, unreachable = await broadcasts.audience(c.tx, panel.id, AUDIENCES[audience])
    return _preview(c, panel, broadcast, audience, None, reachable, unreachable)


async def choose_session(c: CoordCtx, broadcast_id: int, session_id: int) -> Outcome:
    """Those with a place at one coming session."""
    found = await _draft(c, broadcast_id)
    if found is None:
        return out_of_date()
    broadcast, panel = found
    if broadcast.status != "draft":
        return _not_a_draft(broadcast)
    session = next((s for s in await _coming_sessions(c, panel) if s.id == session_id), None)
    if session is None:
        return out_of_date()
    await broadcasts.set_audience(c.tx, broadcast_id, "confirmed", session.id)
    reachable, unreachable = await broadcasts.session_audience(c.tx, panel.id, session.id)
    view = views.session_view(session, panel.timezone)
    return _preview(c, panel, broadcast, "session", view, reachable, unreachable)


async def checklist(c: CoordCtx, pressed: AudienceChosen | TickPerson) -> Outcome:
    """Chosen people: a list to tick, edited in place, 15 to a page; then the message."""
    found = await _draft(c, pressed.broadcast_id)
    if found is None:
        return out_of_date()
    broadcast, panel = found
    if broadcast.status != "draft":
        return _not_a_draft(broadcast)
    people = await broadcasts.choosable(c.tx, panel.id, AUDIENCES["everyone"])
    if isinstance(pressed, TickPerson):
        if all(volunteer_id != pressed.volunteer_id for volunteer_id, _ in people):
            return out_of_date()
        await broadcasts.tick(c.tx, broadcast.id, pressed.volunteer_id)
    # Only those still on the panel and reachable count, whatever was ticked before.
    ticked = await broadcasts.ticked(c.tx, broadcast.id) & {v for v, _ in people}
    if isinstance(pressed, AudienceChosen) and pressed.step == "done":
        if not ticked:
            return await _show_checklist(c, panel, broadcast, people, ticked, 0, nobody=True)
        await broadcasts.set_audience(c.tx, broadcast.id, "everyone", chosen=True)
        reachable = [v for v, _ in people if v in ticked]
        return _preview(c, panel, broadcast, "chosen", None, reachable, 0)
    return await _show_checklist(c, panel, broadcast, people, ticked, pressed.page)


async def _show_checklist(
    c: CoordCtx,
    panel: Panel,
    broadcast: Broadcast,
    people: list[tuple[int, str]],
    ticked: set[int],
    page: int,
    *,
    nobody: bool = False,
) -> Outcome:
    pages = paging.page_count(len(people), PAGE_SIZE)
    page = min(page, pages - 1)
    shown = people[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    buttons: list[tuple[Button, ...]] = [
        (
            kbutton(
                "tick_on" if volunteer_id in ticked else "tick_off",
                TickPerson(broadcast.id, volunteer_id, page),
                name=(name or label("coord.no_name"))[:40],
            ),
        )
        for volunteer_id, name in shown
    ]
    numbers = paging.page_numbers(page, pages)
    for at in range(0, len(numbers), 5):
        buttons.append(
            tuple(
                kbutton(
                    "this_page" if n == page else "page_number",
                    AudienceChosen(broadcast.id, "list", n),
                    number=n + 1,
                )
                for n in numbers[at : at + 5]
            )
        )
    buttons += rows(
        kbutton("chosen_done", AudienceChosen(broadcast.id, "done", page), count=len(ticked)),
        kbutton("broadcast_other_people", Audience(broadcast.id, "again")),
        kbutton("broadcast_stop", StopBroadcast(broadcast.id)),
    )
    text = render(
        "coordinator/broadcast_checklist",
        panel=views.panel_view(panel),
        count=len(ticked),
        total=len(people),
        page=page + 1,
        pages=pages,
        nobody=nobody,
    )
    return Outcome([Reply(text, tuple(buttons), edit=True)])


def _preview(
    c: CoordCtx,
    panel: Panel,
    broadcast: Broadcast,
    audience: str,
    session: dict[str, Any] | None,
    reachable: list[int],
    unreachable: int,
) -> Outcome:
    buttons = []
    if reachable:
        buttons.append(kbutton("broadcast_send", SendBroadcast(broadcast.id), count=len(reachable)))
        buttons.append(kbutton("broadcast_later", SendBroadcastLater(broadcast.id)))
    buttons += [
        kbutton("broadcast_other_people", Audience(broadcast.id, "again")),
        kbutton("broadcast_stop", StopBroadcast(broadcast.id)),
    ]
    text = render(
        "coordinator/broadcast_preview",
        panel=views.panel_view(panel),
        count=len(reachable),
        unreachable=unreachable,
        audience=audience,
        session=session,
        message=volunteer_message(panel, broadcast.text),
        hint=hint(broadcast.text),
        plain_score=PLAIN_SCORE,
        long_sentence=LONG_SENTENCE,
    )
    return Outcome([Reply(text, rows(*buttons), edit=True)])


async def stop(c: CoordCtx, broadcast_id: int) -> Outcome:
    found = await _draft(c, broadcast_id)
    if found is None:
        return out_of_date()
    broadcast, _ = found
    if broadcast.status != "draft":
        return _not_a_draft(broadcast)
    await broadcasts.drop(c.tx, broadcast_id)
    return Outcome([Reply(render("coordinator/broadcast_stopped"), edit=True)])


async def send(
    c: CoordCtx, broadcast_id: int, message_id: int | None
) -> tuple[Outcome, int | None]:
    """Fix who gets it and mark it sending; the caller starts delivery after the commit.
    The pressed preview message becomes the progress message."""
    found = await _draft(c, broadcast_id)
    if found is None:
        return out_of_date(), None
    broadcast, panel = found
    if broadcast.status != "draft" or broadcast.audience not in AUDIENCES:
        return _not_a_draft(broadcast), None
    return await _start(c, broadcast, panel, message_id, c.now)


async def _recipients(c: CoordCtx, panel: Panel, broadcast: Broadcast) -> tuple[list[int], int]:
    if broadcast.chosen:
        ticked = await broadcasts.ticked(c.tx, broadcast.id)
        reachable, _ = await broadcasts.audience(c.tx, panel.id, AUDIENCES["everyone"])
        return [v for v in reachable if v in ticked], 0
    if broadcast.session_id is not None:
        return await broadcasts.session_audience(c.tx, panel.id, broadcast.session_id)
    assert broadcast.audience in AUDIENCES
    return await broadcasts.audience(c.tx, panel.id, AUDIENCES[broadcast.audience])


async def _start(
    c: CoordCtx, broadcast: Broadcast, panel: Panel, message_id: int | None, at: datetime
) -> tuple[Outcome, int | None]:
    """Fix who gets it and when (`at`, or the morning after quiet hours)."""
    broadcast_id = broadcast.id
    reachable, unreachable = await _recipients(c, panel, broadcast)
    if not reachable:
        return Outcome([say("broadcast_nobody")]), None
    # Nothing but urgent session changes goes in quiet hours: a broadcast waits for morning.
    goes_at = next_allowed_send(at, c.app.settings.quiet_hours, panel.timezone, urgent=False)
    held = goes_at > c.now
    quiet = goes_at > at
    await broadcasts.start(
        c.tx,
        broadcast_id,
        reachable,
        skipped=unreachable,
        progress_chat_id=c.person.chat_id,
        progress_message_id=message_id,
        now=c.now,
        not_before=goes_at if held else None,
    )
    await c.audit(
        "broadcast",
        panel,
        detail=f"broadcast {broadcast_id} to "
        f"{'chosen' if broadcast.chosen else broadcast.audience}: {len(reachable)}",
    )
    if held:
        text = render(
            "coordinator/broadcast_held",
            count=len(reachable),
            when=when_words(c, panel, goes_at),
            quiet=quiet,
            later=at > c.now,
        )
        return Outcome([Reply(text, edit=True)]), None
    return Outcome(), broadcast_id


async def ask_when(c: CoordCtx, broadcast_id: int) -> Outcome:
    found = await _draft(c, broadcast_id)
    if found is None:
        return out_of_date()
    broadcast, panel = found
    if broadcast.status != "draft" or broadcast.audience not in AUDIENCES:
        return _not_a_draft(broadcast)
    await coordinators.expect_input(
        c.tx, c.person.telegram_id, TIME_INPUT, {"broadcast_id": broadcast_id}, c.now
    )
    return Outcome([say("broadcast_ask_when", example=_example(c, panel))])


def _example(c: CoordCtx, panel: Panel) -> str:
    return f"{(c.now + timedelta(days=7)).astimezone(panel.timezone):%Y-%m-%d} 09:30"


async def typed_time(c: CoordCtx, data: dict[str, Any], typed_text: str) -> Outcome:
    found = await _draft(c, int(data.get("broadcast_id", 0)))
    if found is None or found[0].status != "draft":
        await coordinators.clear_input(c.tx, c.person.telegram_id)
        return out_of_date() if found is None else _not_a_draft(found[0])
    broadcast, panel = found
    at = parse_send_time(typed_text, c.now, panel.timezone)
    if at is None or at <= c.now:
        reason = "past" if at is not None else "unreadable"
        return Outcome([say("broadcast_time_error", reason=reason, example=_example(c, panel))])
    await coordinators.clear_input(c.tx, c.person.telegram_id)
    outcome, _ = await _start(c, broadcast, panel, None, at)
    for n, reply in enumerate(outcome.replies):
        outcome.replies[n] = replace(reply, edit=False)
    return outcome
