"""Panels and their sessions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import aiosqlite

from bot.model import Panel, Session
from bot.panelfile import PanelSpec
from bot.store.db import fetch_all, fetch_one
from bot.store.sql import chunked, marks
from bot.store.tx import Tx
from bot.timeutil import from_db, to_db


@dataclass(frozen=True)
class SessionChange:
    """A session whose time or place changed when a panel file was imported again."""

    before: Session
    after: Session | None  # None: the session was removed, so it is cancelled


@lru_cache(maxsize=2048)
def _spec(spec_json: str) -> PanelSpec:
    # Parsing and validating a spec costs more than the query that loads it; specs are frozen.
    return PanelSpec.from_json(spec_json)


def _panel(row: aiosqlite.Row, default_tz: ZoneInfo) -> Panel:
    spec = _spec(row["spec_json"])
    return Panel(
        id=row["id"],
        code=row["code"],
        title=row["title"],
        spec=spec,
        stage=row["stage"],
        late_reserves=bool(row["late_reserves"]),
        closes_at=from_db(row["closes_at"]),
        timezone=ZoneInfo(spec.timezone) if spec.timezone else default_tz,
    )


def _session(row: aiosqlite.Row) -> Session:
    return Session(
        id=row["id"],
        panel_id=row["panel_id"],
        key=row["key"],
        position=row["position"],
        kind=row["kind"],
        title=row["title"],
        starts_at=from_db(row["starts_at"]),
        ends_at=from_db(row["ends_at"]),
        venue=row["venue"],
        access=row["access"],
        online_link=row["online_link"],
        optional=bool(row["optional"]),
        cancelled=bool(row["cancelled"]),
        version=row["version"],
    )


async def get_by_code(tx: Tx, code: str, default_tz: ZoneInfo) -> Panel | None:
    row = await fetch_one(tx, "SELECT * FROM panels WHERE code = ? COLLATE NOCASE", (code,))
    return None if row is None else _panel(row, default_tz)


async def get(tx: Tx, panel_id: int, default_tz: ZoneInfo) -> Panel | None:
    row = await fetch_one(tx, "SELECT * FROM panels WHERE id = ?", (panel_id,))
    return None if row is None else _panel(row, default_tz)


async def with_session(
    tx: Tx, session_id: int, default_tz: ZoneInfo
) -> tuple[Panel, Session] | None:
    """A session and the panel it belongs to, in two trips (no joins to unpack by hand)."""
    row = await fetch_one(tx, "SELECT * FROM sessions WHERE id = ?", (session_id,))
    if row is None:
        return None
    panel = await get(tx, row["panel_id"], default_tz)
    return None if panel is None else (panel, _session(row))


async def list_all(tx: Tx, default_tz: ZoneInfo) -> list[Panel]:
    return [
        _panel(row, default_tz)
        for row in await fetch_all(tx, "SELECT * FROM panels ORDER BY closes_at, code")
    ]


async def sessions(tx: Tx, panel_id: int) -> list[Session]:
    return [
        _session(row)
        for row in await fetch_all(
            tx,
            "SELECT * FROM sessions WHERE panel_id = ? ORDER BY starts_at, position",
            (panel_id,),
        )
    ]


async def by_ids(tx: Tx, panel_ids: Iterable[int], default_tz: ZoneInfo) -> dict[int, Panel]:
    found: dict[int, Panel] = {}
    for ids in chunked(sorted(set(panel_ids))):
        for row in await fetch_all(
            tx, f"SELECT * FROM panels WHERE id IN ({marks(len(ids))})", ids
        ):
            found[row["id"]] = _panel(row, default_tz)
    return found


async def sessions_of(tx: Tx, panel_ids: Sequence[int]) -> dict[int, list[Session]]:
    """Each panel's sessions in `sessions` order, by panel id."""
    found: defaultdict[int, list[Session]] = defaultdict(list)
    for ids in chunked(panel_ids):
        for row in await fetch_all(
            tx,
            f"SELECT * FROM sessions WHERE panel_id IN ({marks(len(ids))}) "
            "ORDER BY starts_at, position",
            ids,
        ):
            found[row["panel_id"]].append(_session(row))
    return dict(found)


async def set_stage(tx: Tx, panel_id: int, stage: str, now: datetime) -> None:
    await tx.execute(
        "UPDATE panels SET stage = ?, updated_at = ?, closed_at = CASE WHEN ? = 'closed' "
        "THEN ? ELSE closed_at END WHERE id = ?",
        (stage, to_db(now), stage, to_db(now), panel_id),
    )


async def upsert(tx: Tx, spec: PanelSpec, now: datetime) -> tuple[int, list[SessionChange]]:
    """Create or update a panel from its file; return its id and the sessions that moved."""
    cursor = await tx.execute("SELECT id FROM panels WHERE code = ? COLLATE NOCASE", (spec.code,))
    row = await cursor.fetchone()
    if row is None:
        cursor = await tx.execute(
            "INSERT INTO panels (code, title, spec_json, closes_at, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (spec.code, spec.title, spec.to_json(), to_db(spec.closes), to_db(now), to_db(now)),
        )
        panel_id = int(cursor.lastrowid or 0)
    else:
        panel_id = int(row["id"])
        await tx.execute(
            "UPDATE panels SET code = ?, title = ?, spec_json = ?, closes_at = ?, updated_at = ? "
            "WHERE id = ?",
            (spec.code, spec.title, spec.to_json(), to_db(spec.closes), to_db(now), panel_id),
        )
    before = {session.key: session for session in await sessions(tx, panel_id)}
    for position, item in enumerate(spec.sessions):
        await tx.execute(
            "INSERT INTO sessions (panel_id, key, position, kind, title, starts_at, ends_at, "
            "venue, access, online_link, optional, cancelled) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) "
            "ON CONFLICT (panel_id, key) DO UPDATE SET position = excluded.position, "
            "kind = excluded.kind, title = excluded.title, starts_at = excluded.starts_at, "
            "ends_at = excluded.ends_at, venue = excluded.venue, access = excluded.access, "
            "online_link = excluded.online_link, optional = excluded.optional, cancelled = 0",
            (
                panel_id,
                item.id,
                position,
                item.kind,
                item.title,
                to_db(item.start),
                to_db(item.end),
                item.venue,
                item.access,
                item.online_link,
                int(item.optional),
            ),
        )
    kept = {item.id for item in spec.sessions}
    for key in before.keys() - kept:
        await tx.execute(
            "UPDATE sessions SET cancelled = 1 WHERE panel_id = ? AND key = ?", (panel_id, key)
        )
    after = {session.key: session for session in await sessions(tx, panel_id)}
    changes = [
        SessionChange(before=old, after=None if old.key not in kept else after[old.key])
        for old in before.values()
        if old.key not in kept or _moved(old, after[old.key])
    ]
    return panel_id, changes


def _moved(old: Session, new: Session) -> bool:
    return (old.starts_at, old.ends_at, old.venue, old.online_link, old.cancelled) != (
        new.starts_at,
        new.ends_at,
        new.venue,
        new.online_link,
        new.cancelled,
    )


async def set_late_reserves(tx: Tx, panel_id: int, allowed: bool) -> None:
    """Whether people who sign up after it closed may still join the reserves."""
    await tx.execute("UPDATE panels SET late_reserves = ? WHERE id = ?", (int(allowed), panel_id))
