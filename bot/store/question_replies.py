"""The thread of each question: what volunteers asked and what coordinators answered."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

import aiosqlite

from bot.store.db import fetch_all, fetch_one
from bot.store.tx import Tx
from bot.timeutil import from_db, to_db


@dataclass(frozen=True)
class Answer:
    coordinator_id: int
    text: str
    sent_at: datetime


@dataclass(frozen=True)
class Question:
    id: int
    panel_id: int | None
    volunteer_id: int
    text: str
    asked_at: datetime
    answers: tuple[Answer, ...] = field(default=())


async def _answers(tx: Tx, question_id: int) -> tuple[Answer, ...]:
    return tuple(
        Answer(row["coordinator_id"], row["text"], from_db(row["sent_at"]))
        for row in await fetch_all(
            tx,
            "SELECT coordinator_id, text, sent_at FROM question_replies WHERE question_id = ? "
            "ORDER BY id",
            (question_id,),
        )
    )


async def _question(tx: Tx, row: aiosqlite.Row) -> Question:
    return Question(
        row["id"],
        row["panel_id"],
        row["volunteer_id"],
        row["text"],
        from_db(row["asked_at"]),
        await _answers(tx, row["id"]),
    )


async def get(tx: Tx, question_id: int) -> Question | None:
    row = await fetch_one(tx, "SELECT * FROM questions WHERE id = ?", (question_id,))
    return None if row is None else await _question(tx, row)


async def recent(tx: Tx, limit: int, panel_ids: Collection[int] | None = None) -> list[Question]:
    """The newest questions, oldest of them first; with panel_ids, only those about these
    panels or about none."""
    where = ""
    if panel_ids is not None:
        where = f"WHERE panel_id IS NULL OR panel_id IN ({','.join('?' * len(panel_ids))})"
    return [
        await _question(tx, row)
        for row in await fetch_all(
            tx,
            f"SELECT * FROM (SELECT * FROM questions {where} ORDER BY id DESC LIMIT ?) ORDER BY id",
            (*(panel_ids or ()), limit),
        )
    ]


async def add_answer(
    tx: Tx, question_id: int, coordinator_id: int, text: str, now: datetime
) -> None:
    await tx.execute(
        "INSERT INTO question_replies (question_id, coordinator_id, text, sent_at) "
        "VALUES (?, ?, ?, ?)",
        (question_id, coordinator_id, text, to_db(now)),
    )
