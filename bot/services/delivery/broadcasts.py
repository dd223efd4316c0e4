"""Delivering a broadcast in the background: paced, restart-safe, nothing lost or doubled.

- Requests START on a fixed grid (bot/services/delivery/pacer.py) at Telegram's 30 a
  second per bot, counted from when sending began (so the time a request takes, or a sleep
  that wakes a little late, costs no pace), and never while 30 others may still be counted
  in Telegram's second: a request that was slow to answer holds its place for as much
  longer, so that network jitter cannot bunch 31 into a second. Up to 4 requests are in
  flight at once, so a slow network does not lower the pace either.
- Progress edits take a place in the same grid, every few seconds.
- A 429 holds every request for what Telegram asks, then the same message is tried again.
- 403 (the person blocked the bot) marks them unreachable; later broadcasts skip them. A chat
  that is not reachable, or a message Telegram refuses, counts as failed.
- Each recipient's row in the ledger is claimed before the message goes and settled right
  after, in the same transaction as the sender's next claim (bot/services/delivery/turns.py),
  so a restart carries on where it stopped. Messages cut off in flight (at most IN_FLIGHT)
  are sent again: one of those people may get a second copy, if theirs had arrived, but
  nobody goes without.

Nothing here imports Telegram: the chat app plugs in a `Transport`.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot import views
from bot.context import AppContext
from bot.delivery import Blocked, Delivered, Result, RetryLater
from bot.replies import Reply
from bot.services.coordinator.broadcast import volunteer_message
from bot.services.delivery.pacer import Pacer
from bot.services.delivery.turns import Settled, Turns
from bot.store import broadcasts, panels
from messages import render

log = logging.getLogger(__name__)

PROGRESS_EVERY = 4.0  # seconds between edits of the progress message
NETWORK_ATTEMPTS = 3
STOP_GRACE = 5.0  # seconds a stopping bot waits for the message in flight

Monotonic = Callable[[], float]


class Transport(Protocol):
    """One try each; what Telegram answered, in bot/delivery.py's words."""

    async def send(self, chat_id: int, reply: Reply) -> Result: ...

    async def edit(self, chat_id: int, message_id: int, reply: Reply) -> Result: ...


@dataclass
class Report:
    delivered: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0
    total: int = 0
    waits: int = 0  # 429s received
    writes: int = 0  # ledger transactions its senders took

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
        """After a restart: carry on with every broadcast that was still sending; and, every
        minute, start those that quiet hours held until now."""
        async with self.app.db.transaction() as tx:
            ids = await broadcasts.sending(tx, self.app.clock.now())
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
            assert panel is not None
            closed = panel.stage == "closed"
            if closed:
                await broadcasts.stop_unsent(tx, broadcast_id, "panel_closed", self.app.clock.now())
            counts = await broadcasts.counts(tx, broadcast_id)
        if closed:
            # Closed (or called off) before its time came: nobody is sent it, and the
            # coordinator who wrote it is told.
            log.info("broadcast %s not sent: its panel closed", broadcast_id)
            await self._tell_not_sent(broadcast, views.panel_view(panel))
            return Report()
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
        turns = Turns(self.app, broadcast_id)
        ended = await asyncio.gather(
            *(
                self._work(turns, message, report, progress, halt)
                for _ in range(self.pacer.in_flight)
            ),
            return_exceptions=True,
        )
        report.writes += turns.writes
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
        turns: Turns,
        message: Reply,
        report: Report,
        progress: _Progress,
        halt: asyncio.Event,
    ) -> bool:
        """One of the broadcast's senders: send to the person it claimed, then record how it
        went and claim the next in one turn; again. True when nobody is left, False when the
        bot is stopping."""
        try:
            claiming = not self._halted(halt)
            recipient = await turns.next(None, claim=claiming)
            while recipient is not None:
                async with self.pacer.permit():
                    state = await self._send_one(recipient.chat_id, message, report)
                setattr(report, state, getattr(report, state) + 1)
                claiming = not self._halted(halt)
                recipient = await turns.next(Settled(recipient.volunteer_id, state), claim=claiming)
                await progress.show(report)
            return claiming
        except Exception:
            halt.set()
            raise

    def _halted(self, halt: asyncio.Event) -> bool:
        return self._stopping or halt.is_set()

    async def _send_one(self, chat_id: int, message: Reply, report: Report) -> str:
        """Send one message (the caller holds a place in flight); say how it settled."""
        troubles = 0
        while True:
            async with self.pacer.request():
                result = await self.transport.send(chat_id, message)
            match result:
                case Delivered():
                    return "delivered"
                case Blocked():
                    return "blocked"
                case RetryLater(seconds=seconds) if seconds is not None:
                    report.waits += 1
                    self.pacer.hold(seconds)
                case RetryLater():
                    troubles += 1
                    if troubles >= NETWORK_ATTEMPTS:
                        return "failed"
                    self.pacer.hold(0.5 * 2**troubles)
                case _:  # not reachable, or refused: this message will not go to them
                    return "failed"

    async def _tell_not_sent(
        self, broadcast: broadcasts.Broadcast, panel: dict[str, object]
    ) -> None:
        chat_id = broadcast.progress_chat_id or broadcast.coordinator_id
        text = render("coordinator/broadcast_not_sent", panel=panel, text=broadcast.text[:200])
        await self._request(lambda: self.transport.send(chat_id, Reply(text)), must=True)

    async def _request(self, call: Callable[[], Awaitable[Result]], *, must: bool) -> bool:
        """A request for the coordinator (progress, report): paced; retried only if it must."""
        attempts = 0
        while True:
            async with self.pacer.slot():
                result = await call()
            match result:
                case Delivered():
                    return True
                case RetryLater(seconds=seconds) if seconds is not None:
                    self.pacer.hold(seconds)
                case RetryLater():
                    attempts += 1
                    if attempts >= NETWORK_ATTEMPTS:
                        return False
                case _:
                    what = "report" if must else "progress message"
                    log.warning("a broadcast's %s was not delivered: %s", what, result.kind)
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
