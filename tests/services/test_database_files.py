"""The database holds health data: its files are the bot's user's alone (0600), new or old."""

from __future__ import annotations

from pathlib import Path

from bot.store.db import Database


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


async def test_a_new_database_and_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = await Database.open(path)
    try:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO erasures (erased_at, reason) VALUES ('x', 'y')")
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert [f.exists() for f in files] == [True, True, True]
        assert [mode(f) for f in files] == [0o600, 0o600, 0o600]
    finally:
        await db.close()


async def test_an_older_database_made_readable_by_all_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = await Database.open(path)
    await db.close()
    path.chmod(0o644)
    db = await Database.open(path)
    try:
        assert mode(path) == 0o600
        async with db.transaction() as tx:
            rows = await tx.execute_fetchall("PRAGMA secure_delete")
        assert next(iter(rows))[0] == 1
    finally:
        await db.close()
