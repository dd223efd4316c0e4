"""The database: a real SQLite file with WAL, foreign keys and numbered migrations."""

from __future__ import annotations

from pathlib import Path

from bot.store.db import Database


async def test_migrations_apply_once_and_pragmas_hold(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    db = await Database.open(path)
    async with db.transaction() as tx:
        cursor = await tx.execute("SELECT name FROM schema_migrations ORDER BY version")
        applied = [row[0] for row in await cursor.fetchall()]
        cursor = await tx.execute("PRAGMA foreign_keys")
        assert (await cursor.fetchone())[0] == 1
    await db.close()
    assert applied and applied[0] == "0001_signup.sql"
    again = await Database.open(path)
    assert await again.migrate() == []
    async with again.transaction() as tx:
        cursor = await tx.execute("PRAGMA journal_mode")
        assert (await cursor.fetchone())[0] == "wal"
    await again.close()


async def test_a_failed_unit_of_work_leaves_nothing_behind(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "store.sqlite3")
    try:
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO erasures (erased_at, reason) VALUES ('2027-01-01', 'test')")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    async with db.transaction() as tx:
        cursor = await tx.execute("SELECT count(*) FROM erasures")
        assert (await cursor.fetchone())[0] == 0
    await db.close()
