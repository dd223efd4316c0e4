"""Retry a send through flaky networks and 429s, so a reply is not lost.

A 429 waits what Telegram asks (retry_after). A network failure or a 5xx waits a little
longer each time. Blocked, unreachable and refused are not retried: they will not get
better. Only chat replies use this; broadcasts and the scheduler pace and count their own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.delivery import Result, RetryLater

log = logging.getLogger(__name__)
BACKOFF_SECONDS = (0.1, 0.3, 1.0, 2.0, 4.0)

Sleep = Callable[[float], Awaitable[None]]


async def with_retries(
    call: Callable[[], Awaitable[Result]],
    *,
    sleep: Sleep = asyncio.sleep,
    attempts: int = len(BACKOFF_SECONDS) + 1,
) -> Result:
    result: Result = RetryLater(reason="never tried")
    for attempt in range(attempts):
        if attempt:
            await sleep(_wait(result, attempt - 1))
        result = await call()
        if not isinstance(result, RetryLater):
            return result
    return result


def _wait(result: Result, attempt: int) -> float:
    if isinstance(result, RetryLater) and result.seconds is not None:
        wait = result.seconds + 0.1
        log.warning("Telegram asked us to wait %.1f s (429); waiting", wait)
        return wait
    wait = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)]
    reason = result.reason if isinstance(result, RetryLater) else ""
    log.warning("network trouble (%s); trying again in %.1f s", reason, wait)
    return wait
