"""Moving the clock and running the scheduler in tests (no waiting: the clock is injected)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.standin.api import BotMessage
from bot.telegram.scheduling import runner_of
from scheduler.runner import SchedulerRunner
from scheduler.service import TickReport
from tests.conftest import World

LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A London wall-clock time, in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def runner(world: World) -> SchedulerRunner:
    return runner_of(world.harness.app)


async def tick(world: World) -> TickReport:
    """Run the scheduler now, after any tick already running (start-up, a button's poke)."""
    scheduler = runner(world)
    await asyncio.wait_for(scheduler.started(), timeout=10)
    return await scheduler.tick_now()


async def tick_at(world: World, moment: datetime) -> TickReport:
    world.clock.set(moment)
    return await tick(world)


def messages(world: World, chat_id: int, containing: str = "") -> list[BotMessage]:
    return [m for m in world.api.messages_to(chat_id) if containing in m.text]
