"""Who came to each session, and what they are owed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.store.db import fetch_all
from bot.store.sql import chunked, marks
from bot.store.tx import Tx
from bot.timeutil import from_db_optional, to_db


@dataclass(frozen=True)
class Mark:
    application_id: int
    session_id: int
    attended: bool
    hours: float | None
    amount_pence: int | None
    saved_at: datetime | None


def _mark(row: aiosqlite.Row) -> Mark:
    return Mark(
        application_id=row["application_id"],
        session_id=row["session_id"],
        attended=bool(row["attended"]),
        hours=row["hours"],
        amount_pence=row["amount_pence"],
        saved_at=from_db_optional(row["saved_at"]),
    )


async def set_mark(
    tx: Tx,
    application_id: int,
    session_id: int,
    *,
    attended: bool,
    hours: float | None,
    amount_pence: int | None,
    now: datetime,
) -> None:
    await tx.execute(
        "INSERT INTO attendance (application_id, session_id, attended, hours, amount_pence, "
        "marked_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (application_id, session_id) DO UPDATE "
        "SET attended = excluded.attended, hours = excluded.hours, "
        "amount_pence = excluded.amount_pence, marked_at = excluded.marked_at",
        (application_id, session_id, int(attended), hours, amount_pence, to_db(now)),
    )


async def save(tx: Tx, session_id: int, now: datetime) -> None:
    """The coordinator finished marking this session: thank those who came."""
    await tx.execute(
        "UPDATE attendance SET saved_at = ? WHERE session_id = ? AND saved_at IS NULL",
        (to_db(now), session_id),
    )


async def for_session(tx: Tx, session_id: int) -> dict[int, Mark]:
    return {
        r["application_id"]: _mark(r)
        for r in await fetch_all(tx, "SELECT * FROM attendance WHERE session_id = ?", (session_id,))
    }


async def for_panel(tx: Tx, panel_id: int) -> list[Mark]:
    return [
        _mark(r)
        for r in await fetch_all(
            tx,
            "SELECT a.* FROM attendance a JOIN sessions s ON s.id = a.session_id "
            "WHERE s.panel_id = ? ORDER BY s.starts_at, a.application_id",
            (panel_id,),
        )
    ]


async def for_panels(tx: Tx, panel_ids: Sequence[int]) -> dict[int, list[Mark]]:
    """`for_panel` for each panel, by panel id."""
    found: dict[int, list[Mark]] = {panel_id: [] for panel_id in panel_ids}
    for ids in chunked(panel_ids):
        for r in await fetch_all(
            tx,
            "SELECT s.panel_id AS of_panel, a.* FROM attendance a "
            f"JOIN sessions s ON s.id = a.session_id WHERE s.panel_id IN ({marks(len(ids))}) "
            "ORDER BY s.starts_at, a.application_id",
            ids,
        ):
            found[r["of_panel"]].append(_mark(r))
    return found
