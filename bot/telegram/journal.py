"""A journal of incoming updates, so a crash loses none.

python-telegram-bot confirms a batch of updates to Telegram (the next getUpdates carries the
new offset) as soon as it has fetched them, before any handler runs; a kill -9 then loses
them for good. The Updater puts each update into the Application's queue before it asks for
more, so a queue that writes each update to SQLite before accepting it makes every update
durable before Telegram forgets it. The update is marked done in the same transaction as the
work it caused (bot.store.db.handling_event), or when handling ends if it caused none. At
start-up, updates not done are handled again, in order.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from typing import Any

from telegram import Bot, Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.clock import Clock
from bot.store.db import Database, fetch_all, fetch_one, handling_event, mark_event_done
from bot.timeutil import to_db

log = logging.getLogger(__name__)

FIRST_GROUP = -(2**30)
LAST_GROUP = 2**30
KEEP_DONE = timedelta(days=2)  # Telegram keeps an unconfirmed update for 24 hours


class JournalingQueue(asyncio.Queue[object]):
    """The Application's update queue; an update is saved before it is queued."""

    def __init__(self, db: Database, clock: Clock) -> None:
        super().__init__()
        self._db = db
        self._clock = clock
        # Telegram sends again what it was not told we received, and that may be an update
        # already queued from the journal: each is queued once. Forgotten once handled (the
        # journal then says it is done), so a bot that runs for months does not grow.
        self._queued: set[int] = set()

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            if item.update_id in self._queued or not await self._record(item):
                log.info("update %s is already handled or queued; skipping", item.update_id)
                return
            self._queued.add(item.update_id)
        await super().put(item)

    def handled(self, update_id: int) -> None:
        self._queued.discard(update_id)

    @property
    def pending(self) -> int:
        """Updates queued and not yet handled."""
        return len(self._queued)

    async def replay_unfinished(self, bot: Bot) -> int:
        """Queue the updates a crash left unhandled; forget old finished ones."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "DELETE FROM update_journal WHERE done = 1 AND received_at < ?",
                (to_db(self._clock.now() - KEEP_DONE),),
            )
            payloads = [
                row[0]
                for row in await fetch_all(
                    tx, "SELECT payload FROM update_journal WHERE done = 0 ORDER BY update_id"
                )
            ]
        for payload in payloads:
            update = Update.de_json(json.loads(payload), bot)
            self._queued.add(update.update_id)
            await super().put(update)
        if payloads:
            log.warning("handling %d update(s) left unfinished by a crash", len(payloads))
        return len(payloads)

    async def _record(self, update: Update) -> bool:
        """Save the update; False if it was already handled (Telegram sent it again)."""
        saved = await self._db.execute_alone(
            "INSERT OR IGNORE INTO update_journal (update_id, payload, received_at) "
            "VALUES (?, ?, ?)",
            (update.update_id, update.to_json(), to_db(self._clock.now())),
        )
        if saved:
            return True
        async with self._db.transaction() as tx:
            row = await fetch_one(
                tx, "SELECT done FROM update_journal WHERE update_id = ?", (update.update_id,)
            )
        return row is not None and not row[0]


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
