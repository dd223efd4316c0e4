"""The bot's one pacer: requests start on a fixed grid a little under Telegram's 30 a second
per bot, with a few in flight at once. Every broadcast takes its place here, and the chat
app routes the bot's other requests through `other()` (bot/telegram/pacing.py).

Nothing here imports Telegram.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

PER_SECOND = 29.5  # request starts a second, on a fixed grid
LIMIT = 30  # Telegram's requests a second per bot (every method with a chat_id counts)
WINDOW = 1.002  # seconds between a request and the LIMIT-th after it (2 ms for rounding)
IN_FLIGHT = 4  # requests waiting for their answer at once

Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]


_PACED: contextvars.ContextVar[bool] = contextvars.ContextVar("paced", default=False)


class _Request:
    """One request the pacer let start."""

    def __init__(self, started_at: float) -> None:
        self.started_at = started_at
        self.answered_at: float | None = None
        self.answered = asyncio.Event()


class Pacer:
    """Starts requests on a fixed grid, `1/per_second` apart, with at most `in_flight`
    waiting for their answer at once.

    The grid counts from the first start after a rest, not from when the last request
    ended: a request that takes longer, or a sleep that wakes late, costs no pace. A start
    more than one step behind (the loop stalled, or nothing was sent for a while) moves the
    grid to now rather than catching up in a burst.

    Whatever the grid says, a request starts no sooner than `window` seconds after the one
    `limit` requests before it, plus however much longer than the quickest round trip seen
    that one took. Telegram counts a request somewhere between its start and its answer: a
    steady delay shifts them all alike and costs no pace, but a slow request may have been
    counted late, and the quick ones after it could then put one too many into its second.

    One pacer per bot: every broadcast (and its progress edits) takes its place here, and
    the chat app routes the bot's other requests through `other()`.
    """

    def __init__(
        self,
        per_second: float = PER_SECOND,
        *,
        in_flight: int = IN_FLIGHT,
        limit: int = LIMIT,
        window: float = WINDOW,
        clock: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        # A microsecond over, so that float rounding never fits one more into a second.
        self.interval = 1.0 / per_second + 1e-6
        self.in_flight = in_flight
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._permits = asyncio.Semaphore(in_flight)
        self._next = float("-inf")  # the next point on the grid
        self._held_until = float("-inf")
        self._recent: deque[_Request] = deque(maxlen=limit)
        self._quickest = float("inf")  # the shortest round trip seen
        self._sending = 0  # broadcasts under way

    def permit(self) -> asyncio.Semaphore:
        """One of the `in_flight` places: hold it around `request()`."""
        return self._permits

    @asynccontextmanager
    async def request(self) -> AsyncIterator[None]:
        """Wait for this request's place on the grid; the block is the request, and it counts
        until the block ends. Call it while holding a `permit()`."""
        started = await self._start()
        paced = _PACED.set(True)
        try:
            yield
        finally:
            _PACED.reset(paced)
            self._answered(started)

    @asynccontextmanager
    async def other(self) -> AsyncIterator[None]:
        """One of the bot's other requests (a reply to someone, a notice): while a broadcast
        is sending it takes its place like the broadcast's own; otherwise it goes at once, but
        counts, so that a broadcast starting just after it leaves room for it."""
        if self._sending:
            # Without a permit: the caller may hold the database, which a sender holding a
            # permit may be waiting for.
            async with self.request():
                yield
            return
        started = _Request(self._clock())
        self._recent.append(started)
        try:
            yield
        finally:
            self._answered(started)

    @staticmethod
    def paced() -> bool:
        """Whether the caller is inside `request()` (so already has its place)."""
        return _PACED.get()

    @contextmanager
    def sending(self) -> Iterator[None]:
        """A broadcast is under way: the bot's other requests take their place too."""
        self._sending += 1
        try:
            yield
        finally:
            self._sending -= 1

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """A place in flight and on the grid, for one request."""
        async with self._permits, self.request():
            yield

    def hold(self, seconds: float) -> None:
        """Nothing starts for `seconds` (after a 429, everything waits, not just one message).
        The grid starts again from there."""
        self._held_until = max(self._held_until, self._clock() + seconds)

    def _answered(self, started: _Request) -> None:
        started.answered_at = self._clock()
        self._quickest = min(self._quickest, started.answered_at - started.started_at)
        started.answered.set()

    async def _start(self) -> _Request:
        async with self._lock:
            while True:
                target = max(self._next, self._held_until)
                if len(self._recent) == self.limit:
                    oldest = self._recent[0]
                    if oldest.answered_at is None:
                        await oldest.answered.wait()
                        continue
                    slower = oldest.answered_at - oldest.started_at - self._quickest
                    target = max(target, oldest.started_at + self.window + slower)
                now = self._clock()
                if now >= target:
                    break
                # Then look again: a hold() may have come in while this slept.
                await self._sleep(target - now)
            late = now - target
            self._next = (target if late < self.interval else now) + self.interval
            started = _Request(now)
            self._recent.append(started)
            return started
