"""A flaky network: the stand-in answers 502 or drops the connection on 10% of sends."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from bot.config import Settings
from bot.context import AppContext
from bot.services.coordinator import panel_admin
from bot.standin.api import FakeBotApi, FakeUser
from bot.standin.harness import BotHarness
from bot.store.db import Database
from bot.telegram.app import build_application
from tests.conftest import COORDINATOR_ID, EXAMPLE_PANEL, TEST_TOKEN, World
from tests.journey import sign_up


async def world_on(api: FakeBotApi, settings: Settings, clock: FakeClock) -> World:
    settings = dataclasses.replace(settings, api_url=api.base_url)
    api.wrote_before(COORDINATOR_ID)  # as in tests/conftest.py
    db = await Database.open(settings.database)
    imported = await panel_admin.import_file(EXAMPLE_PANEL, AppContext(db, settings, clock))
    harness = BotHarness(api, build_application(AppContext(db, settings, clock), token=TEST_TOKEN))
    await harness.start()
    return World(api, settings, clock, db, harness, imported.panel_id)


@pytest.fixture
async def flaky_world(settings: Settings, clock: FakeClock) -> AsyncIterator[World]:
    settings = dataclasses.replace(settings, database=settings.database.with_name("flaky.sqlite3"))
    async with FakeBotApi(failure_rate=0.1, seed=7) as api:
        state = await world_on(api, settings, clock)
        try:
            yield state
        finally:
            await state.harness.stop()
            await state.db.close()


async def test_every_reply_arrives_once_through_a_flaky_network(
    world: World, flaky_world: World, sam: FakeUser
) -> None:
    await sign_up(world, sam)
    reply = await sign_up(flaky_world, sam)
    assert "You have signed up" in reply.text
    assert flaky_world.api.injected_failures > 0, "the network never failed: proves nothing"
    # The same conversation as on a perfect network: nothing lost, nothing twice.
    clean = [m.text for m in world.api.messages_to(sam.id)]
    flaky = [m.text for m in flaky_world.api.messages_to(sam.id)]
    assert flaky == clean
