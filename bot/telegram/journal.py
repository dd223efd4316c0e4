"""A journal of incoming updates, so a crash loses none.

python-telegram-bot confirms a batch of updates to Telegram (the next getUpdates carries the
new offset) as soon as it has fetched them, before any handler runs; a kill -9 then loses
them for good. So each getUpdates answer is saved, whole, as Telegram sent it, before
python-telegram-bot even reads it (bot.telegram.watchdog.WatchedPolls calls
`JournalingQueue.record_batch`): one write per batch, and nothing serialised again. An update
that reaches the queue some other way is saved by the queue before it is accepted. The
update is marked done in the same transaction as the work it caused
(bot.store.db.handling_event), or when handling ends if it caused none. At start-up, updates
not done are handled again, in order.

A write that fails (another program holding the database past busy_timeout, a full disk) must
not end polling: an exception out of getUpdates or put() ends python-telegram-bot's polling
task and the bot is deaf for good. So neither raises: the journal says why at once, at ERROR,
and tries again with backoff. While it waits, polling waits, and the batch is not confirmed
to Telegram (the Updater moves its offset only after the answer is read and every put of the
batch returned), so Telegram keeps the updates and nothing is lost. If the database has not
recovered within GIVE_UP_AFTER, the queue says so (`gave_up`) and the runner stops the bot
with one line, for a supervisor to restart it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar, overload

from telegram import Bot, Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.clock import Clock
from bot.store import journal
from bot.store.db import Database, handling_event, mark_event_done

log = logging.getLogger(__name__)
T = TypeVar("T")

FIRST_GROUP = -(2**30)
LAST_GROUP = 2**30
# Long enough to outlast what clears by itself (a backup or VACUUM holding the file, an
# operator freeing disk space); far inside the 24 hours Telegram keeps what we have not
# confirmed. After it, a restart (which checks the database afresh) is the better hope.
GIVE_UP_AFTER = timedelta(minutes=5)
BACKOFF_SECONDS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0)  # then every 5 s
REMIND_EVERY = 30.0  # seconds between "still waiting" lines while the fault lasts


@dataclass(frozen=True)
class Patience:
    """How the journal waits for the database: injected, so a test can pass time at once."""

    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    monotonic: Callable[[], float] = time.monotonic
    give_up_after: timedelta = GIVE_UP_AFTER


@dataclass
class JournalFault:
    """The journal cannot save incoming updates right now."""

    since: float  # monotonic seconds
    cause: str  # the database's own words: no personal data
    attempts: int = 1
    reminded_at: float = 0.0


class JournalingQueue(asyncio.Queue[object]):
    """The Application's update queue; an update is saved before it is queued."""

    def __init__(self, db: Database, clock: Clock, patience: Patience | None = None) -> None:
        super().__init__()
        self._db = db
        self._clock = clock
        self._patience = patience or Patience()
        self.fault: JournalFault | None = None
        # Set when a fault has outlasted patience.give_up_after; never cleared.
        self.gave_up = asyncio.Event()
        # Telegram sends again what it was not told we received, and that may be an update
        # already queued from the journal: each is queued once. Forgotten once handled (the
        # journal then says it is done), so a bot that runs for months does not grow.
        self._queued: set[int] = set()
        # What the last saved batches said of each update, until the Updater queues it.
        self._saved_in_batch: set[int] = set()
        self._done_in_batch: set[int] = set()
        self._stopping = False

    async def put(self, item: object) -> None:
        if not isinstance(item, Update):
            self._stopping = True  # python-telegram-bot's stop signal: nothing more is handled
            await super().put(item)
            return
        if item.update_id in self._queued:
            log.info("update %s is already queued; skipping", item.update_id)
            return
        if item.update_id in self._done_in_batch:
            self._done_in_batch.discard(item.update_id)
            log.info("update %s is already handled; skipping", item.update_id)
            return
        if item.update_id in self._saved_in_batch:
            self._saved_in_batch.discard(item.update_id)
            self._accept(item)
            return
        # Once the journal holds the update it must reach the queue, even if polling is
        # cancelled in between (a stop): else it would wait, saved but unhandled, for the next
        # start. Shielded, so a cancelled put still finishes saving and queueing.
        await asyncio.shield(self._record_and_queue(item))

    async def _record_and_queue(self, update: Update) -> None:
        if not await self._patiently(str(update.update_id), lambda: self._record(update)):
            log.info("update %s is already handled; skipping", update.update_id)
            return
        self._accept(update)

    def _accept(self, update: Update) -> None:
        if self._stopping:
            return  # too late to handle it now: the next start replays it from the journal
        self._queued.add(update.update_id)
        self.put_nowait(update)

    async def record_batch(self, answer: bytes) -> None:
        """Save a getUpdates answer (its raw JSON) before python-telegram-bot reads it, however
        long the database takes; never raises. Shielded like put(): once saved, what the
        batch said is kept even if polling is cancelled meanwhile."""
        if b'"update_id"' not in answer:
            return  # an empty long poll, or an error: nothing to save
        await asyncio.shield(self._record_batch(answer.decode("utf-8")))

    async def _record_batch(self, answer: str) -> None:
        async def save() -> tuple[set[int], set[int]]:
            async with self._db.transaction(inline=True) as tx:
                return await journal.record_batch(tx, answer, self._clock.now())

        # Once the journal has given up, a batch is left unsaved (it is not confirmed to
        # Telegram either): the runner is stopping the bot, and python-telegram-bot's last
        # getUpdates, made while it stops, must not wait for ever. Any update of it that is
        # queued all the same waits in put(), as before.
        result = await self._patiently("batch", save, unless=self.gave_up)
        if result is not None:
            saved, done = result
            self._saved_in_batch |= saved
            self._done_in_batch |= done

    @property
    def give_up_after(self) -> timedelta:
        return self._patience.give_up_after

    def handled(self, update_id: int) -> None:
        self._queued.discard(update_id)

    @property
    def pending(self) -> int:
        """Updates queued and not yet handled."""
        return len(self._queued)

    async def replay_unfinished(self, bot: Bot) -> int:
        """Queue the updates a crash left unhandled; forget old finished ones."""
        await journal.forget_finished(self._db, self._clock.now())
        async with self._db.transaction() as tx:
            payloads = await journal.unfinished_payloads(tx)
        for payload in payloads:
            update = Update.de_json(json.loads(payload), bot)
            self._queued.add(update.update_id)
            await super().put(update)
        if payloads:
            log.warning("handling %d update(s) left unfinished by a crash", len(payloads))
        return len(payloads)

    @overload
    async def _patiently(self, what: str, save: Callable[[], Awaitable[T]]) -> T: ...
    @overload
    async def _patiently(
        self, what: str, save: Callable[[], Awaitable[T]], unless: asyncio.Event
    ) -> T | None: ...
    async def _patiently(
        self, what: str, save: Callable[[], Awaitable[T]], unless: asyncio.Event | None = None
    ) -> T | None:
        """Save, however long the database takes (None if `unless` is set meanwhile); never
        raises."""
        attempt = 0
        while True:
            try:
                saved = await save()
            except Exception as error:  # any failure: polling must go on, so we wait instead
                self._failed(what, error)
                if unless is not None and unless.is_set():
                    return None
                wait = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)]
                attempt += 1
                await self._patience.sleep(wait)
                continue
            if self.fault is not None:
                waited = self._patience.monotonic() - self.fault.since
                log.warning(
                    "the update journal works again after %.1f s and %d failed attempt(s)",
                    waited,
                    self.fault.attempts,
                )
                self.fault = None
            return saved

    def _failed(self, what: str, error: Exception) -> None:
        now = self._patience.monotonic()
        # The exception's own words ("database is locked", "database or disk is full"):
        # SQLite's messages never carry the values being written.
        cause = f"{type(error).__name__}: {error}"
        fault = self.fault
        if fault is None:
            self.fault = JournalFault(since=now, cause=cause, reminded_at=now)
            log.error(
                "cannot save incoming update %s to the database (%s); polling waits and the "
                "update is not confirmed to Telegram until it is saved",
                what,
                cause,
            )
            return
        fault.attempts += 1
        fault.cause = cause
        waited = now - fault.since
        if waited >= self._patience.give_up_after.total_seconds() and not self.gave_up.is_set():
            log.error("the update journal has failed for %.0f s (%s); giving up", waited, cause)
            self.gave_up.set()
        elif now - fault.reminded_at >= REMIND_EVERY:
            fault.reminded_at = now
            log.error(
                "still cannot save incoming updates after %.0f s (%s); trying again", waited, cause
            )

    async def _record(self, update: Update) -> bool:
        """Save the update; False if it was already handled (Telegram sent it again)."""
        if await journal.record(self._db, update.update_id, update.to_json(), self._clock.now()):
            return True
        async with self._db.transaction() as tx:
            return await journal.is_unfinished(tx, update.update_id)


def install(
    application: Application[Any, Any, Any, Any, Any, Any], db: Database, queue: JournalingQueue
) -> None:
    """Mark each update as the one being handled, and done when handling ends."""

    async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        handling_event.set(update.update_id)

    async def end(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        queue.handled(update.update_id)
        if handling_event.get() is None:
            return  # a unit of work already marked it done
        handling_event.set(None)
        async with db.transaction() as tx:
            await mark_event_done(tx, update.update_id)

    application.add_handler(TypeHandler(Update, begin), group=FIRST_GROUP)
    application.add_handler(TypeHandler(Update, end), group=LAST_GROUP)
