"""Is the bot still listening? A deaf bot looks healthy from outside, so we look from inside.

Polling can stop without a word: python-telegram-bot's polling task ends on an exception it
does not expect, and a hung connection just waits. Every getUpdates goes through
`WatchedPolls`, which notes when the last one began; `PollingWatch.problem()` reads that, and
the journal's own state (a journal waiting on the database holds the poll on purpose, and
says so itself), and says in one line what is wrong, if anything.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from telegram.ext import Application
from telegram.request import HTTPXRequest, RequestData

from bot.telegram.journal import JournalingQueue

log = logging.getLogger(__name__)

# A long poll lasts 10 s (plus its read timeout), and python-telegram-bot's retry loop waits
# at most 30 s between failed polls: two minutes without a new getUpdates is not a slow
# network, it is a polling loop that has stopped.
STUCK_AFTER = 120.0
CHECK_EVERY = 10.0


class WatchedPolls(HTTPXRequest):
    """The getUpdates connection, noting when each request begins, and saving what each
    brings (`on_answer`: the journal) before python-telegram-bot reads it."""

    def __init__(
        self,
        on_answer: Callable[[bytes], Awaitable[None]],
        monotonic: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(connection_pool_size=1, **kwargs)
        self._on_answer = on_answer
        self._monotonic = monotonic
        self.last_started = monotonic()
        # Set by the Application's builder: False once python-telegram-bot's Updater stops.
        self.polling: Callable[[], bool] = lambda: True

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        self.last_started = self._monotonic()
        status, answer = await super().do_request(url, method, request_data, *args, **kwargs)
        # The Updater's last getUpdates, made as it stops, only confirms what it fetched: what
        # it brings is never handled, so it is not saved either (Telegram sends it again).
        if status == HTTPStatus.OK and self.polling():
            await self._on_answer(answer)
        return status, answer


class PollingWatch:
    def __init__(
        self,
        polls: WatchedPolls,
        queue: JournalingQueue,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        stuck_after: float = STUCK_AFTER,
    ) -> None:
        self.polls = polls
        self.queue = queue
        self._monotonic = monotonic
        self._stuck_after = stuck_after

    def problem(self) -> str | None:
        """What stops the bot hearing people, in one line; None while it listens."""
        fault = self.queue.fault
        if self.queue.gave_up.is_set() and fault is not None:
            minutes = self.queue.give_up_after.total_seconds() / 60
            return (
                f"could not save incoming messages to the database for {minutes:g} minutes "
                f"({fault.cause}); stopping so that it can be restarted"
            )
        if fault is not None:
            return None  # the journal holds the poll on purpose, and logs it itself
        quiet = self._monotonic() - self.polls.last_started
        if quiet >= self._stuck_after:
            message = (
                f"polling for updates has stopped (no getUpdates for {quiet:.0f} s); stopping "
                "so that it can be restarted"
            )
            log.error(message)
            return message
        return None


def watch_of(application: Application[Any, Any, Any, Any, Any, Any]) -> PollingWatch:
    watch = application.bot_data["watch"]
    assert isinstance(watch, PollingWatch)
    return watch
