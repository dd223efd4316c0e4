"""Session versions: a session's version goes up when its time, place, link or cancellation
changes, so that every reminder and notice keyed on the version is fresh.

Versions are raised by comparing each session with a snapshot of its last version, not by
each writer: a change made by any path (a panel file import, a coordinator's command, a fix
made by hand) is noticed the same way, at the latest on the scheduler's next tick.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.store import need_states
from bot.store.db import fetch_all
from bot.store.sql import chunked, marks
from bot.store.tx import Tx
from bot.timeutil import from_db, to_db

COMPARED = ("starts_at", "ends_at", "venue", "online_link", "cancelled")


@dataclass(frozen=True)
class Snapshot:
    session_id: int
    version: int
    starts_at: datetime
    ends_at: datetime
    venue: str | None
    online_link: str | None
    cancelled: bool
    changed_at: datetime


def _snapshot(row: aiosqlite.Row) -> Snapshot:
    return Snapshot(
        session_id=row["session_id"],
        version=row["version"],
        starts_at=from_db(row["starts_at"]),
        ends_at=from_db(row["ends_at"]),
        venue=row["venue"],
        online_link=row["online_link"],
        cancelled=bool(row["cancelled"]),
        changed_at=from_db(row["changed_at"]),
    )


async def sync(tx: Tx, now: datetime) -> list[int]:
    """Raise the version of every session that changed since its snapshot; return their ids."""
    cursor = await tx.execute(
        "SELECT s.id, s.version, s.starts_at, s.ends_at, s.venue, s.online_link, s.cancelled, "
        "n.starts_at AS n_starts_at, n.ends_at AS n_ends_at, n.venue AS n_venue, "
        "n.online_link AS n_online_link, n.cancelled AS n_cancelled, "
        "n.session_id AS n_session_id "
        "FROM sessions s LEFT JOIN session_snapshots n "
        "ON n.session_id = s.id AND n.version = s.version "
        # Only sessions with no snapshot or a different one: a tick reads none of the rest.
        "WHERE n.session_id IS NULL OR "
        + " OR ".join(f"s.{name} IS NOT n.{name}" for name in COMPARED)
    )
    changed: list[int] = []
    snapshots: list[tuple[object, ...]] = []
    for row in await cursor.fetchall():
        version = row["version"]
        if row["n_session_id"] is not None:
            if all(row[name] == row[f"n_{name}"] for name in COMPARED):
                continue
            version += 1
            changed.append(row["id"])
        snapshots.append(
            (
                row["id"],
                version,
                row["starts_at"],
                row["ends_at"],
                row["venue"],
                row["online_link"],
                row["cancelled"],
                to_db(now),
            )
        )
    await tx.executemany(
        "UPDATE sessions SET version = version + 1 WHERE id = ?", [(id_,) for id_ in changed]
    )
    await need_states.sessions_moved(tx, changed)
    await tx.executemany(
        "INSERT OR REPLACE INTO session_snapshots (session_id, version, starts_at, ends_at, "
        "venue, online_link, cancelled, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        snapshots,
    )
    return changed


async def for_panels(
    tx: Tx, panel_ids: Sequence[int]
) -> dict[int, dict[tuple[int, int], Snapshot]]:
    """Every snapshot of each panel's sessions, by panel id, then (session id, version)."""
    found: dict[int, dict[tuple[int, int], Snapshot]] = {panel_id: {} for panel_id in panel_ids}
    for ids in chunked(panel_ids):
        for r in await fetch_all(
            tx,
            "SELECT s.panel_id AS of_panel, n.* FROM session_snapshots n "
            f"JOIN sessions s ON s.id = n.session_id WHERE s.panel_id IN ({marks(len(ids))})",
            ids,
        ):
            found[r["of_panel"]][(r["session_id"], r["version"])] = _snapshot(r)
    return found
