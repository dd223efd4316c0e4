"""Handle different people's updates side by side, and each person's in the order they came.

Handling one update at a time (python-telegram-bot's default) leaves the bot idle whenever
an update waits for the database thread or for Telegram; with several people writing at once
that idle time is most of a busy minute. So updates from different people run concurrently,
while each person's own updates still run one at a time, in order: an answer is never handled
before the question it answers. Every unit of work is a transaction under the database's one
lock, so people acting at once still see and write a consistent state.

Order holds because python-telegram-bot starts one task per update in the order it fetched
them, and both the processor's semaphore and each person's lock let waiters in first come,
first served.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

CONCURRENT_UPDATES = 8  # more only queues at the database's lock


def person_key(update: object) -> int | None:
    """Whose update this is: the person (or chat) it came from; None for anything else."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class InOrderPerPerson(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._turns: dict[int | None, asyncio.Lock] = {}
        self._waiting: dict[int | None, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = person_key(update)
        turn = self._turns.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with turn:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # forget people with nothing waiting
                del self._waiting[key]
                del self._turns[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
