"""Coordinators added on the command line, what each is typing for, and the audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.store.db import fetch_all, fetch_one
from bot.timeutil import from_db, to_db


@dataclass(frozen=True)
class PendingInput:
    """A coordinator's next typed message is for this (e.g. kind "broadcast", data panel_id)."""

    kind: str
    data: dict[str, Any]


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    coordinator_id: int
    action: str
    panel_code: str | None
    volunteer_id: int | None
    detail: str


# --- who is a coordinator -------------------------------------------------------------------


async def add(tx: aiosqlite.Connection, telegram_id: int, now: datetime) -> bool:
    """Add one; False if they were already in the table."""
    cursor = await tx.execute(
        "INSERT INTO coordinators (telegram_id, added_at) VALUES (?, ?) "
        "ON CONFLICT (telegram_id) DO NOTHING",
        (telegram_id, to_db(now)),
    )
    return cursor.rowcount > 0


async def remove(tx: aiosqlite.Connection, telegram_id: int) -> bool:
    cursor = await tx.execute("DELETE FROM coordinators WHERE telegram_id = ?", (telegram_id,))
    await tx.execute("DELETE FROM coordinator_inputs WHERE telegram_id = ?", (telegram_id,))
    return cursor.rowcount > 0


async def listed(tx: aiosqlite.Connection) -> list[int]:
    return [
        int(row["telegram_id"])
        for row in await fetch_all(tx, "SELECT telegram_id FROM coordinators ORDER BY telegram_id")
    ]


async def is_listed(tx: aiosqlite.Connection, telegram_id: int) -> bool:
    return (
        await fetch_one(tx, "SELECT 1 FROM coordinators WHERE telegram_id = ?", (telegram_id,))
        is not None
    )


# --- what a coordinator is typing for -------------------------------------------------------


async def pending_input(tx: aiosqlite.Connection, telegram_id: int) -> PendingInput | None:
    row = await fetch_one(
        tx, "SELECT kind, data FROM coordinator_inputs WHERE telegram_id = ?", (telegram_id,)
    )
    return None if row is None else PendingInput(row["kind"], json.loads(row["data"]))


async def expect_input(
    tx: aiosqlite.Connection, telegram_id: int, kind: str, data: dict[str, Any], now: datetime
) -> None:
    await tx.execute(
        "INSERT INTO coordinator_inputs (telegram_id, kind, data, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (telegram_id) DO UPDATE SET kind = excluded.kind, data = excluded.data, "
        "updated_at = excluded.updated_at",
        (telegram_id, kind, json.dumps(data), to_db(now)),
    )


async def clear_input(tx: aiosqlite.Connection, telegram_id: int) -> bool:
    cursor = await tx.execute(
        "DELETE FROM coordinator_inputs WHERE telegram_id = ?", (telegram_id,)
    )
    return cursor.rowcount > 0


# --- the audit log --------------------------------------------------------------------------


async def audit(
    tx: aiosqlite.Connection,
    now: datetime,
    coordinator_id: int,
    action: str,
    *,
    panel_code: str | None = None,
    volunteer_id: int | None = None,
    detail: str = "",
) -> None:
    await tx.execute(
        "INSERT INTO audit_log (at, coordinator_id, action, panel_code, volunteer_id, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (to_db(now), coordinator_id, action, panel_code, volunteer_id, detail),
    )


async def audit_entries(
    tx: aiosqlite.Connection, *, panel_code: str | None = None, limit: int | None = None
) -> list[AuditEntry]:
    """Oldest first; with a limit, the newest `limit` entries."""
    where = "WHERE panel_code = ? COLLATE NOCASE" if panel_code else ""
    params: tuple[Any, ...] = (panel_code,) if panel_code else ()
    return [
        AuditEntry(
            from_db(row["at"]),
            row["coordinator_id"],
            row["action"],
            row["panel_code"],
            row["volunteer_id"],
            row["detail"],
        )
        for row in await fetch_all(
            tx,
            f"SELECT * FROM (SELECT * FROM audit_log {where} ORDER BY at DESC, id DESC LIMIT ?) "
            "ORDER BY at, id",
            (*params, -1 if limit is None else limit),
        )
    ]
