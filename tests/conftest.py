"""Shared fixtures: a real SQLite file, the real Application, and the stand-in Bot API."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.config import Settings, load_settings
from bot.context import AppContext
from bot.services.coordinator import panel_admin
from bot.standin.api import FakeBotApi, FakeUser
from bot.standin.harness import BotHarness
from bot.store.db import Database
from bot.telegram.app import build_application
from bot.telegram.scheduling import runner_of

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PANEL = ROOT / "examples" / "panel.yaml"
EXAMPLE_CODE = "ashbridge-day-2027"
TEST_TOKEN = "123:test-token-not-a-real-one"
COORDINATOR_ID = 9001
# Before the example panel's sign-up closes (26 February 2027).
START = datetime(2027, 1, 11, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _timedelta_ptb(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without it PTB warns about RetryAfter and Voice durations on every use.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        {
            "PANELBOT_DATABASE": str(tmp_path / "panelbot.sqlite3"),
            "PANELBOT_COORDINATORS": str(COORDINATOR_ID),
        },
        require_token=False,
    )


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as running:
        yield running


@dataclasses.dataclass
class World:
    """Everything a test may look at: the chat, the database, the clock."""

    api: FakeBotApi
    settings: Settings
    clock: FakeClock
    db: Database
    harness: BotHarness
    panel_id: int

    @property
    def ctx(self) -> AppContext:
        return AppContext(self.db, self.settings, self.clock)

    async def restart(self) -> None:
        """Stop the bot and start a new Application on the same database file."""
        await self.harness.stop()
        await self.db.close()
        self.db = await Database.open(self.settings.database)
        self.harness = BotHarness(self.api, build_application(self.ctx, token=TEST_TOKEN))
        await self.harness.start()


WorldFactory = Callable[[], Awaitable[World]]


@pytest.fixture
async def world(api: FakeBotApi, settings: Settings, clock: FakeClock) -> AsyncIterator[World]:
    settings = dataclasses.replace(settings, api_url=api.base_url, bot_username=api.bot_username)
    db = await Database.open(settings.database)
    imported = await panel_admin.import_file(EXAMPLE_PANEL, AppContext(db, settings, clock))
    # The coordinator in settings opened the bot before being listed, as a real one does.
    api.wrote_before(COORDINATOR_ID)
    harness = BotHarness(api, build_application(AppContext(db, settings, clock), token=TEST_TOKEN))
    await harness.start()
    # The scheduler's tick at start-up is over before a test begins: else what the test sets
    # up races it (an update's unit of work no longer yields to the loop at every statement).
    await asyncio.wait_for(runner_of(harness.app).started(), timeout=10)
    state = World(api, settings, clock, db, harness, imported.panel_id)
    try:
        yield state
    finally:
        await state.harness.stop()
        await state.db.close()


@pytest.fixture
def sam() -> FakeUser:
    return FakeUser(1001, "Sam")


@pytest.fixture
def coordinator() -> FakeUser:
    return FakeUser(COORDINATOR_ID, "Priya")
