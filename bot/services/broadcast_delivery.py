"""Delivering a broadcast in the background: paced, restart-safe, nothing lost or doubled.

- Requests start evenly, one every 1/28 s at most and one at a time: a little under
  Telegram's 30 a second per bot, so that network jitter cannot bunch 31 into a second.
  Progress edits take their turn in the same pace, at most about once a second. (One at a
  time means a slow network lowers the pace further; for panels of tens of people that is
  plenty, and it keeps the ledger simple.)
- A 429 waits what Telegram asks and tries the same message again.
- 403 (the person blocked the bot) marks them unreachable; later broadcasts skip them.
- Each recipient's row in the ledger is claimed before the message goes and settled right
  after, so a restart carries on where it stopped and never sends anyone a second copy.

Nothing here imports Telegram: the chat app plugs in a `Transport`.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

from bot.services import views
from bot.services.context import AppContext
from bot.services.coordinator.broadcast import volunteer_message
from bot.services.replies import Reply
from bot.store import broadcasts, panels, volunteers
from messages import render

log = logging.getLogger(__name__)

PER_SECOND = 28.0
PROGRESS_EVERY = 1.0  # seconds between edits of the progress message
NETWORK_ATTEMPTS = 3
STOP_GRACE = 5.0  # seconds a stopping bot waits for the message in flight

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


class Pacer:
    """Starts requests at least `1/per_second` apart, one at a time.

    One pacer per bot: every broadcast (and its progress edits) waits its turn here.
    """

    def __init__(
        self,
        per_second: float = PER_SECOND,
        *,
        clock: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        # A microsecond over, so that float rounding never fits one more into a second.
        self.interval = 1.0 / per_second + 1e-6
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._next = 0.0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._lock:
            wait = self._next - self._clock()
            if wait > 0:
                await self._sleep(wait)
            self._next = max(self._next, self._clock() + self.interval)
            yield

    def hold(self, seconds: float) -> None:
        """Nothing goes for `seconds` (after a 429, everything waits, not just one message)."""
        self._next = max(self._next, self._clock() + seconds)


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
            await broadcasts.settle_interrupted(tx, broadcast_id, self.app.clock.now())
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
        while True:
            if self._stopping:
                log.info("broadcast %s paused; it carries on at the next start", broadcast_id)
                return report
            async with self.app.db.transaction() as tx:
                recipient = await broadcasts.claim_next(tx, broadcast_id)
            if recipient is None:
                break
            state = await self._send_one(recipient.chat_id, message, report)
            async with self.app.db.transaction() as tx:
                await broadcasts.settle(
                    tx, broadcast_id, recipient.volunteer_id, state, self.app.clock.now()
                )
                if state == "blocked":
                    await volunteers.update(tx, recipient.volunteer_id, unreachable=1)
            setattr(report, state, getattr(report, state) + 1)
            await progress.show(report)
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

    async def _send_one(self, chat_id: int, message: Reply, report: Report) -> str:
        troubles = 0
        while True:
            try:
                async with self.pacer.slot():
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
