"""Broadcasts and their delivery ledger: one row per recipient, settled as each message goes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.store.db import fetch_all, fetch_one
from bot.store.tx import Tx
from bot.timeutil import to_db

SETTLED = ("delivered", "failed", "blocked")


@dataclass(frozen=True)
class Broadcast:
    id: int
    panel_id: int
    coordinator_id: int
    text: str
    audience: str | None
    status: str
    progress_chat_id: int | None
    progress_message_id: int | None
    skipped: int
    session_id: int | None = None
    chosen: bool = False


@dataclass(frozen=True)
class Recipient:
    volunteer_id: int
    chat_id: int


def _broadcast(row: aiosqlite.Row) -> Broadcast:
    return Broadcast(
        id=row["id"],
        panel_id=row["panel_id"],
        coordinator_id=row["coordinator_id"],
        text=row["text"],
        audience=row["audience"],
        status=row["status"],
        progress_chat_id=row["progress_chat_id"],
        progress_message_id=row["progress_message_id"],
        skipped=row["skipped"],
        session_id=row["session_id"],
        chosen=bool(row["chosen"]),
    )


async def create(tx: Tx, panel_id: int, coordinator_id: int, text: str, now: datetime) -> int:
    cursor = await tx.execute(
        "INSERT INTO broadcasts (panel_id, coordinator_id, text, created_at) VALUES (?, ?, ?, ?)",
        (panel_id, coordinator_id, text, to_db(now)),
    )
    return int(cursor.lastrowid or 0)


async def get(tx: Tx, broadcast_id: int) -> Broadcast | None:
    row = await fetch_one(tx, "SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
    return None if row is None else _broadcast(row)


async def set_audience(
    tx: Tx,
    broadcast_id: int,
    audience: str,
    session_id: int | None = None,
    *,
    chosen: bool = False,
) -> None:
    await tx.execute(
        "UPDATE broadcasts SET audience = ?, session_id = ?, chosen = ? WHERE id = ?",
        (audience, session_id, int(chosen), broadcast_id),
    )


async def choosable(tx: Tx, panel_id: int, statuses: Sequence[str]) -> list[tuple[int, str]]:
    """(volunteer id, name) of those the bot can reach with one of `statuses`, by name."""
    marks = ", ".join("?" for _ in statuses)
    found = await fetch_all(
        tx,
        "SELECT v.id, coalesce(v.name, '') AS name FROM applications a "
        "JOIN volunteers v ON v.id = a.volunteer_id "
        f"WHERE a.panel_id = ? AND a.status IN ({marks}) AND NOT v.unreachable "
        "ORDER BY lower(coalesce(v.name, '')), v.id",
        (panel_id, *statuses),
    )
    return [(int(row["id"]), str(row["name"])) for row in found]


async def ticked(tx: Tx, broadcast_id: int) -> set[int]:
    found = await fetch_all(
        tx, "SELECT volunteer_id FROM broadcast_chosen WHERE broadcast_id = ?", (broadcast_id,)
    )
    return {int(row["volunteer_id"]) for row in found}


async def tick(tx: Tx, broadcast_id: int, volunteer_id: int) -> None:
    """Tick a person, or untick them if they were ticked."""
    cursor = await tx.execute(
        "DELETE FROM broadcast_chosen WHERE broadcast_id = ? AND volunteer_id = ?",
        (broadcast_id, volunteer_id),
    )
    if cursor.rowcount == 0:
        await tx.execute(
            "INSERT INTO broadcast_chosen (broadcast_id, volunteer_id) VALUES (?, ?)",
            (broadcast_id, volunteer_id),
        )


async def stop_unsent(tx: Tx, broadcast_id: int, reason: str, now: datetime) -> None:
    """A broadcast that will not go (its panel closed before its time): nobody gets it."""
    await tx.execute(
        "UPDATE broadcasts SET status = 'dropped', stopped_reason = ?, finished_at = ? "
        "WHERE id = ? AND status = 'sending'",
        (reason, to_db(now), broadcast_id),
    )
    await tx.execute(
        "DELETE FROM broadcast_deliveries WHERE broadcast_id = ? AND state = 'queued'",
        (broadcast_id,),
    )


async def drop(tx: Tx, broadcast_id: int) -> None:
    await tx.execute(
        "UPDATE broadcasts SET status = 'dropped' WHERE id = ? AND status = 'draft'",
        (broadcast_id,),
    )


async def start(
    tx: Tx,
    broadcast_id: int,
    volunteer_ids: Sequence[int],
    *,
    skipped: int,
    progress_chat_id: int,
    progress_message_id: int | None,
    now: datetime,
    not_before: datetime | None = None,
) -> None:
    """Fix who it goes to and mark it sending (from `not_before`, when quiet hours hold it).
    The ledger rows make it restart-safe."""
    await tx.execute(
        "UPDATE broadcasts SET status = 'sending', skipped = ?, progress_chat_id = ?, "
        "progress_message_id = ?, started_at = ?, not_before = ? WHERE id = ?",
        (
            skipped,
            progress_chat_id,
            progress_message_id,
            to_db(now),
            None if not_before is None else to_db(not_before),
            broadcast_id,
        ),
    )
    await tx.executemany(
        "INSERT INTO broadcast_deliveries (broadcast_id, volunteer_id, position) VALUES (?, ?, ?) "
        "ON CONFLICT (broadcast_id, volunteer_id) DO NOTHING",
        [(broadcast_id, volunteer_id, n) for n, volunteer_id in enumerate(volunteer_ids)],
    )


async def sending(tx: Tx, now: datetime) -> list[int]:
    """Broadcasts to send now: those sending, and those quiet hours held until now."""
    return [
        int(row["id"])
        for row in await fetch_all(
            tx,
            "SELECT id FROM broadcasts WHERE status = 'sending' "
            "AND (not_before IS NULL OR not_before <= ?) ORDER BY id",
            (to_db(now),),
        )
    ]


async def finish(tx: Tx, broadcast_id: int, now: datetime) -> None:
    await tx.execute(
        "UPDATE broadcasts SET status = 'done', finished_at = ? WHERE id = ?",
        (to_db(now), broadcast_id),
    )


async def requeue_interrupted(tx: Tx, broadcast_id: int) -> int:
    """A message claimed but never settled was in flight when the bot stopped. It is sent
    again: a person may get it twice (if it had arrived), but nobody goes without it."""
    cursor = await tx.execute(
        "UPDATE broadcast_deliveries SET state = 'queued' "
        "WHERE broadcast_id = ? AND state = 'sending'",
        (broadcast_id,),
    )
    return cursor.rowcount


async def claim(tx: Tx, broadcast_id: int, count: int) -> list[Recipient]:
    """The next `count` people still to be sent to (fewer near the end), marked as being
    sent to."""
    rows = await fetch_all(
        tx,
        "SELECT d.volunteer_id, v.chat_id FROM broadcast_deliveries d "
        "JOIN volunteers v ON v.id = d.volunteer_id "
        "WHERE d.broadcast_id = ? AND d.state = 'queued' ORDER BY d.position LIMIT ?",
        (broadcast_id, count),
    )
    claimed = [Recipient(row["volunteer_id"], row["chat_id"]) for row in rows]
    if claimed:
        await tx.executemany(
            "UPDATE broadcast_deliveries SET state = 'sending' "
            "WHERE broadcast_id = ? AND volunteer_id = ?",
            [(broadcast_id, who.volunteer_id) for who in claimed],
        )
    return claimed


async def settle(
    tx: Tx, broadcast_id: int, settled: Sequence[tuple[int, str]], now: datetime
) -> None:
    """How each (volunteer id, state) message went."""
    if any(state not in SETTLED for _, state in settled):
        raise ValueError(f"not a settled state: {[state for _, state in settled]}")
    if settled:
        await tx.executemany(
            "UPDATE broadcast_deliveries SET state = ?, settled_at = ? "
            "WHERE broadcast_id = ? AND volunteer_id = ?",
            [(state, to_db(now), broadcast_id, volunteer_id) for volunteer_id, state in settled],
        )


async def counts(tx: Tx, broadcast_id: int) -> dict[str, int]:
    found = {
        row["state"]: int(row["n"])
        for row in await fetch_all(
            tx,
            "SELECT state, count(*) AS n FROM broadcast_deliveries WHERE broadcast_id = ? "
            "GROUP BY state",
            (broadcast_id,),
        )
    }
    return {state: found.get(state, 0) for state in ("queued", "sending", *SETTLED)}


async def audience(tx: Tx, panel_id: int, statuses: Sequence[str]) -> tuple[list[int], int]:
    """Volunteers on the panel with one of `statuses`, in sign-up order: those the bot can
    reach, and how many blocked it."""
    marks = ", ".join("?" for _ in statuses)
    cursor = await tx.execute(
        "SELECT v.id, v.unreachable FROM applications a JOIN volunteers v ON v.id = a.volunteer_id "
        f"WHERE a.panel_id = ? AND a.status IN ({marks}) ORDER BY a.submitted_at, a.id",
        (panel_id, *statuses),
    )
    return _split(await cursor.fetchall())


async def session_audience(tx: Tx, panel_id: int, session_id: int) -> tuple[list[int], int]:
    """Those with a place who are expected at this session: not a No to it (nor to
    interviews, for an interview), in sign-up order; reachable, and how many blocked it."""
    cursor = await tx.execute(
        "SELECT v.id, v.unreachable FROM applications a JOIN volunteers v ON v.id = a.volunteer_id "
        "JOIN sessions s ON s.id = ? AND s.panel_id = a.panel_id "
        "WHERE a.panel_id = ? AND a.status = 'confirmed' "
        "AND NOT (s.kind = 'interview' AND a.interviews = 0) "
        "AND NOT EXISTS (SELECT 1 FROM availability av WHERE av.application_id = a.id "
        "AND av.session_id = s.id AND av.answer = 'no') ORDER BY a.submitted_at, a.id",
        (session_id, panel_id),
    )
    return _split(await cursor.fetchall())


def _split(found: Iterable[aiosqlite.Row]) -> tuple[list[int], int]:
    reachable: list[int] = []
    unreachable = 0
    for row in found:
        if row["unreachable"]:
            unreachable += 1
        else:
            reachable.append(int(row["id"]))
    return reachable, unreachable
