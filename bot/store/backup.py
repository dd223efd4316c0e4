"""`panelbot backup FILE`: a consistent copy of the database, taken while the bot runs.

SQLite's online backup copies every page under one read snapshot (the bot's WAL lets it go
on writing meanwhile), so the copy holds exactly what was committed when it began. The copy
is written beside its target and renamed into place only when whole and checked, is 0600
from the start (it holds health data), and is a plain file with no -wal beside it, so a
restore is one copy.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from bot.store.db import PRIVATE_FILE


class BackupError(Exception):
    """Why no backup was made, in one line."""


def backup(source: Path, target: Path, *, overwrite: bool = False) -> int:
    """Copy the database at `source` to `target`; return the copy's size in bytes."""
    if not source.is_file():
        raise BackupError(f"there is no database at {source} (PANELBOT_DATABASE)")
    if target.exists() and target.resolve() == source.resolve():
        raise BackupError("the backup must be a different file from the database")
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give a file name")
    if target.exists() and not overwrite:
        raise BackupError(f"{target} already exists; add --force to replace it")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
        _copy(source, partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        raise BackupError(f"could not write {target}: {error}") from error
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return target.stat().st_size


def _copy(source: Path, partial: Path) -> None:
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # all pages in one step: one snapshot
            # A plain rollback-journal file: nothing beside it to copy or to forget.
            dst.execute("PRAGMA journal_mode=DELETE")
            (check,) = dst.execute("PRAGMA quick_check").fetchone()
            if check != "ok":
                raise BackupError(f"the copy failed its check: {check}")
        finally:
            dst.close()
    finally:
        src.close()
