"""`panelbot backup FILE`: a consistent, private copy while the bot goes on writing."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.store.db import Database

PADDING = "x" * 2000


async def write(db: Database, first: int, count: int) -> None:
    for n in range(first, first + count):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO erasures (id, erased_at, reason) VALUES (?, 'at', ?)",
                             (n, PADDING))  # fmt: skip


def ids_in(path: Path) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return [row[0] for row in conn.execute("SELECT id FROM erasures ORDER BY id")]
    finally:
        conn.close()


def private_and_alone(path: Path) -> bool:
    """0600, with no -wal beside it: one file to restore."""
    return path.stat().st_mode & 0o777 == 0o600 and not Path(f"{path}-wal").exists()


async def test_a_backup_taken_during_writes_is_whole_and_holds_what_was_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "panelbot.sqlite3"
    target = tmp_path / "backup.sqlite3"
    monkeypatch.setenv("PANELBOT_DATABASE", str(source))
    db = await Database.open(source)
    try:
        await write(db, 1, 2000)  # about 4 MB, so the copy takes a while
        stop = asyncio.Event()
        written_during: list[int] = []

        async def keep_writing() -> None:
            n = 100_000
            while not stop.is_set():
                await write(db, n, 1)
                written_during.append(n)
                n += 1

        writer = asyncio.create_task(keep_writing())
        code = await asyncio.to_thread(main, ["backup", str(target)])
        stop.set()
        await writer
    finally:
        await db.close()
    assert code == 0
    assert written_during, "the bot went on writing while the backup ran"
    copied = ids_in(target)
    assert copied[:2000] == list(range(1, 2001))  # everything committed before it began
    later = copied[2000:]
    assert later == written_during[: len(later)]  # and then a clean cut, no half-written rows
    assert private_and_alone(target)


def test_a_backup_never_replaces_a_file_unless_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "panelbot.sqlite3"
    monkeypatch.setenv("PANELBOT_DATABASE", str(source))
    asyncio.run(_empty_database(source))
    target = tmp_path / "keep.sqlite3"
    target.write_text("something precious")
    assert main(["backup", str(target)]) == 1
    assert "already exists; add --force" in capsys.readouterr().err
    assert target.read_text() == "something precious"
    assert main(["backup", str(target), "--force"]) == 0
    assert ids_in(target) == []
    assert main(["backup", str(source), "--force"]) == 1  # never over the database itself
    assert "different file" in capsys.readouterr().err


async def _empty_database(path: Path) -> None:
    db = await Database.open(path)
    await db.close()
