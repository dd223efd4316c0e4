"""The bot's one pacer: requests start on a fixed grid at Telegram's 30 a second per bot,
never more than 30 in a second wherever Telegram counts them, with a few in flight at once.
Every broadcast takes its place here, and the chat app routes the bot's other requests
through `other()` (bot/telegram/pacing.py).

Nothing here imports Telegram.
"""

from __future__ import annotations

import asyncio
import contextvars
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

LIMIT = 30  # Telegram's requests a second per bot (every method with a chat_id counts)
# How long a request counts, at least: Telegram's second, and 2 ms over. The count below
# takes each way to be no quicker than the quickest round trip seen; the 2 ms are about that
# round trip to a stand-in in the same process, so there it holds even if that were wrong.
WINDOW = 1.002
# Starts a second on the grid: LIMIT a WINDOW, the most the count allows, so that nothing is
# given away; the count holds a start back only when an earlier one was slow or late.
PER_SECOND = LIMIT / WINDOW
# How far behind its place on the grid a start may fall and the grid still keep its place,
# so that the next ones make the time up (as the count allows, and never two closer than
# half a step): a sleep that woke late, a slow request that held its place longer, the loop
# busy for a moment. Further behind (a longer stall, a rest between broadcasts), the grid
# moves to now instead of catching up on it.
MAKE_UP = 0.25
IN_FLIGHT = 4  # requests waiting for their answer at once

Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]


# The request the caller is inside, if any.
_CURRENT: contextvars.ContextVar[_Request | None] = contextvars.ContextVar(
    "paced_request", default=None
)


class _Request:
    """One request the pacer let start."""

    def __init__(self, started_at: float) -> None:
        self.started_at = started_at
        self.answered_at: float | None = None


class Pacer:
    """Starts requests on a fixed grid, `1/per_second` apart, with at most `in_flight`
    waiting for their answer at once.

    The grid is a timeline from the first start after a rest, not a pause after each
    request: a request that takes longer, or a sleep that wakes late, costs no pace, and a
    start up to `make_up` seconds behind its point leaves the grid where it was, so the next
    ones make up the time, at most twice as fast (no two starts closer than half a step). A
    start further behind (a longer stall, or nothing sent for a while) moves the grid to now
    rather than catching up on it.

    Whatever the grid says, a request starts only while fewer than `limit` requests may still
    be counted. Telegram counts a request somewhere between its start and its answer, so each
    counts from its start until `window` seconds after its answer, less the quickest round
    trip seen (the least the way there and back can take), and an unanswered one for as long
    as it is unanswered. A steady delay shifts them all alike and costs no pace; a slow
    request holds its own place longer, and only that place.

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
        make_up: float = MAKE_UP,
        clock: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        # A microsecond over, so that float rounding never fits one more into a second.
        self.interval = 1.0 / per_second + 1e-6
        self.in_flight = in_flight
        self.limit = limit
        self.window = window
        self.make_up = make_up
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._permits = asyncio.Semaphore(in_flight)
        self._next = -math.inf  # the next point on the grid
        self._last = -math.inf  # the last start
        self._held_until = -math.inf
        self._recent: list[_Request] = []  # those that may still be counted
        self._quickest = math.inf  # the shortest round trip seen
        self._news = asyncio.Event()  # set (and replaced) when a request is answered
        self._sending = 0  # broadcasts under way

    def permit(self) -> asyncio.Semaphore:
        """One of the `in_flight` places: hold it around `request()`."""
        return self._permits

    @asynccontextmanager
    async def request(self) -> AsyncIterator[None]:
        """Wait for this request's place on the grid; the block is the request, and it counts
        as answered when the block ends, or sooner if `heard()` says so. Call it while holding
        a `permit()`."""
        started = await self._start()
        current = _CURRENT.set(started)
        try:
            yield
        finally:
            _CURRENT.reset(current)
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
        return _CURRENT.get() is not None

    def heard(self) -> None:
        """The answer to the caller's request has come back (the HTTP layer says so, before
        the caller has read it): Telegram counted it before now. The sooner this is known,
        the less a request that was merely slow to be read holds its place."""
        current = _CURRENT.get()
        if current is not None:
            self._answered(current)

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
        if started.answered_at is not None:
            return
        started.answered_at = self._clock()
        self._quickest = min(self._quickest, started.answered_at - started.started_at)
        self._news.set()
        self._news = asyncio.Event()

    def _counted_until(self, request: _Request) -> float:
        """Until when Telegram may still count `request` among a second's."""
        if request.answered_at is None:
            return math.inf
        return request.answered_at - self._quickest + self.window

    async def _start(self) -> _Request:
        async with self._lock:
            while True:
                grid = max(self._next, self._held_until)
                now = self._clock()
                self._recent = [r for r in self._recent if self._counted_until(r) > now]
                target = max(grid, self._last + self.interval / 2)
                if len(self._recent) >= self.limit:
                    # The moment enough of them stop counting for this one to be the limit-th.
                    ends = sorted(self._counted_until(r) for r in self._recent)
                    free = ends[len(ends) - self.limit]
                    if free == math.inf:  # only an answer can make room
                        await self._news.wait()
                        continue
                    target = max(target, free)
                if now >= target:
                    break
                # Then look again: a hold() may have come in while this slept.
                await self._sleep(target - now)
            self._next = (grid if now - grid <= self.make_up else now) + self.interval
            self._last = now
            started = _Request(now)
            self._recent.append(started)
            return started
