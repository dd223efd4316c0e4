"""A question the bot asked that is answered by typing, outside the sign-up journey
(a feedback comment, the details of an award). One per person; the newest replaces any other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.store.db import fetch_one
from bot.store.tx import Tx
from bot.timeutil import from_db, to_db


@dataclass
class Prompt:
    telegram_id: int
    kind: str
    ref: int
    data: dict[str, Any] = field(default_factory=dict)
    asked_at: datetime | None = None  # filled in when read back


async def get(tx: Tx, telegram_id: int) -> Prompt | None:
    row = await fetch_one(tx, "SELECT * FROM pending_prompts WHERE telegram_id = ?", (telegram_id,))
    if row is None:
        return None
    return Prompt(
        row["telegram_id"],
        row["kind"],
        row["ref"],
        json.loads(row["data"]),
        from_db(row["created_at"]),
    )


async def put(tx: Tx, prompt: Prompt, now: datetime) -> None:
    await tx.execute(
        "INSERT OR REPLACE INTO pending_prompts (telegram_id, kind, ref, data, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            prompt.telegram_id,
            prompt.kind,
            prompt.ref,
            json.dumps(prompt.data, ensure_ascii=False),
            to_db(now),
        ),
    )


async def clear(tx: Tx, telegram_id: int) -> None:
    await tx.execute("DELETE FROM pending_prompts WHERE telegram_id = ?", (telegram_id,))
