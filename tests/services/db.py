"""Reading what was saved, straight from the SQLite file, to check what a use case kept."""

from __future__ import annotations

from bot.store.db import Database


async def rows(db: Database, sql: str, *args: object) -> list[tuple[object, ...]]:
    async with db.transaction() as tx:
        cursor = await tx.execute(sql, args)
        return [tuple(row) for row in await cursor.fetchall()]


async def one(db: Database, sql: str, *args: object) -> object:
    found = await rows(db, sql, *args)
    assert len(found) == 1, found
    return found[0][0]
