"""Retry a Bot API call through flaky networks and 429s, so a reply is not lost.

A 429 waits what Telegram asks (retry_after). A network failure or a 5xx waits a little
longer each time. Bad requests and blocked chats are not retried: they will not get better.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter

log = logging.getLogger(__name__)
T = TypeVar("T")
BACKOFF_SECONDS = (0.1, 0.3, 1.0, 2.0, 4.0)

Sleep = Callable[[float], Awaitable[None]]


def _seconds(retry_after: float | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after


async def with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    sleep: Sleep = asyncio.sleep,
    attempts: int = len(BACKOFF_SECONDS) + 1,
) -> T:
    for attempt in range(attempts):
        last = attempt == attempts - 1
        try:
            return await call()
        except RetryAfter as error:
            if last:
                raise
            wait = _seconds(error.retry_after) + 0.1
            log.warning("Telegram asked us to wait %.1f s (429); waiting", wait)
        except BadRequest:
            raise
        except NetworkError as error:
            if last:
                raise
            wait = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)]
            log.warning("network trouble (%s); trying again in %.1f s", type(error).__name__, wait)
        await sleep(wait)
    raise AssertionError("unreachable")
