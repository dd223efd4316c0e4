"""The rest of what is kept about one person, read for /mydata: what the sign-up tables do
not hold (their questions, attendance, answers to reminders, place offers, feedback)."""

from __future__ import annotations

from typing import Any

from bot.store.db import fetch_all
from bot.store.tx import Tx


async def questions(tx: Tx, volunteer_id: int) -> list[dict[str, Any]]:
    rows = await fetch_all(
        tx,
        "SELECT panel_id, text, asked_at FROM questions WHERE volunteer_id = ? ORDER BY id",
        (volunteer_id,),
    )
    return [dict(row) for row in rows]


async def per_session(tx: Tx, application_id: int) -> dict[str, list[dict[str, Any]]]:
    """Attendance, answers to reminders and place offers, each by session id."""
    found: dict[str, list[dict[str, Any]]] = {}
    for table, columns in (
        ("attendance", "session_id, attended, hours, amount_pence"),
        ("session_replies", "session_id, answer, answered_at"),
        ("place_offers", "session_id, status, created_at, answered_at"),
    ):
        rows = await fetch_all(
            tx, f"SELECT {columns} FROM {table} WHERE application_id = ?", (application_id,)
        )
        found[table] = [dict(row) for row in rows]
    return found


FEEDBACK_ANSWERS = ("information", "support", "time_given", "say_mattered", "again")


async def feedback(tx: Tx, application_id: int) -> dict[str, Any] | None:
    rows = await fetch_all(
        tx,
        "SELECT invited_at, information, support, time_given, say_mattered, again, comment, "
        "future_panels FROM feedback WHERE application_id = ?",
        (application_id,),
    )
    return dict(rows[0]) if rows else None
