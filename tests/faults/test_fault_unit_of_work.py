"""One update, one unit of work: cut off part-way, an update is handled again at start-up.

The cut is made where the old layout lost answers: after the coordinator-rights check (which
every typed message and /needs, /availability, /help and /cancel pass through first) and
before the volunteer's answer is saved. A SQLite trigger calls into the test at the moment
of the save and holds the bot there; the database files copied at that moment are exactly
what a kill -9 would leave on disk. A new bot started on that copy must answer the update.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from bot.context import AppContext
from bot.standin.api import FakeUser
from bot.standin.harness import BotHarness
from bot.store.db import Database, fetch_one
from bot.telegram.app import build_application
from tests.conftest import TEST_TOKEN, World
from tests.journey import consent, read_info, sign_up


class CutOff:
    """Copies the database files at the moment of the save, from inside the bot's own
    statement (whichever thread runs it): what a kill -9 at that moment leaves on disk."""

    def __init__(self, database: Path, to: Path) -> None:
        self.database = database
        self.to = to
        self.killed: Path | None = None

    def __call__(self) -> int:
        if self.killed is None:
            self.killed = copy_as_killed(self.database, self.to)
        return 0


async def cut_at(world: World, table: str, to: Path) -> CutOff:
    cut = CutOff(world.settings.database, to)
    conn = world.db._conn  # the bot's own connection: the trigger runs inside its transaction
    await conn.create_function("cut_off", 0, cut)
    for event in ("INSERT", "UPDATE"):
        async with world.db.transaction() as tx:
            await tx.execute(
                f"CREATE TEMP TRIGGER cut_{event.lower()} BEFORE {event} ON main.{table} "
                "BEGIN SELECT cut_off(); END"
            )
    return cut


def copy_as_killed(database: Path, to: Path) -> Path:
    """What a kill -9 leaves: the files as they are (SQLite recovers committed work only)."""
    copy = to / "after-kill.sqlite3"
    for suffix in ("", "-wal"):
        source = Path(f"{database}{suffix}")
        if source.exists():
            shutil.copyfile(source, Path(f"{copy}{suffix}"))
    return copy


async def name_and_step(database: Path, telegram_id: int) -> tuple[str | None, str | None]:
    db = await Database.open(database)
    try:
        async with db.transaction() as tx:
            row = await fetch_one(
                tx,
                "SELECT v.name, j.step FROM volunteers v "
                "LEFT JOIN journeys j ON j.telegram_id = v.telegram_id WHERE v.telegram_id = ?",
                (telegram_id,),
            )
        return (None, None) if row is None else (row[0], row[1])
    finally:
        await db.close()


async def restarted_on(world: World, database: Path) -> tuple[Database, BotHarness]:
    settings = dataclasses.replace(world.settings, database=database)
    db = await Database.open(database)
    harness = BotHarness(
        world.api, build_application(AppContext(db, settings, world.clock), token=TEST_TOKEN)
    )
    await harness.start()
    return db, harness


async def cut_while_handling(
    world: World, tmp_path: Path, sam: FakeUser, text: str, table: str
) -> tuple[int, Path]:
    cut = await cut_at(world, table, tmp_path)
    update_id = world.api.send_text(sam, text)
    await world.harness.wait_processed(update_id)
    assert cut.killed is not None, "the save was never reached"
    return update_id, cut.killed


@pytest.mark.parametrize("case", ["typed answer", "/needs"])
async def test_an_update_cut_off_before_its_answer_is_saved_is_answered_after_restart(
    world: World, sam: FakeUser, tmp_path: Path, case: str
) -> None:
    if case == "typed answer":
        await consent(world, sam)
        await read_info(world, sam)  # the bot now asks for a name
        update_id, killed = await cut_while_handling(
            world, tmp_path, sam, "Sam Okafor", "volunteers"
        )
    else:
        await sign_up(world, sam)
        update_id, killed = await cut_while_handling(world, tmp_path, sam, "/needs", "journeys")
    await world.harness.stop()
    before = await name_and_step(killed, sam.id)

    db, harness = await restarted_on(world, killed)
    try:
        await harness.wait_processed(update_id, timeout=5)
    except TimeoutError:
        pytest.fail("the update was not handled again after the restart: its answer is lost")
    finally:
        await harness.stop()
        await db.close()

    after = await name_and_step(killed, sam.id)
    if case == "typed answer":
        assert before[0] is None  # the cut came before the name was saved
        assert after[0] == "Sam Okafor"
        assert after[1] == "role"  # and the person is on the next question
    else:
        assert before[1] is None  # no edit under way when the bot was cut off
        assert after[1] is not None  # after the restart, /needs has started the change
    last = world.api.messages_to(sam.id)[-1].text
    assert "something went wrong" not in last.lower()
