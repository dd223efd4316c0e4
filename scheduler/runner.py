"""Runs `tick` with APScheduler 3: once at start-up, then every minute, and soon after a
coordinator's or volunteer's action changes what is due (`poke`).

Why these job settings: APScheduler's default misfire_grace_time is 1 second, so a tick that
is late by more (a busy event loop, a laptop waking from sleep) would be silently skipped.
A late tick is always wanted: misfire_grace_time=None runs it however late, and coalesce
folds a backlog of missed runs into one. max_instances=1 because ticks never overlap anyway
(scheduler/service.py holds a lock); the lock also covers pokes.
APScheduler keeps real time; `tick` reads "now" from the app's Clock, so tests and the
sandbox move time by moving that clock and calling `tick_now`.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]

from bot.clock import SystemClock
from bot.context import AppContext
from scheduler.service import Send, TickReport, tick

log = logging.getLogger(__name__)

TICK_EVERY = timedelta(seconds=60)
JOB_ID = "panelbot-tick"


class SchedulerRunner:
    def __init__(self, ctx: AppContext, send: Send, *, every: timedelta = TICK_EVERY) -> None:
        self.ctx = ctx
        self.send = send
        self.every = every
        self.last_report: TickReport | None = None
        self._scheduler: AsyncIOScheduler | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._first_tick = asyncio.Event()

    def start(self) -> None:
        """Start ticking; call from inside the running event loop."""
        if self._scheduler is not None:
            return
        # Its INFO lines ("Running job ...") would fill the log once a minute.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        self._scheduler = AsyncIOScheduler(timezone=UTC, event_loop=asyncio.get_running_loop())
        self._scheduler.add_job(
            self._job,
            IntervalTrigger(seconds=self.every.total_seconds(), timezone=UTC),
            id=JOB_ID,
            next_run_time=SystemClock().now(),  # once at start-up
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )
        self._scheduler.start()

    @property
    def job_settings(self) -> dict[str, object]:
        """How the periodic job is set up (for tests and the curious)."""
        job = None if self._scheduler is None else self._scheduler.get_job(JOB_ID)
        if job is None:
            return {}
        return {
            "misfire_grace_time": job.misfire_grace_time,
            "coalesce": job.coalesce,
            "max_instances": job.max_instances,
            "interval": job.trigger.interval,
        }

    async def stop(self) -> None:
        """Stop ticking and wait for a tick in progress to finish its sends and records."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
            await asyncio.sleep(0)  # AsyncIOScheduler shuts down in a loop callback
        await self.idle()

    async def tick_now(self) -> TickReport:
        """One tick, now (after the lock, if one is running)."""
        report = await tick(self.ctx, self.send)
        self.last_report = report
        return report

    def poke(self) -> None:
        """Tick soon, without waiting for the minute: something just changed."""
        if self._scheduler is None:
            return
        task = asyncio.create_task(self._job())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait until no tick started by this runner is running (for tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def started(self) -> None:
        """Wait for the tick at start-up to finish (tests: so it cannot run in between)."""
        await self._first_tick.wait()
        await self.idle()

    async def _job(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await self.tick_now()
        except Exception:
            log.exception("a scheduler tick failed; the next one will try again")
        finally:
            self._first_tick.set()
            if task is not None:
                self._tasks.discard(task)
