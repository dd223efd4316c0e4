"""An update's unit of work runs on the event loop's thread (bot.store.tx), and still never
makes the loop wait for another program, nor lets the WAL grow without end."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.store.db import CHECKPOINT_EVERY, Database
from bot.store.tx import Trips

ROW = "INSERT INTO erasures (erased_at, reason) VALUES ('2027-01-11T10:00:00+00:00', ?)"


def size_of(file: Path) -> int:
    return file.stat().st_size


def seen(db: Database) -> Trips:
    return Trips(db.trips.statements, db.trips.trips)


async def test_an_inline_unit_makes_no_trip_to_aiosqlites_thread(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        before = seen(db)
        async with db.transaction(inline=True) as tx:
            await tx.execute(ROW, ("a",))
            rows = await tx.execute_fetchall("SELECT count(*) FROM erasures")
        assert next(iter(rows))[0] == 1
        assert db.trips.trips == before.trips
        assert db.trips.statements == before.statements + 4  # BEGIN, two, COMMIT

        async with db.transaction() as tx:  # a unit that may scan: every statement a trip
            await tx.execute(ROW, ("b",))
        assert db.trips.trips == before.trips + 3  # BEGIN, the insert, COMMIT
    finally:
        await db.close()


async def test_a_database_held_by_another_program_is_waited_for_off_the_loop(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    blocker = sqlite3.connect(path, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        before = seen(db)

        async def unit() -> None:
            async with db.transaction(inline=True) as tx:
                await tx.execute(ROW, ("waited",))

        waiting = asyncio.create_task(unit())
        # The loop goes on running while the unit waits: it has gone to aiosqlite's thread.
        for _ in range(100_000):
            if db.trips.trips > before.trips:
                break
            await asyncio.sleep(0)
        assert db.trips.trips > before.trips
        assert not waiting.done()
        blocker.execute("ROLLBACK")
        await asyncio.wait_for(waiting, timeout=10)
        async with db.transaction(inline=True) as tx:
            rows = await tx.execute_fetchall("SELECT reason FROM erasures")
        assert [row[0] for row in rows] == ["waited"]
    finally:
        blocker.close()
        await db.close()


async def test_the_wal_is_written_back_though_sqlites_own_checkpoint_is_off(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    try:
        commits = 5 * CHECKPOINT_EVERY
        for n in range(commits):
            async with db.transaction(inline=True) as tx:
                await tx.execute(ROW, ("x" * 2000 + str(n),))  # a page or more each
        wal = size_of(Path(f"{path}-wal"))
        # Never written back, the WAL would hold a page a commit and more: checkpointed, it
        # is used again from its start and stays about CHECKPOINT_EVERY commits long.
        assert wal < commits * 4096  # each commit writes one page at least
        async with db.transaction() as tx:
            rows = await tx.execute_fetchall("SELECT count(*) FROM erasures")
        assert next(iter(rows))[0] == commits
    finally:
        await db.close()
