"""The sent-message ledger: every reminder and notice key, recorded once.

A key is recorded right after its message was sent (outcome "sent"), or when it was
deliberately not sent ("skipped": overtaken by a later reminder or by the session starting;
"blocked": the person blocked the bot; "failed": Telegram refused it). Recorded keys are
never sent again. See scheduler/service.py for what a crash can do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.timeutil import from_db, to_db


@dataclass(frozen=True)
class Entry:
    outcome: str
    at: datetime


async def for_panel(tx: aiosqlite.Connection, panel_id: int) -> dict[str, Entry]:
    cursor = await tx.execute(
        "SELECT key, outcome, at FROM sent_ledger WHERE panel_id = ?", (panel_id,)
    )
    return {r["key"]: Entry(r["outcome"], from_db(r["at"])) for r in await cursor.fetchall()}


async def get(tx: aiosqlite.Connection, key: str) -> Entry | None:
    cursor = await tx.execute("SELECT outcome, at FROM sent_ledger WHERE key = ?", (key,))
    row = await cursor.fetchone()
    return None if row is None else Entry(row["outcome"], from_db(row["at"]))


async def record(
    tx: aiosqlite.Connection,
    keys: Iterable[str],
    *,
    kind: str,
    panel_id: int | None,
    outcome: str,
    now: datetime,
) -> None:
    await tx.executemany(
        "INSERT OR IGNORE INTO sent_ledger (key, kind, panel_id, outcome, at) "
        "VALUES (?, ?, ?, ?, ?)",
        [(key, kind, panel_id, outcome, to_db(now)) for key in keys],
    )
