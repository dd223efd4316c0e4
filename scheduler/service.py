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
from weakref import WeakKeyDictionary

from bot.context import AppContext
from bot.delivery import Blocked, Delivered, Kind, NotReachable, Refused, Result, RetryLater
from bot.replies import Reply
from bot.store import coordinator_reach, journal, ledger, outbox, volunteers
from bot.store.db import Database, handling_event
from scheduler.plan import SendItem, plan

log = logging.getLogger(__name__)

#: Sends one message, once; never raises for Telegram's answers, it says what happened
#: instead (bot/delivery.py). Blocked or not reachable: recorded, and the person is marked
#: unreachable; refused: recorded, never tried again; retry later: tried at the next tick.
Send = Callable[[int, Reply], Awaitable[Result]]

_locks: WeakKeyDictionary[Database, asyncio.Lock] = WeakKeyDictionary()


@dataclass
class TickReport:
    now: datetime
    sent: list[SendItem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    not_sent: list[tuple[SendItem, Kind]] = field(default_factory=list)
    held: int = 0
    left: int = 0  # not tried, after a 429: the next tick sends them

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
    await journal.forget_finished(ctx.db, now)
    due = await plan(ctx, now)  # records the skipped keys itself
    report = TickReport(now, skipped=[skip.key for skip in due.skipped], held=due.held)
    unreachable: set[int] = set()
    for number, item in enumerate(due.items):
        if item.chat_id in unreachable:
            continue
        result = await _send(send, item)
        await _record(ctx, item, result)
        if isinstance(result, Delivered):
            report.sent.append(item)
        else:
            report.not_sent.append((item, result.kind))
        if isinstance(result, Blocked | NotReachable):
            unreachable.add(item.chat_id)
        if isinstance(result, RetryLater) and result.seconds is not None:
            # Flood control holds the whole bot: the rest waits for the next tick.
            report.left = len(due.items) - number - 1
            break
    if report.sent or report.not_sent:
        log.info(
            "tick: sent %s, not sent %d, held %d, left %d",
            dict(report.kinds),
            len(report.not_sent),
            report.held,
            report.left,
        )
    return report


async def _send(send: Send, item: SendItem) -> Result:
    try:
        return await send(item.chat_id, item.reply)
    except Exception:
        # Unknown trouble: leave it unrecorded so the next tick tries again.
        log.exception("sending a %s message failed; will retry", item.kind)
        return RetryLater(reason="error")


async def _record(ctx: AppContext, item: SendItem, result: Result) -> None:
    if isinstance(result, RetryLater):
        log.warning("a %s message to chat %s goes at the next tick (%s)",
                    item.kind, item.chat_id, result.reason)  # fmt: skip
        return
    now = ctx.clock.now()
    delivered = isinstance(result, Delivered)
    async with ctx.db.transaction() as tx:
        await ledger.record(
            tx, item.keys, kind=item.kind, panel_id=item.panel_id,
            outcome="sent" if delivered else result.kind.value, now=now,
        )  # fmt: skip
        if item.outbox_key is not None:
            await outbox.remove(tx, item.outbox_key)
        if delivered and item.after_sent is not None:
            await item.after_sent(tx, now)
        if isinstance(result, Blocked | NotReachable) and item.volunteer_id is not None:
            await volunteers.update(tx, item.volunteer_id, unreachable=1)
        elif isinstance(result, Blocked | NotReachable):
            await coordinator_reach.missed_if_coordinator(
                tx, ctx.settings, item.chat_id, result.kind.value, now
            )
    if not delivered:
        level = logging.ERROR if isinstance(result, Refused) else logging.WARNING
        log.log(level, "a %s message to chat %s was not delivered (%s)",
                item.kind, item.chat_id, result.kind)  # fmt: skip
