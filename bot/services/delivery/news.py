"""News for coordinators: sign-ups, withdrawals, changed needs or availability.

Each piece of news goes at once while things are quiet. When many arrive together (more
than BURST within WINDOW), the rest wait and go as one digest, sent by the next piece of
news or by the periodic flush once the oldest has waited WINDOW. Time comes from the
injected clock, so tests move it rather than sleep.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot import views
from bot.config import Settings
from bot.replies import Notice, Reply
from bot.store import coordinator_news, panels, volunteers
from bot.store.coordinator_news import Item
from bot.store.rights import Rights, coordinator_ids, rights_of
from bot.store.tx import Tx
from messages import label, render

WINDOW = timedelta(minutes=5)
BURST = 3
KINDS = ("signup", "withdrawn", "needs", "availability")


async def record(
    tx: Tx,
    settings: Settings,
    kind: str,
    panel_id: int | None,
    volunteer_id: int,
    now: datetime,
) -> list[Notice]:
    """Keep one piece of news; return what should go to coordinators now (maybe nothing)."""
    if kind not in KINDS:
        raise ValueError(f"not a kind of news: {kind}")
    await coordinator_news.add(tx, kind, panel_id, volunteer_id, now)
    return await flush(tx, settings, now)


async def flush(tx: Tx, settings: Settings, now: datetime) -> list[Notice]:
    """Send what is waiting, unless it is part of a burst that has not waited long enough."""
    items = await coordinator_news.unsent(tx)
    if not items:
        return []
    recent = await coordinator_news.sent_since(tx, now - WINDOW)
    if recent + len(items) > BURST and now - items[0].created_at < WINDOW:
        return []
    await coordinator_news.mark_sent(tx, [item.id for item in items], now)
    notices = []
    texts: dict[tuple[int, ...], str] = {}
    for chat in await coordinator_ids(tx, settings):
        rights = await rights_of(tx, settings, chat)
        theirs = [item for item in items if rights is not None and _may_hear(rights, item)]
        if not theirs:
            continue
        key = tuple(item.id for item in theirs)
        if key not in texts:
            texts[key] = (
                await _single(tx, settings, theirs[0])
                if len(theirs) == 1
                else await _digest(tx, settings, theirs)
            )
        notices.append(Notice(chat, Reply(texts[key])))
    return notices


def _may_hear(rights: Rights, item: Item) -> bool:
    """News of a panel for those with a right to it; that needs changed, for its owners."""
    if item.panel_id is None:
        return True
    return rights.owns(item.panel_id) if item.kind == "needs" else rights.sees(item.panel_id)


async def _names(
    tx: Tx, settings: Settings, item: Item
) -> tuple[str | None, dict[str, Any] | None]:
    volunteer = await volunteers.get(tx, item.volunteer_id)
    panel = (
        None if item.panel_id is None else await panels.get(tx, item.panel_id, settings.timezone)
    )
    return (
        None if volunteer is None else volunteer.name,
        None if panel is None else views.panel_view(panel),
    )


async def _single(tx: Tx, settings: Settings, item: Item) -> str:
    name, panel = await _names(tx, settings, item)
    if item.kind == "signup":
        return render("coordinator/new_signup", name=name, panel=panel)
    if item.kind == "withdrawn":
        return render("coordinator/withdrawn", name=name, panel=panel)
    return render("coordinator/details_changed", name=name, what=item.kind, panel=panel)


async def _digest(tx: Tx, settings: Settings, items: list[Item]) -> str:
    groups: dict[tuple[str, str], list[str]] = {}
    for item in items:
        name, panel = await _names(tx, settings, item)
        title = "" if panel is None else str(panel["title"])
        groups.setdefault((item.kind, title), []).append(name or label("coord.no_name"))
    lines = [
        {"kind": label(f"news.{kind}"), "panel": title, "names": names}
        for kind in KINDS
        for (group_kind, title), names in groups.items()
        if group_kind == kind
    ]
    return render("coordinator/digest", count=len(items), lines=lines)
