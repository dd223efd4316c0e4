"""The service tier's world: a real SQLite file, the example panel, an injected clock, and
the use cases called directly, with no chat app in between."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.config import Settings
from bot.context import AppContext, Person
from bot.services.coordinator import CoordinatorService, panel_admin
from bot.services.volunteer.service import VolunteerService
from bot.store.db import Database
from tests.conftest import COORDINATOR_ID, EXAMPLE_PANEL
from tests.services.chat import CoordinatorChat, VolunteerChat


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "services.sqlite3"


@pytest.fixture
async def app(db_path: Path, settings: Settings, clock: FakeClock) -> AsyncIterator[AppContext]:
    db = await Database.open(db_path)
    context = AppContext(db, settings, clock)
    await panel_admin.import_file(EXAMPLE_PANEL, context)
    try:
        yield context
    finally:
        await context.db.close()


def volunteer(app: AppContext, telegram_id: int, first_name: str) -> VolunteerChat:
    return VolunteerChat(VolunteerService(app), Person(telegram_id, telegram_id, first_name))


@pytest.fixture
def sam(app: AppContext) -> VolunteerChat:
    return volunteer(app, 1001, "Sam")


@pytest.fixture
def priya(app: AppContext) -> CoordinatorChat:
    return CoordinatorChat(CoordinatorService(app), Person(COORDINATOR_ID, COORDINATOR_ID, "Priya"))
