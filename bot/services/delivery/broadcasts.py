"""Delivering a broadcast in the background: paced, restart-safe, nothing lost or doubled.

- Requests START on a fixed grid, one every 1/29.5 s, counted from when sending began (so
  the time a request takes, or a sleep that wakes a little late, costs no pace): a little
  under Telegram's 30 a second per bot. A request that was slow to answer holds back the
  30th after it by as much, so that network jitter cannot bunch 31 into a second. Up to 4
  requests are in flight at once, so a slow network does not lower the pace either.
- Progress edits take a place in the same grid, every few seconds.
- A 429 holds every request for what Telegram asks, then the same message is tried again.
- 403 (the person blocked the bot) marks them unreachable; later broadcasts skip them.
- Each recipient's row in the ledger is claimed before the message goes and settled right
  after, so a restart carries on where it stopped. Messages cut off in flight (at most
  IN_FLIGHT) are sent again: one of those people may get a second copy, if theirs had
  arrived, but nobody goes without.

Nothing here imports Telegram: the chat app plugs in a `Transport`.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bot import views
from bot.context import AppContext
from bot.replies import Reply
from bot.services.coordinator.broadcast import volunteer_message
from bot.store import broadcasts, panels, volunteers
from messages import render

log = logging.getLogger(__name__)

PER_SECOND = 29.5  # request starts a second, on a fixed grid
LIMIT = 30  # Telegram's requests a second per bot (every method with a chat_id counts)
WINDOW = 1.002  # seconds between a request and the LIMIT-th after it (2 ms for rounding)
IN_FLIGHT = 4  # requests waiting for their answer at once
PROGRESS_EVERY = 4.0  # seconds between edits of the progress message
NETWORK_ATTEMPTS = 3
STOP_GRACE = 5.0  # seconds a stopping bot waits for the message in flight

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]


class Blocked(Exception):
    """The person blocked the bot (403)."""


class RetryLater(Exception):
    """Telegram asked us to wait (429)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class Undeliverable(Exception):
    """The message can never go to this chat (a bad request, a chat that is gone)."""


class NetworkTrouble(Exception):
    """It may work if tried again (a timeout, a 5xx, a dropped connection)."""


class Transport(Protocol):
    async def send(self, chat_id: int, reply: Reply) -> int:
        """Send; return the new message's id. Raises one of the errors above."""
        ...

    async def edit(self, chat_id: int, message_id: int, reply: Reply) -> None: ...


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


@dataclass
class Report:
    delivered: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0
    total: int = 0
    waits: int = 0  # 429s received

    @property
    def done(self) -> int:
        return self.delivered + self.failed + self.blocked


