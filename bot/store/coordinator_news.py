"""News for coordinators about what volunteers did, held so a burst goes as one digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.store.db import fetch_all, fetch_one
from bot.store.tx import Tx
from bot.timeutil import from_db, to_db


@dataclass(frozen=True)
class Item:
    id: int
    kind: str  # signup, withdrawn, needs, availability
    panel_id: int | None
    volunteer_id: int
    created_at: datetime


async def add(tx: Tx, kind: str, panel_id: int | None, volunteer_id: int, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO coordinator_outbox (kind, panel_id, volunteer_id, created_at) "
        "VALUES (?, ?, ?, ?)",
        (kind, panel_id, volunteer_id, to_db(now)),
    )


async def unsent(tx: Tx) -> list[Item]:
    return [
        Item(
            row["id"], row["kind"], row["panel_id"], row["volunteer_id"], from_db(row["created_at"])
        )
        for row in await fetch_all(
            tx, "SELECT * FROM coordinator_outbox WHERE sent_at IS NULL ORDER BY id"
        )
    ]


async def sent_since(tx: Tx, since: datetime) -> int:
    row = await fetch_one(
        tx, "SELECT count(*) AS n FROM coordinator_outbox WHERE sent_at > ?", (to_db(since),)
    )
    return 0 if row is None else int(row["n"])


async def mark_sent(tx: Tx, ids: list[int], now: datetime) -> None:
    await tx.executemany(
        "UPDATE coordinator_outbox SET sent_at = ? WHERE id = ?", [(to_db(now), i) for i in ids]
    )
