"""How a unit of work's statements reach SQLite: on the event loop's thread, or on aiosqlite's.

aiosqlite runs each call on its own thread and wakes the event loop with the result: about
65 µs of CPU and a thread wake-up a trip, when the statement itself takes a few µs. A unit
of work for one update makes ten to twenty statements, so the trips were most of the bot's
own time per update. Inside a write transaction no statement waits for a lock (this
connection holds the only write lock, and in WAL mode readers never block a writer), so the
update's small, indexed statements run here, on the loop's thread, in microseconds. What may
wait or take long still goes to aiosqlite's thread: BEGIN (another program may hold the
file), COMMIT (a checkpoint may write the WAL back and sync the disk), and every statement of
the units that scan many rows (the scheduler's passes, exports, retention, migrations), so
the loop stays free for sending while they run.

A statement's rows are fetched with it, in the same call: one trip, never two.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import aiosqlite

T = TypeVar("T")


@dataclass
class Trips:
    """What the database has been asked, for benchmarks and tests: statements run, and
    trips to aiosqlite's thread."""

    statements: int = 0
    trips: int = 0


class Rows:
    """What one statement gave back: its rows, how many rows it changed, the last row id."""

    __slots__ = ("_next", "_rows", "lastrowid", "rowcount")

    def __init__(self, rows: list[sqlite3.Row], rowcount: int, lastrowid: int | None) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    async def fetchone(self) -> sqlite3.Row | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    async def fetchall(self) -> list[sqlite3.Row]:
        rest = self._rows[self._next :]
        self._next = len(self._rows)
        return rest

    def __iter__(self) -> Iterator[sqlite3.Row]:
        return iter(self._rows)


def _run(conn: sqlite3.Connection, sql: str, parameters: Iterable[Any]) -> Rows:
    cursor = conn.execute(sql, parameters)  # type: ignore[arg-type]
    rows = cursor.fetchall() if cursor.description is not None else []
    return Rows(rows, cursor.rowcount, cursor.lastrowid)


def _run_many(conn: sqlite3.Connection, sql: str, rows: Iterable[Sequence[Any]]) -> Rows:
    cursor = conn.executemany(sql, rows)
    return Rows([], cursor.rowcount, cursor.lastrowid)


class Tx:
    """A unit of work's handle on the one connection; every store function takes one."""

    __slots__ = ("_conn", "inline", "trips")

    def __init__(self, conn: aiosqlite.Connection, trips: Trips, *, inline: bool) -> None:
        self._conn = conn
        self.trips = trips
        self.inline = inline

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> Rows:
        self.trips.statements += 1
        if self.inline:
            return _run(self._conn._conn, sql, parameters)
        return await self.on_thread(_run, self._conn._conn, sql, parameters)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Rows:
        self.trips.statements += 1
        if self.inline:
            return _run_many(self._conn._conn, sql, rows)
        return await self.on_thread(_run_many, self._conn._conn, sql, rows)

    async def execute_fetchall(self, sql: str, parameters: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return await (await self.execute(sql, parameters)).fetchall()

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    async def on_thread(self, function: Callable[..., T], *args: Any) -> T:
        """Run a plain function on aiosqlite's thread, where the connection was made."""
        return await on_thread(self._conn, self.trips, function, *args)


async def on_thread(
    conn: aiosqlite.Connection, trips: Trips, function: Callable[..., T], *args: Any
) -> T:
    """Run a plain function on aiosqlite's thread, counted as a trip."""
    trips.trips += 1
    # aiosqlite's own queue to its thread (what its public methods call).
    queue = cast(Callable[..., Any], conn._execute)
    return cast(T, await queue(function, *args))
