"""Changes to a session (time, place, cancellation) and whether the people affected were told."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.model import Session
from bot.store import panels
from bot.store.db import fetch_all, fetch_one
from bot.store.tx import Tx
from bot.timeutil import from_db, to_db


@dataclass(frozen=True)
class SessionState:
    """The parts of a session that people are told about when they change."""

    starts_at: datetime
    ends_at: datetime
    venue: str | None
    online_link: str | None
    cancelled: bool

    @classmethod
    def of(cls, session: Session) -> SessionState:
        return cls(
            session.starts_at,
            session.ends_at,
            session.venue,
            session.online_link,
            session.cancelled,
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "starts_at": to_db(self.starts_at),
                "ends_at": to_db(self.ends_at),
                "venue": self.venue,
                "online_link": self.online_link,
                "cancelled": self.cancelled,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> SessionState:
        raw = json.loads(text)
        return cls(
            from_db(raw["starts_at"]),
            from_db(raw["ends_at"]),
            raw["venue"],
            raw["online_link"],
            bool(raw["cancelled"]),
        )


@dataclass(frozen=True)
class SessionChangeRecord:
    id: int
    session_id: int
    source: str  # "chat": applied when sent; "file": already applied by an import
    before: SessionState
    after: SessionState
    status: str  # pending, sent, dropped, replaced
    created_by: int | None
    announced: bool


def _record(row: aiosqlite.Row) -> SessionChangeRecord:
    return SessionChangeRecord(
        id=row["id"],
        session_id=row["session_id"],
        source=row["source"],
        before=SessionState.from_json(row["before_json"]),
        after=SessionState.from_json(row["after_json"]),
        status=row["status"],
        created_by=row["created_by"],
        announced=row["announced_at"] is not None,
    )


async def add(
    tx: Tx,
    session_id: int,
    source: str,
    before: SessionState,
    after: SessionState,
    now: datetime,
    *,
    created_by: int | None = None,
    announced: bool = False,
) -> int:
    cursor = await tx.execute(
        "INSERT INTO session_changes (session_id, source, before_json, after_json, created_by, "
        "created_at, announced_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            session_id,
            source,
            before.to_json(),
            after.to_json(),
            created_by,
            to_db(now),
            to_db(now) if announced else None,
        ),
    )
    return int(cursor.lastrowid or 0)


async def get(tx: Tx, change_id: int) -> SessionChangeRecord | None:
    row = await fetch_one(tx, "SELECT * FROM session_changes WHERE id = ?", (change_id,))
    return None if row is None else _record(row)


async def pending_for_session(tx: Tx, session_id: int, source: str) -> list[SessionChangeRecord]:
    return [
        _record(row)
        for row in await fetch_all(
            tx,
            "SELECT * FROM session_changes "
            "WHERE session_id = ? AND source = ? AND status = 'pending' ORDER BY id",
            (session_id, source),
        )
    ]


async def unannounced(tx: Tx) -> list[SessionChangeRecord]:
    return [
        _record(row)
        for row in await fetch_all(
            tx,
            "SELECT * FROM session_changes WHERE status = 'pending' AND announced_at IS NULL "
            "ORDER BY id",
        )
    ]


async def mark_announced(tx: Tx, change_id: int, now: datetime) -> None:
    await tx.execute(
        "UPDATE session_changes SET announced_at = ? WHERE id = ?", (to_db(now), change_id)
    )


async def decide(
    tx: Tx,
    change_id: int,
    status: str,
    coordinator_id: int | None,
    now: datetime,
) -> bool:
    """Move a pending change to sent, dropped or replaced; False if it was no longer pending."""
    cursor = await tx.execute(
        "UPDATE session_changes SET status = ?, decided_by = ?, decided_at = ? "
        "WHERE id = ? AND status = 'pending'",
        (status, coordinator_id, to_db(now), change_id),
    )
    return cursor.rowcount > 0


async def latest_sent(tx: Tx, session_id: int) -> int | None:
    """The newest change people were told about: only its re-confirm buttons still count."""
    row = await fetch_one(
        tx,
        "SELECT max(id) AS id FROM session_changes WHERE session_id = ? AND status = 'sent'",
        (session_id,),
    )
    return None if row is None or row["id"] is None else int(row["id"])


@dataclass(frozen=True)
class Affected:
    application_id: int
    volunteer_id: int
    chat_id: int
    name: str | None
    answer: str


async def affected(tx: Tx, session_id: int) -> list[Affected]:
    """Everyone still on the panel who said yes or maybe to this session."""
    return [
        Affected(
            row["application_id"], row["volunteer_id"], row["chat_id"], row["name"], row["answer"]
        )
        for row in await fetch_all(
            tx,
            "SELECT a.id AS application_id, v.id AS volunteer_id, v.chat_id, v.name, av.answer "
            "FROM availability av JOIN applications a ON a.id = av.application_id "
            "JOIN volunteers v ON v.id = a.volunteer_id "
            "WHERE av.session_id = ? AND av.answer IN ('yes', 'maybe') "
            "AND a.status IN ('applied', 'confirmed', 'reserve') ORDER BY a.submitted_at, a.id",
            (session_id,),
        )
    ]


async def apply_state(tx: Tx, session_id: int, state: SessionState) -> None:
    await tx.execute(
        "UPDATE sessions SET starts_at = ?, ends_at = ?, venue = ?, online_link = ?, "
        "cancelled = ? WHERE id = ?",
        (
            to_db(state.starts_at),
            to_db(state.ends_at),
            state.venue,
            state.online_link,
            int(state.cancelled),
            session_id,
        ),
    )


async def session(tx: Tx, session_id: int) -> Session | None:
    row = await fetch_one(tx, "SELECT panel_id FROM sessions WHERE id = ?", (session_id,))
    if row is None:
        return None
    return next((s for s in await panels.sessions(tx, row["panel_id"]) if s.id == session_id), None)
