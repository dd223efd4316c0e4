"""Replies to reminders ("I'll be there", "I can't make it") and places offered to reserves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.store.db import fetch_all, fetch_one
from bot.store.sql import chunked, marks
from bot.store.tx import Tx
from bot.timeutil import from_db, from_db_optional, to_db


@dataclass(frozen=True)
class PlaceOffer:
    id: int
    session_id: int
    application_id: int
    status: str
    created_at: datetime | None = None
    answered_at: datetime | None = None


async def set_reply(
    tx: Tx,
    application_id: int,
    session_id: int,
    version: int,
    answer: str,
    now: datetime,
) -> None:
    await tx.execute(
        "INSERT INTO session_replies (application_id, session_id, version, answer, answered_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (application_id, session_id) DO UPDATE SET "
        "version = excluded.version, answer = excluded.answer, "
        "answered_at = excluded.answered_at",
        (application_id, session_id, version, answer, to_db(now)),
    )


async def replies_for_panel(tx: Tx, panel_id: int) -> dict[tuple[int, int], tuple[int, str]]:
    """(application id, session id) -> (version answered, answer)."""
    return {
        (r["application_id"], r["session_id"]): (r["version"], r["answer"])
        for r in await fetch_all(
            tx,
            "SELECT r.application_id, r.session_id, r.version, r.answer FROM session_replies r "
            "JOIN sessions s ON s.id = r.session_id WHERE s.panel_id = ?",
            (panel_id,),
        )
    }


async def replies_for_panels(
    tx: Tx, panel_ids: Sequence[int]
) -> dict[int, dict[tuple[int, int], tuple[int, str]]]:
    """`replies_for_panel` for each panel, by panel id."""
    found: dict[int, dict[tuple[int, int], tuple[int, str]]] = {p: {} for p in panel_ids}
    for ids in chunked(panel_ids):
        for r in await fetch_all(
            tx,
            "SELECT s.panel_id, r.application_id, r.session_id, r.version, r.answer "
            "FROM session_replies r JOIN sessions s ON s.id = r.session_id "
            f"WHERE s.panel_id IN ({marks(len(ids))})",
            ids,
        ):
            found[r["panel_id"]][(r["application_id"], r["session_id"])] = (
                r["version"],
                r["answer"],
            )
    return found


def _offer(row: aiosqlite.Row) -> PlaceOffer:
    return PlaceOffer(
        row["id"],
        row["session_id"],
        row["application_id"],
        row["status"],
        from_db(row["created_at"]),
        from_db_optional(row["answered_at"]),
    )


async def get_offer(tx: Tx, offer_id: int) -> PlaceOffer | None:
    row = await fetch_one(tx, "SELECT * FROM place_offers WHERE id = ?", (offer_id,))
    return None if row is None else _offer(row)


async def offers_for_session(tx: Tx, session_id: int) -> list[PlaceOffer]:
    return [
        _offer(r)
        for r in await fetch_all(
            tx, "SELECT * FROM place_offers WHERE session_id = ? ORDER BY id", (session_id,)
        )
    ]


async def offers_for_panel(tx: Tx, panel_id: int) -> list[PlaceOffer]:
    """Every offer made for this panel's sessions, oldest first: the chains coordinators see."""
    return [
        _offer(r)
        for r in await fetch_all(
            tx,
            "SELECT o.* FROM place_offers o JOIN sessions s ON s.id = o.session_id "
            "WHERE s.panel_id = ? ORDER BY o.id",
            (panel_id,),
        )
    ]


async def open_offers(tx: Tx, panel_ids: Sequence[int]) -> dict[int, list[PlaceOffer]]:
    """Offers not yet answered, oldest first, by panel id."""
    found: dict[int, list[PlaceOffer]] = {panel_id: [] for panel_id in panel_ids}
    for ids in chunked(panel_ids):
        for r in await fetch_all(
            tx,
            "SELECT s.panel_id AS of_panel, o.* FROM place_offers o "
            "JOIN sessions s ON s.id = o.session_id "
            f"WHERE s.panel_id IN ({marks(len(ids))}) AND o.status = 'offered' ORDER BY o.id",
            ids,
        ):
            found[r["of_panel"]].append(_offer(r))
    return found


async def add_offer(tx: Tx, session_id: int, application_id: int, now: datetime) -> int:
    cursor = await tx.execute(
        "INSERT INTO place_offers (session_id, application_id, created_at) VALUES (?, ?, ?)",
        (session_id, application_id, to_db(now)),
    )
    return int(cursor.lastrowid or 0)


async def answer_offer(tx: Tx, offer_id: int, status: str, now: datetime) -> None:
    await tx.execute(
        "UPDATE place_offers SET status = ?, answered_at = ? WHERE id = ?",
        (status, to_db(now), offer_id),
    )
