"""Questions volunteers ask the coordinators."""

from __future__ import annotations

from datetime import datetime

from bot.store.tx import Tx
from bot.timeutil import to_db


async def add(tx: Tx, panel_id: int | None, volunteer_id: int, text: str, now: datetime) -> int:
    cursor = await tx.execute(
        "INSERT INTO questions (panel_id, volunteer_id, text, asked_at) VALUES (?, ?, ?, ?)",
        (panel_id, volunteer_id, text, to_db(now)),
    )
    return int(cursor.lastrowid or 0)
