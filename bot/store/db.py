"""The one SQLite connection: pragmas, numbered migrations, and transactions.

Every read and write goes through `Database.transaction()`. One lock serialises them, so a
use case sees and writes a consistent state even while the scheduler and broadcasts run.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.store.tx import Trips, Tx, on_thread

log = logging.getLogger(__name__)
T = TypeVar("T")

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

# The incoming event (a Telegram update id) being handled right now, if any. A unit of work
# that commits marks it done in the same transaction, so its effects and "handled" are one.
handling_event: ContextVar[int | None] = ContextVar("handling_event", default=None)
# Work that belongs to the update being handled, saved in the transaction that marks it done
# (also_when_done), so that it costs no transaction of its own.
_with_event: ContextVar[tuple[Callable[[Tx], Awaitable[None]], ...]] = ContextVar(
    "with_event", default=()
)
# The task whose unit of work is open right now, and its handle, so that a use case called
# inside it joins it.
_open_in: ContextVar[tuple[asyncio.Task[Any], Tx] | None] = ContextVar("open_in", default=None)
# Set by a unit of work that deleted personal data (bot.store.db.scrub_after_commit).
_scrub_asked: ContextVar[bool] = ContextVar("scrub_asked", default=False)
# SQLite's own automatic checkpoint comes after about 1,000 pages; one update writes 3-6.
CHECKPOINT_EVERY = 200
# How long a statement waits for another program that holds the file (a backup, say).
BUSY_TIMEOUT_MS = 5000
# The database, -wal and -shm files hold health data: only the bot's own user may read them.
PRIVATE_FILE = 0o600


def also_when_done(work: Callable[[Tx], Awaitable[None]]) -> None:
    """Do `work` in the transaction that marks the update being handled as done (the
    update's own unit of work, or the journal's mark at the end of handling)."""
    _with_event.set((*_with_event.get(), work))


def scrub_after_commit() -> None:
    """Call inside a unit of work that deleted personal data: once it commits, the WAL is
    checkpointed and truncated, so the deleted rows' old copies leave the disk too.
    (secure_delete overwrites them in the main file; the WAL keeps every old page until
    a checkpoint, and a plain checkpoint leaves the file's bytes in place.)"""
    _scrub_asked.set(True)


def _make_private(path: Path | str) -> None:
    """Create the database file 0600 (SQLite gives -wal and -shm the main file's mode), and
    take older files, made 0644, back to 0600."""
    if str(path) in ("", ":memory:") or str(path).startswith("file:"):
        return
    main = Path(path)
    try:
        if not main.exists() and main.parent.is_dir():
            os.close(os.open(main, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
        for file in (main, Path(f"{main}-wal"), Path(f"{main}-shm")):
            if file.is_file() and file.stat().st_mode & 0o777 != PRIVATE_FILE:
                file.chmod(PRIVATE_FILE)
    except OSError:
        pass  # not ours to change (a read-only folder, say): SQLite's own open will say why


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("bot.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


class DatabaseUnusable(Exception):
    """The file cannot be panelbot's database; the message says why in a few words."""


def _why(error: Exception) -> str:
    text = str(error)
    for words, why in (
        ("file is not a database", "is not a SQLite database, or it is damaged"),
        ("malformed", "is damaged (SQLite says its image is malformed)"),
        ("readonly", "cannot be written (is it read-only?)"),
        ("locked", "is locked by another program"),
        ("unable to open", "cannot be opened (does its folder exist, and may we write there?)"),
        ("disk is full", "cannot be written: the disk is full"),
    ):
        if words in text:
            return why
    return f"cannot be used ({type(error).__name__}: {text})"


class Database:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self._scrub_due = False
        self._commits = 0  # since the last checkpoint
        self.trips = Trips()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        """Open and migrate the file; DatabaseUnusable (one line) if it can't be used.

        The connection is closed on every failure: aiosqlite's thread is not a daemon, so a
        connection left open keeps a failed start-up's process alive for ever."""
        _make_private(path)
        try:
            # Not tied to aiosqlite's thread: a unit of work's statements run on the event
            # loop's thread (bot.store.tx), one at a time, under this object's lock.
            conn = await aiosqlite.connect(str(path), isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise DatabaseUnusable(_why(error)) from None
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA synchronous=NORMAL")
            # Deleted rows are overwritten with zeros, not left in free space.
            await conn.execute("PRAGMA secure_delete=ON")
            db = cls(conn)
            await db.migrate()
            # From now on no statement waits for a lock unless asked (_waiting), which is
            # done on aiosqlite's thread only, never the loop's; and no COMMIT checkpoints
            # (Database._commit does, off the loop).
            await conn.execute("PRAGMA busy_timeout=0")
            await conn.execute("PRAGMA wal_autocheckpoint=0")
        except sqlite3.Error as error:
            await conn.close()
            raise DatabaseUnusable(_why(error)) from None
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        await self._conn.close()

    async def migrate(self) -> list[str]:
        """Apply the migrations this file has not seen yet; return their names."""
        applied: list[str] = []
        async with self.transaction() as tx:
            await tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
            )
            done = {row[0] for row in await fetch_all(tx, "SELECT version FROM schema_migrations")}
            for version, name, sql in _migrations():
                if version in done:
                    continue
                for statement in _split_statements(sql):
                    await tx.execute(statement)
                await tx.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", (version, name)
                )
                applied.append(name)
        return applied

    async def execute_alone(self, sql: str, parameters: Iterable[Any] = ()) -> int:
        """One statement as its own transaction (SQLite commits it by itself): one trip to the
        database thread instead of three. Returns how many rows it changed."""
        async with self._lock:
            self.trips.statements += 1
            raw = self._conn._conn
            return await on_thread(
                self._conn, self.trips, _waiting, raw, _rowcount, raw, sql, parameters
            )

    @asynccontextmanager
    async def transaction(self, *, inline: bool = False) -> AsyncIterator[Tx]:
        """One unit of work: committed when the block ends, rolled back if it raises.

        Opened again inside a unit of work of the same task, it joins it: one update is one
        unit of work however many use cases it passes through (the Telegram face opens it
        around the whole update), so its effects and "handled" are saved together or not at
        all. A task started from inside (a broadcast, say) is another task and waits its turn.

        inline: the unit's statements are small and indexed (one update's), so they run on
        the event loop's thread instead of a trip each to aiosqlite's (bot.store.tx).
        """
        task = asyncio.current_task()
        open_now = _open_in.get()
        if task is not None and open_now is not None and open_now[0] is task:
            yield open_now[1]
            return
        async with self._lock:
            tx = Tx(self._conn, self.trips, inline=inline)
            await self._begin(tx)
            token = _open_in.set((task, tx) if task is not None else None)
            scrub = _scrub_asked.set(False)
            try:
                yield tx
                event = handling_event.get()
                if event is not None:
                    for work in _with_event.get():
                        await work(tx)
                    await mark_event_done(tx, event)
            except BaseException:
                # SQLite has already rolled back after some errors (a full disk); a second
                # ROLLBACK would hide the first error behind "no transaction is active".
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                raise
            finally:
                _open_in.reset(token)
                asked = _scrub_asked.get()
                _scrub_asked.reset(scrub)
            await self._commit(tx)
            if event is not None:
                handling_event.set(None)  # done: later units of work need not say so again
                _with_event.set(())
            self._scrub_due = self._scrub_due or asked
            if self._scrub_due:
                await self._checkpoint()

    async def _begin(self, tx: Tx) -> None:
        """Take the write lock. On the loop's thread only if it is free now: waiting for
        another program (up to busy_timeout) is for aiosqlite's thread, never the loop's."""
        raw = self._conn._conn
        tx.trips.statements += 1
        if tx.inline:
            try:
                raw.execute("BEGIN IMMEDIATE")  # busy_timeout is 0: it fails at once if held
                return
            except sqlite3.OperationalError:
                pass  # held by someone else: wait for it below, off the loop
        await tx.on_thread(_waiting, raw, _begin_immediate, raw)

    async def _commit(self, tx: Tx) -> None:
        """COMMIT, where the unit ran. It only appends to the WAL (synchronous=NORMAL syncs
        nothing at a commit); copying the WAL back into the main file, which does sync the
        disk, is the checkpoint's, done on aiosqlite's thread every CHECKPOINT_EVERY commits
        instead of inside whichever COMMIT SQLite's own automatic checkpoint would pick.
        If COMMIT fails (a full disk), what is left open is rolled back, so the next unit can
        begin."""
        raw = self._conn._conn
        try:
            tx.trips.statements += 1
            if tx.inline:
                raw.execute("COMMIT")
            else:
                await tx.on_thread(_commit, raw)
        except BaseException:
            if self._conn.in_transaction:
                await self._conn.execute("ROLLBACK")
            raise
        self._commits += 1
        if self._commits >= CHECKPOINT_EVERY:
            self._commits = 0
            tx.trips.statements += 1
            await tx.on_thread(_checkpoint_passive, raw)

    async def _checkpoint(self) -> None:
        """Copy the WAL into the main file and truncate it to nothing. Outside any
        transaction (SQLite cannot checkpoint inside one); if a reader (a backup, say) holds
        old pages, it is tried again after the next commit."""
        raw = self._conn._conn
        busy = await on_thread(self._conn, self.trips, _waiting, raw, _checkpoint_busy, raw)
        self._scrub_due = bool(busy)
        if busy:
            log.warning("the WAL could not be truncated after a deletion; trying again later")


async def fetch_one(tx: Tx, sql: str, parameters: Iterable[Any] = ()) -> aiosqlite.Row | None:
    """The first row of a query expected to return at most one."""
    return await (await tx.execute(sql, parameters)).fetchone()


async def fetch_all(tx: Tx, sql: str, parameters: Iterable[Any] = ()) -> list[aiosqlite.Row]:
    """Every row of a query."""
    return await (await tx.execute(sql, parameters)).fetchall()


async def mark_event_done(conn: Tx, event_id: int) -> None:
    await conn.execute(
        "UPDATE update_journal SET done = 1, payload = '' WHERE update_id = ?", (event_id,)
    )


def _waiting(conn: sqlite3.Connection, function: Callable[..., T], *args: Any) -> T:
    """Run `function` (on aiosqlite's thread) waiting up to BUSY_TIMEOUT_MS for another
    program that holds the file; the connection otherwise never waits."""
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    try:
        return function(*args)
    finally:
        conn.execute("PRAGMA busy_timeout=0")


def _rowcount(conn: sqlite3.Connection, sql: str, parameters: Iterable[Any]) -> int:
    return conn.execute(sql, parameters).rowcount  # type: ignore[arg-type]


def _checkpoint_passive(conn: sqlite3.Connection) -> None:
    # PASSIVE, as SQLite's automatic checkpoint: copies what no reader still needs, never waits.
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def _checkpoint_busy(conn: sqlite3.Connection) -> bool:
    (busy, _, _) = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return bool(busy)


def _begin_immediate(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")


def _commit(conn: sqlite3.Connection) -> None:
    conn.execute("COMMIT")


def _split_statements(sql: str) -> list[str]:
    # executescript() would commit our transaction, so statements run one by one.
    # Migrations keep to one statement per ';' with no ';' inside strings or triggers.
    code = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return [part.strip() for part in code.split(";") if part.strip()]
