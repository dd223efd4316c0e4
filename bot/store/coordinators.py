"""Coordinators added on the command line, what each is typing for, and the audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.store.db import fetch_all, fetch_one
from bot.store.tx import Tx
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


async def add(tx: Tx, telegram_id: int, now: datetime) -> bool:
    """Add one who owns every panel (widening one limited to some); False if they did already."""
    if await owns_every_panel(tx, telegram_id):
        return False
    await tx.execute(
        "INSERT INTO coordinators (telegram_id, added_at) VALUES (?, ?) "
        "ON CONFLICT (telegram_id) DO NOTHING",
        (telegram_id, to_db(now)),
    )
    await give_every_panel(tx, telegram_id)
    return True


async def add_to_panel(tx: Tx, telegram_id: int, panel_id: int, role: str, now: datetime) -> bool:
    """Give one panel, as "owner" or "helper"; False if they already own every panel (which
    this would narrow: remove them first). A new coordinator sees only their listed panels."""
    await tx.execute(
        "INSERT INTO coordinators (telegram_id, added_at, every_panel) VALUES (?, ?, 0) "
        "ON CONFLICT (telegram_id) DO NOTHING",
        (telegram_id, to_db(now)),
    )
    if await owns_every_panel(tx, telegram_id):
        return False
    await tx.execute(
        "INSERT INTO coordinator_panels (telegram_id, panel_id, role) VALUES (?, ?, ?) "
        "ON CONFLICT (telegram_id, panel_id) DO UPDATE SET role = excluded.role",
        (telegram_id, panel_id, role),
    )
    return True


async def give_every_panel(tx: Tx, telegram_id: int) -> None:
    await tx.execute("DELETE FROM coordinator_panels WHERE telegram_id = ?", (telegram_id,))
    await tx.execute(
        "UPDATE coordinators SET every_panel = 1 WHERE telegram_id = ?", (telegram_id,)
    )


async def owns_every_panel(tx: Tx, telegram_id: int) -> bool:
    row = await fetch_one(
        tx, "SELECT every_panel FROM coordinators WHERE telegram_id = ?", (telegram_id,)
    )
    return row is not None and bool(row["every_panel"])


async def remove_from_panel(tx: Tx, telegram_id: int, panel_id: int) -> bool:
    """Take one panel away; someone left with no panel is no longer a coordinator."""
    cursor = await tx.execute(
        "DELETE FROM coordinator_panels WHERE telegram_id = ? AND panel_id = ?",
        (telegram_id, panel_id),
    )
    left = await fetch_one(
        tx, "SELECT 1 FROM coordinator_panels WHERE telegram_id = ?", (telegram_id,)
    )
    if cursor.rowcount > 0 and left is None and not await owns_every_panel(tx, telegram_id):
        await remove(tx, telegram_id)
    return cursor.rowcount > 0


async def panel_roles(tx: Tx, telegram_id: int) -> dict[int, str]:
    """Panel id to "owner" or "helper", for a coordinator limited to some panels."""
    return {
        int(row["panel_id"]): str(row["role"])
        for row in await fetch_all(
            tx,
            "SELECT panel_id, role FROM coordinator_panels WHERE telegram_id = ?",
            (telegram_id,),
        )
    }


async def with_panel(tx: Tx, panel_id: int, *, owners_only: bool) -> list[int]:
    """Those listed who may see this panel (or, with owners_only, its health data)."""
    return [
        int(row["telegram_id"])
        for row in await fetch_all(
            tx,
            "SELECT c.telegram_id FROM coordinators c WHERE c.every_panel = 1 OR EXISTS ("
            "SELECT 1 FROM coordinator_panels p WHERE p.telegram_id = c.telegram_id "
            "AND p.panel_id = ? AND (p.role = 'owner' OR NOT ?)) ORDER BY c.telegram_id",
            (panel_id, owners_only),
        )
    ]


async def remove(tx: Tx, telegram_id: int) -> bool:
    cursor = await tx.execute("DELETE FROM coordinators WHERE telegram_id = ?", (telegram_id,))
    await tx.execute("DELETE FROM coordinator_inputs WHERE telegram_id = ?", (telegram_id,))
    return cursor.rowcount > 0


async def listed(tx: Tx) -> list[int]:
    return [
        int(row["telegram_id"])
        for row in await fetch_all(tx, "SELECT telegram_id FROM coordinators ORDER BY telegram_id")
    ]


async def is_listed(tx: Tx, telegram_id: int) -> bool:
    return (
        await fetch_one(tx, "SELECT 1 FROM coordinators WHERE telegram_id = ?", (telegram_id,))
        is not None
    )


# --- what a coordinator is typing for -------------------------------------------------------


async def pending_input(tx: Tx, telegram_id: int) -> PendingInput | None:
    row = await fetch_one(
        tx, "SELECT kind, data FROM coordinator_inputs WHERE telegram_id = ?", (telegram_id,)
    )
    return None if row is None else PendingInput(row["kind"], json.loads(row["data"]))


async def expect_input(
    tx: Tx, telegram_id: int, kind: str, data: dict[str, Any], now: datetime
) -> None:
    await tx.execute(
        "INSERT INTO coordinator_inputs (telegram_id, kind, data, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (telegram_id) DO UPDATE SET kind = excluded.kind, data = excluded.data, "
        "updated_at = excluded.updated_at",
        (telegram_id, kind, json.dumps(data), to_db(now)),
    )


async def clear_input(tx: Tx, telegram_id: int) -> bool:
    cursor = await tx.execute(
        "DELETE FROM coordinator_inputs WHERE telegram_id = ?", (telegram_id,)
    )
    return cursor.rowcount > 0


# --- the audit log --------------------------------------------------------------------------


async def audit(
    tx: Tx,
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
    tx: Tx, *, panel_code: str | None = None, limit: int | None = None
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
