"""What the benchmarks share: the example panel, a made-up token, the simulated clock's
start, and a panelbot database wired to the stand-in Bot API."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import FakeClock
from bot.config import load_settings
from bot.context import AppContext
from bot.services.coordinator import panel_admin
from bot.standin.api import FakeBotApi
from bot.store.db import Database

EXAMPLE_PANEL = Path(__file__).resolve().parent.parent / "examples" / "panel.yaml"
EXAMPLE_CODE = "ashbridge-day-2027"
TOKEN = "123:bench-token-not-a-real-one"
START = datetime(2027, 1, 11, 10, 0, tzinfo=UTC)  # before the example panel's sign-up closes


async def open_panelbot(
    folder: Path, api: FakeBotApi, coordinator_id: int
) -> tuple[AppContext, int]:
    """A fresh database in `folder` holding the example panel, with settings that point the
    bot at `api`; returns the context (the caller closes ctx.db) and the panel's id."""
    settings = dataclasses.replace(
        load_settings(
            {
                "PANELBOT_DATABASE": str(folder / "panelbot.sqlite3"),
                "PANELBOT_COORDINATORS": str(coordinator_id),
            },
            require_token=False,
        ),
        api_url=api.base_url,
        bot_username=api.bot_username,
    )
    # The coordinator has opened the bot, as a real one has: their notices are delivered.
    api.wrote_before(coordinator_id)
    db = await Database.open(settings.database)
    ctx = AppContext(db, settings, FakeClock(START))
    try:
        imported = await panel_admin.import_file(EXAMPLE_PANEL, ctx)
    except BaseException:
        await db.close()
        raise
    return ctx, imported.panel_id
