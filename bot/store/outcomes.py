"""The end of a panel: scoring finished, the award and when it may be announced, feedback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.store.db import fetch_all, fetch_one
from bot.store.sql import chunked, marks
from bot.store.tx import Tx
from bot.timeutil import from_db, from_db_optional, to_db

QUESTIONS = ("information", "support", "time_given", "say_mattered", "again")


@dataclass(frozen=True)
class PanelOutcome:
    panel_id: int
    scoring_finished_at: datetime | None
    awarded_to: str | None
    announce_at: datetime | None
    note: str | None


@dataclass(frozen=True)
class Feedback:
    application_id: int
    panel_id: int
    invited_at: datetime
    answers: dict[str, str | None]
    comment: str | None
    future_panels: str | None

    @property
    def started(self) -> bool:
        return any(self.answers.values()) or self.comment is not None or bool(self.future_panels)


def _outcome(panel_id: int, row: aiosqlite.Row | None) -> PanelOutcome:
    if row is None:
        return PanelOutcome(panel_id, None, None, None, None)
    return PanelOutcome(
        panel_id=panel_id,
        scoring_finished_at=from_db_optional(row["scoring_finished_at"]),
        awarded_to=row["awarded_to"],
        announce_at=from_db_optional(row["announce_at"]),
        note=row["note"],
    )


async def get(tx: Tx, panel_id: int) -> PanelOutcome:
    return _outcome(
        panel_id, await fetch_one(tx, "SELECT * FROM outcomes WHERE panel_id = ?", (panel_id,))
    )


async def for_panels(tx: Tx, panel_ids: Sequence[int]) -> dict[int, PanelOutcome]:
    rows: dict[int, aiosqlite.Row] = {}
    for ids in chunked(panel_ids):
        rows.update(
            (r["panel_id"], r)
            for r in await fetch_all(
                tx, f"SELECT * FROM outcomes WHERE panel_id IN ({marks(len(ids))})", ids
            )
        )
    return {panel_id: _outcome(panel_id, rows.get(panel_id)) for panel_id in panel_ids}


async def finish_scoring(tx: Tx, panel_id: int, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO outcomes (panel_id, scoring_finished_at) VALUES (?, ?) "
        "ON CONFLICT (panel_id) DO UPDATE SET "
        "scoring_finished_at = COALESCE(scoring_finished_at, excluded.scoring_finished_at)",
        (panel_id, to_db(now)),
    )


async def record_award(
    tx: Tx,
    panel_id: int,
    *,
    awarded_to: str,
    announce_at: datetime,
    note: str | None,
    now: datetime,
) -> None:
    await tx.execute(
        "UPDATE outcomes SET awarded_to = ?, announce_at = ?, note = ?, award_recorded_at = ? "
        "WHERE panel_id = ?",
        (awarded_to, to_db(announce_at), note, to_db(now), panel_id),
    )


def _feedback(row: aiosqlite.Row) -> Feedback:
    return Feedback(
        application_id=row["application_id"],
        panel_id=row["panel_id"],
        invited_at=from_db(row["invited_at"]),
        answers={question: row[question] for question in QUESTIONS},
        comment=row["comment"],
        future_panels=row["future_panels"],
    )


async def invite(tx: Tx, application_id: int, panel_id: int, now: datetime) -> None:
    await tx.execute(
        "INSERT OR IGNORE INTO feedback (application_id, panel_id, invited_at) VALUES (?, ?, ?)",
        (application_id, panel_id, to_db(now)),
    )


async def feedback(tx: Tx, application_id: int) -> Feedback | None:
    row = await fetch_one(tx, "SELECT * FROM feedback WHERE application_id = ?", (application_id,))
    return None if row is None else _feedback(row)


async def feedback_for_panel(tx: Tx, panel_id: int) -> list[Feedback]:
    return [
        _feedback(r)
        for r in await fetch_all(
            tx,
            "SELECT * FROM feedback WHERE panel_id = ? ORDER BY invited_at, application_id",
            (panel_id,),
        )
    ]


async def feedback_for_panels(tx: Tx, panel_ids: Sequence[int]) -> dict[int, list[Feedback]]:
    found: dict[int, list[Feedback]] = {panel_id: [] for panel_id in panel_ids}
    for ids in chunked(panel_ids):
        for r in await fetch_all(
            tx,
            f"SELECT * FROM feedback WHERE panel_id IN ({marks(len(ids))}) "
            "ORDER BY invited_at, application_id",
            ids,
        ):
            found[r["panel_id"]].append(_feedback(r))
    return found


async def answer(tx: Tx, application_id: int, field: str, value: str, now: datetime) -> None:
    if field not in (*QUESTIONS, "comment", "future_panels"):
        raise ValueError(f"not a feedback field: {field}")
    await tx.execute(
        f"UPDATE feedback SET {field} = ?, updated_at = ? WHERE application_id = ?",
        (value, to_db(now), application_id),
    )
