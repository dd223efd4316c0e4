"""Where each person is in a chat flow. Saved on every step, so a restart loses nobody's place."""

from __future__ import annotations

import json
from datetime import datetime

from bot.model import Journey
from bot.store.db import fetch_one
from bot.store.tx import Tx
from bot.timeutil import to_db


async def get(tx: Tx, telegram_id: int) -> Journey | None:
    row = await fetch_one(tx, "SELECT * FROM journeys WHERE telegram_id = ?", (telegram_id,))
    if row is None:
        return None
    return Journey(
        telegram_id=row["telegram_id"],
        flow=row["flow"],
        step=row["step"],
        panel_id=row["panel_id"],
        data=json.loads(row["data"]),
    )


async def save(tx: Tx, journey: Journey, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO journeys (telegram_id, flow, step, panel_id, data, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (telegram_id) DO UPDATE SET flow = excluded.flow, "
        "step = excluded.step, panel_id = excluded.panel_id, data = excluded.data, "
        "updated_at = excluded.updated_at",
        (
            journey.telegram_id,
            journey.flow,
            journey.step,
            journey.panel_id,
            json.dumps(journey.data, ensure_ascii=False),
            to_db(now),
        ),
    )


async def delete(tx: Tx, telegram_id: int) -> None:
    await tx.execute("DELETE FROM journeys WHERE telegram_id = ?", (telegram_id,))
