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


_SNAPSHOT = (
    "INSERT OR REPLACE INTO session_snapshots (session_id, version, starts_at, ends_at, venue, "
    "online_link, cancelled, changed_at) "
    "SELECT s.id, s.version, s.starts_at, s.ends_at, s.venue, s.online_link, s.cancelled, ? "
    "FROM sessions s WHERE "
)


async def sync(tx: Tx, now: datetime) -> list[int]:
    """Raise the version of every session that changed since its snapshot; return their ids.

    Snapshots are copied inside SQLite, never through Python: the first tick on a big
    database (or after an upgrade) has a snapshot to make for every session."""
    changed = [
        row["id"]
        for row in await fetch_all(
            tx,
            "SELECT s.id FROM sessions s JOIN session_snapshots n "
            "ON n.session_id = s.id AND n.version = s.version WHERE "
            + " OR ".join(f"s.{name} IS NOT n.{name}" for name in COMPARED)
            + " ORDER BY s.id",
        )
    ]
    at = to_db(now)
    for ids in chunked(changed):
        await tx.execute(
            f"UPDATE sessions SET version = version + 1 WHERE id IN ({marks(len(ids))})", ids
        )
        await tx.execute(f"{_SNAPSHOT}s.id IN ({marks(len(ids))})", (at, *ids))
    await need_states.sessions_moved(tx, changed)
    # Sessions never seen before.
    await tx.execute(
        f"{_SNAPSHOT}NOT EXISTS (SELECT 1 FROM session_snapshots n "
        "WHERE n.session_id = s.id AND n.version = s.version)",
        (at,),
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