class BroadcastRunner:
    """Runs each broadcast that is marked sending as its own background task."""

    def __init__(
        self,
        app: AppContext,
        transport: Transport,
        pacer: Pacer | None = None,
        *,
        clock: Monotonic = time.monotonic,
        progress_every: float = PROGRESS_EVERY,
    ) -> None:
        self.app = app
        self.transport = transport
        self.pacer = pacer or Pacer()
        self._clock = clock
        self._progress_every = progress_every
        self._tasks: dict[int, asyncio.Task[Report]] = {}
        self._stopping = False
        self.reports: dict[int, Report] = {}

    def start(self, broadcast_id: int) -> asyncio.Task[Report]:
        running = self._tasks.get(broadcast_id)
        if running is not None and not running.done():
            return running
        # A fresh context: the task must not inherit the update being handled when it began
        # (bot.store.db.handling_event), as it outlives that update.
        task = asyncio.get_running_loop().create_task(
            self._run(broadcast_id),
            name=f"broadcast-{broadcast_id}",
            context=contextvars.Context(),
        )
        self._tasks[broadcast_id] = task
        return task

    async def resume(self) -> list[int]:
        """After a restart: carry on with every broadcast that was still sending."""
        async with self.app.db.transaction() as tx:
            ids = await broadcasts.sending(tx)
        for broadcast_id in ids:
            self.start(broadcast_id)
        return ids

    async def join(self) -> dict[int, Report]:
        """Wait until every broadcast started so far has finished (for tests and shutdown)."""
        while pending := [t for t in self._tasks.values() if not t.done()]:
            await asyncio.gather(*pending, return_exceptions=True)
        return self.reports

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """Stop sending between two messages; the ledger lets the next start carry on.

        Cancelling is the last resort, after `grace` seconds: a task cancelled in the middle
        of a database call could leave the connection inside a transaction.
        """
        self._stopping = True
        pending = [task for task in self._tasks.values() if not task.done()]
        if pending and grace > 0:
            await asyncio.wait(pending, timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    # --- one broadcast ------------------------------------------------------------------------

    async def _run(self, broadcast_id: int) -> Report:
        try:
            with self.pacer.sending():
                return await self._deliver_all(broadcast_id)
        except asyncio.CancelledError:
            log.warning("broadcast %s cut off; it carries on at the next start", broadcast_id)
            raise
        except Exception:
            log.exception("broadcast %s stopped by an error", broadcast_id)
            raise

    async def _deliver_all(self, broadcast_id: int) -> Report:
        async with self.app.db.transaction() as tx:
            broadcast = await broadcasts.get(tx, broadcast_id)
            if broadcast is None or broadcast.status != "sending":
                return Report()
            await broadcasts.requeue_interrupted(tx, broadcast_id)
            panel = await panels.get(tx, broadcast.panel_id, self.app.settings.timezone)
            counts = await broadcasts.counts(tx, broadcast_id)
        assert panel is not None
        report = self.reports[broadcast_id] = Report(
            delivered=counts["delivered"],
            failed=counts["failed"],
            blocked=counts["blocked"],
            skipped=broadcast.skipped,
            total=sum(counts.values()),
        )
        message = Reply(volunteer_message(panel, broadcast.text))
        progress = _Progress(
            self, broadcast.progress_chat_id, broadcast.progress_message_id, views.panel_view(panel)
        )
        started = self._clock()
        await progress.show(report, force=True)
        halt = asyncio.Event()  # one sender's error stops the others between two messages
        ended = await asyncio.gather(
            *(
                self._work(broadcast_id, message, report, progress, halt)
                for _ in range(self.pacer.in_flight)
            ),
            return_exceptions=True,
        )
        for outcome in ended:
            if isinstance(outcome, BaseException):
                raise outcome
        if not all(ended):
            log.info("broadcast %s paused; it carries on at the next start", broadcast_id)
            return report
        async with self.app.db.transaction() as tx:
            await broadcasts.finish(tx, broadcast_id, self.app.clock.now())
        log.info(
            "broadcast %s done in %.1f s: %d delivered, %d failed, %d blocked, %d skipped, "
            "%d waits (429)",
            broadcast_id,
            self._clock() - started,
            report.delivered,
            report.failed,
            report.blocked,
            report.skipped,
            report.waits,
        )
        await progress.finish(report)
        return report

    async def _work(
        self,
        broadcast_id: int,
        message: Reply,
        report: Report,
        progress: _Progress,
        halt: asyncio.Event,
    ) -> bool:
        """One of the broadcast's senders: claim the next person, send, settle; again.
        True when nobody is left, False when the bot is stopping."""
        try:
            while not (self._stopping or halt.is_set()):
                # Claimed inside the place in flight, so that no more people are marked
                # "sending" than can really be in flight if the bot is cut off.
                async with self.pacer.permit():
                    recipient = await _whole(self._claim(broadcast_id))
                    if recipient is None:
                        return True
                    state = await self._send_one(recipient.chat_id, message, report)
                await _whole(self._settle(broadcast_id, recipient.volunteer_id, state))
                setattr(report, state, getattr(report, state) + 1)
                await progress.show(report)
            return False
        except Exception:
            halt.set()
            raise

    async def _claim(self, broadcast_id: int) -> broadcasts.Recipient | None:
        async with self.app.db.transaction() as tx:
            return await broadcasts.claim_next(tx, broadcast_id)

    async def _settle(self, broadcast_id: int, volunteer_id: int, state: str) -> None:
        async with self.app.db.transaction() as tx:
            await broadcasts.settle(tx, broadcast_id, volunteer_id, state, self.app.clock.now())
            if state == "blocked":
                await volunteers.update(tx, volunteer_id, unreachable=1)

    async def _send_one(self, chat_id: int, message: Reply, report: Report) -> str:
        """Send one message (the caller holds a place in flight)."""
        troubles = 0
        while True:
            try:
                async with self.pacer.request():
                    await self.transport.send(chat_id, message)
                return "delivered"
            except RetryLater as wait:
                report.waits += 1
                self.pacer.hold(wait.seconds)
            except Blocked:
                return "blocked"
            except Undeliverable:
                return "failed"
            except NetworkTrouble:
                troubles += 1
                if troubles >= NETWORK_ATTEMPTS:
                    return "failed"
                self.pacer.hold(0.5 * 2**troubles)

    async def _request(self, call: Callable[[], Awaitable[object]], *, must: bool) -> bool:
        """A request for the coordinator (progress, report): paced; retried only if it must."""
        attempts = 0
        while True:
            try:
                async with self.pacer.slot():
                    await call()
                return True
            except RetryLater as wait:
                self.pacer.hold(wait.seconds)
            except (Blocked, Undeliverable):
                return False
            except NetworkTrouble:
                attempts += 1
                if attempts >= NETWORK_ATTEMPTS:
                    return False
            if not must:
                return False


async def _whole(work: Coroutine[object, object, T]) -> T:
    """Run a ledger transaction to its end even if the sender is cancelled meanwhile (a stop
    past its grace): cut off inside, it could leave the connection in a transaction. With
    several senders, one is often in the database when another's request hangs."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


class _Progress:
    """The coordinator's progress message, edited in place, and the final report."""

    def __init__(
        self,
        runner: BroadcastRunner,
        chat_id: int | None,
        message_id: int | None,
        panel: dict[str, object],
    ) -> None:
        self.runner = runner
        self.chat_id = chat_id
        self.message_id = message_id
        self.panel = panel
        self._last = float("-inf")

    async def show(self, report: Report, *, force: bool = False) -> None:
        if self.chat_id is None or self.message_id is None:
            return
        now = self.runner._clock()
        if not force and now - self._last < self.runner._progress_every:
            return
        self._last = now
        text = render("coordinator/broadcast_progress", panel=self.panel, report=report)
        chat_id, message_id = self.chat_id, self.message_id
        await self.runner._request(
            lambda: self.runner.transport.edit(chat_id, message_id, Reply(text)), must=False
        )

    async def finish(self, report: Report) -> None:
        if self.chat_id is None:
            return
        await self.show(report, force=True)
        text = render("coordinator/broadcast_report", panel=self.panel, report=report)
        chat_id = self.chat_id
        await self.runner._request(
            lambda: self.runner.transport.send(chat_id, Reply(text)), must=True
        )
