"""kill -9 of the bot at random moments during sign-ups: nothing acknowledged is lost,
no update is lost, and nobody's journey is stuck."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.clock import SystemClock
from bot.config import load_settings
from bot.context import AppContext
from bot.services.coordinator import panel_admin
from bot.standin.api import FakeBotApi, FakeUser
from bot.store.db import Database
from tests.faults.helpers import (
    BotProcess,
    Volunteer,
    ask_again_if_forgotten,
    far_future_panel,
    run_until,
)

ROUNDS = 20
VOLUNTEERS = 8


async def saved_state(database: Path) -> dict[int, tuple[str | None, str | None]]:
    db = await Database.open(database)
    try:
        async with db.transaction() as tx:
            cursor = await tx.execute(
                "SELECT v.telegram_id, v.name, a.status FROM volunteers v "
                "LEFT JOIN applications a ON a.volunteer_id = v.id"
            )
            return {row[0]: (row[1], row[2]) for row in await cursor.fetchall()}
    finally:
        await db.close()


async def handled_updates(database: Path) -> set[int]:
    db = await Database.open(database)
    try:
        async with db.transaction() as tx:
            cursor = await tx.execute("SELECT update_id FROM update_journal WHERE done = 1")
            return {int(row[0]) for row in await cursor.fetchall()}
    finally:
        await db.close()


async def unfinished_updates(database: Path) -> int:
    db = await Database.open(database)
    try:
        async with db.transaction() as tx:
            cursor = await tx.execute("SELECT count(*) FROM update_journal WHERE done = 0")
            row = await cursor.fetchone()
            return int(row[0]) if row else 0
    finally:
        await db.close()


@pytest.mark.timeout(300)  # 21 bot processes start; slow on a busy machine
async def test_kill_9_during_sign_ups_loses_nothing_acknowledged(tmp_path: Path) -> None:
    database = tmp_path / "panelbot.sqlite3"
    settings = load_settings({"PANELBOT_DATABASE": str(database)}, require_token=False)
    db = await Database.open(database)
    await panel_admin.import_file(
        far_future_panel(tmp_path), AppContext(db, settings, SystemClock())
    )
    await db.close()
    rng = random.Random(20271)
    unanswered_at_kill = 0
    volunteers = [Volunteer(FakeUser(5000 + i, f"V{i}")) for i in range(VOLUNTEERS)]
    async with FakeBotApi() as api:
        bot = BotProcess(api, database)
        try:
            for _ in range(ROUNDS):
                await bot.start()
                handled = await handled_updates(database)
                await ask_again_if_forgotten(api, volunteers, handled.__contains__)
                kill_at = len(api.sent) + rng.randint(1, 12)
                await run_until(api, volunteers, lambda at=kill_at: len(api.sent) >= at)
                await bot.kill()
                unanswered_at_kill += sum(v.awaiting is not None for v in volunteers)
                state = await saved_state(database)
                for volunteer in volunteers:
                    name, status = state.get(volunteer.user.id, (None, None))
                    if "name" in volunteer.acknowledged:
                        assert name == volunteer.name
                    if "applied" in volunteer.acknowledged:
                        assert status == "applied"
            # After the last crash everyone can finish; no update was lost on the way.
            await bot.start()
            handled = await handled_updates(database)
            await ask_again_if_forgotten(api, volunteers, handled.__contains__)
            await run_until(api, volunteers, lambda: False)
            await bot.stop()
        finally:
            bot.ensure_dead()
    assert unanswered_at_kill > 0, "no kill fell between an answer and its reply"
    assert all(v.done for v in volunteers)
    state = await saved_state(database)
    assert {state[v.user.id] for v in volunteers} == {(v.name, "applied") for v in volunteers}
    assert await unfinished_updates(database) == 0
