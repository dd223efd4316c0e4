"""A bot that can no longer hear people says so and stops, for a supervisor to restart it.

Two ways to go deaf: the database refuses the journal's writes for longer than the journal's
patience, or the polling loop stops. Time is passed at once (an injected clock), not waited.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.config import Settings
from bot.context import AppContext
from bot.runner import until_stopped_or_deaf
from bot.standin.api import FakeBotApi, FakeUser
from bot.standin.harness import BotHarness
from bot.store.db import Database
from bot.telegram.app import build_application
from bot.telegram.journal import Patience
from bot.telegram.watchdog import STUCK_AFTER, PollingWatch, watch_of
from tests.conftest import COORDINATOR_ID, TEST_TOKEN, World
from tests.faults.test_fault_database import fill_the_disk


class PassingTime:
    """The journal's patience, with time that passes as soon as it is waited for."""

    def __init__(self) -> None:
        self.now = 0.0

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)  # let the rest of the bot run meanwhile

    def monotonic(self) -> float:
        return self.now


async def test_a_database_that_stays_full_stops_the_bot_and_loses_nothing(
    api: FakeBotApi, settings: Settings, clock: FakeClock, sam: FakeUser
) -> None:
    settings = dataclasses.replace(settings, api_url=api.base_url)
    api.wrote_before(COORDINATOR_ID)
    db = await Database.open(settings.database)
    ctx = AppContext(db, settings, clock)
    time_passes = PassingTime()
    patience = Patience(sleep=time_passes.sleep, monotonic=time_passes.monotonic)
    harness = BotHarness(api, build_application(ctx, token=TEST_TOKEN, patience=patience))
    await harness.start()
    world = World(api, settings, clock, db, harness, panel_id=0)
    try:
        await fill_the_disk(world)
        update_id = api.send_text(sam, "/help")
        problem = await until_stopped_or_deaf(
            watch_of(harness.app), asyncio.Event(), check_every=0.01
        )
        assert problem is not None
        assert problem.startswith("could not save incoming messages to the database for 5 ")
        assert "disk is full" in problem
        assert time_passes.now >= timedelta(minutes=5).total_seconds()
        assert api.messages_to(sam.id) == []

        # The supervisor restarts it once space is freed: Telegram still has the message.
        await harness.stop()
        async with db.transaction() as tx:
            await tx.execute("PRAGMA max_page_count = 1073741823")
            await tx.execute("DELETE FROM update_journal WHERE update_id < 0")
        await world.restart()
        await world.harness.wait_processed(update_id)
        assert len(api.messages_to(sam.id)) == 1
        assert "/status" in api.messages_to(sam.id)[0].text
    finally:
        await world.harness.stop()
        await world.db.close()


async def test_a_bot_that_still_polls_is_left_alone(world: World, sam: FakeUser) -> None:
    await world.harness.say(sam, "/help")
    assert watch_of(world.harness.app).problem() is None


async def test_a_polling_loop_that_stopped_is_noticed_and_logged(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    watch = watch_of(world.harness.app)
    assert world.harness.app.updater is not None
    await world.harness.app.updater.stop()  # the Application runs on, but nobody polls
    two_minutes_on = PollingWatch(
        watch.polls, watch.queue, monotonic=lambda: time.monotonic() + STUCK_AFTER
    )
    problem = await until_stopped_or_deaf(two_minutes_on, asyncio.Event(), check_every=0.01)
    assert problem is not None and problem.startswith("polling for updates has stopped")
    assert any(
        r.levelno == logging.ERROR and "polling for updates has stopped" in r.getMessage()
        for r in caplog.records
    )
