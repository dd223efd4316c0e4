"""The scheduler's one entry point: `tick` sends whatever is due at the clock's "now".

Everything is derived from the database (see scheduler/plan.py), so a tick after a restart,
after downtime, or twice in a row does the right thing, and so can be run at any time: by
APScheduler every minute, right after a coordinator's action, or by a test that moved the
clock.

Crash semantics (at least once, at most one repeat per crash): a tick decides what is due in
short transactions (scheduler/plan.py: a few panels each, so the bot answers people in
between), then sends each message without holding the database, and records its key in
the ledger in a transaction right after Telegram accepted it. A crash before a send loses
nothing (the next tick finds it still due); a crash between a send and its record repeats
that one message after the restart. Ticks in one process never overlap (a lock per
database), so nothing is sent twice by two ticks. One bot process per database file.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from weakref import WeakKeyDictionary

from bot.context import AppContext
from bot.replies import Reply
from bot.store import ledger, outbox, volunteers
from bot.store.db import Database, handling_event
from scheduler.plan import SendItem, plan

log = logging.getLogger(__name__)

SendResult = Literal["sent", "blocked", "failed", "retry"]
#: Sends one message; never raises for Telegram's answers, it says what happened instead:
#: "blocked" (the person blocked the bot: never again), "failed" (Telegram refused this
#: message: don't retry it), "retry" (network trouble or flood control: try next tick).
Send = Callable[[int, Reply], Awaitable[SendResult]]

_locks: WeakKeyDictionary[Database, asyncio.Lock] = WeakKeyDictionary()


@dataclass
class TickReport:
    now: datetime
    sent: list[SendItem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    not_sent: list[tuple[SendItem, SendResult]] = field(default_factory=list)
    held: int = 0

    @property
    def kinds(self) -> Counter[str]:
        return Counter(item.kind for item in self.sent)


def _lock(db: Database) -> asyncio.Lock:
    lock = _locks.get(db)
    if lock is None:
        lock = _locks[db] = asyncio.Lock()
    return lock


async def tick(ctx: AppContext, send: Send) -> TickReport:
    """Send everything due now, at most once each; see the module docstring."""
    async with _lock(ctx.db):
        # A tick started from a handler is not part of that update's unit of work.
        token = handling_event.set(None)
        try:
            return await _tick(ctx, send)
        finally:
            handling_event.reset(token)


async def _tick(ctx: AppContext, send: Send) -> TickReport:
    now = ctx.clock.now()
    due = await plan(ctx, now)  # records the skipped keys itself
    report = TickReport(now, skipped=[skip.key for skip in due.skipped], held=due.held)
    unreachable: set[int] = set()
    for item in due.items:
        if item.chat_id in unreachable:
            continue
        result = await _send(send, item)
        await _record(ctx, item, result)
        if result == "sent":
            report.sent.append(item)
        else:
            report.not_sent.append((item, result))
        if result == "blocked":
            unreachable.add(item.chat_id)
    if report.sent or report.not_sent:
        log.info(
            "tick: sent %s, not sent %d, held %d",
            dict(report.kinds),
            len(report.not_sent),
            report.held,
        )
    return report


async def _send(send: Send, item: SendItem) -> SendResult:
    try:
        return await send(item.chat_id, item.reply)
    except Exception:
        # Unknown trouble: leave it unrecorded so the next tick tries again.
        log.exception("sending a %s message failed; will retry", item.kind)
        return "retry"


async def _record(ctx: AppContext, item: SendItem, result: SendResult) -> None:
    if result == "retry":
        return
    now = ctx.clock.now()
    async with ctx.db.transaction() as tx:
        await ledger.record(
            tx, item.keys, kind=item.kind, panel_id=item.panel_id, outcome=result, now=now
        )
        if item.outbox_key is not None:
            await outbox.remove(tx, item.outbox_key)
        if result == "sent" and item.after_sent is not None:
            await item.after_sent(tx, now)
        if result == "blocked" and item.volunteer_id is not None:
            await volunteers.update(tx, item.volunteer_id, unreachable=1)
    if result != "sent":
        log.warning("a %s message was not sent (%s)", item.kind, result)
