"""Volunteers: who they are, how to reach them, and their support needs."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.model import Volunteer
from bot.store import need_states
from bot.store.db import fetch_all, fetch_one, scrub_after_commit
from bot.store.sql import chunked, marks
from bot.store.tx import Tx
from bot.timeutil import from_db, from_db_optional, to_db

EDITABLE = frozenset(
    {
        "name",
        "role",
        "contact",
        "needs_note",
        "future_panels",
        "unreachable",
        "chat_id",
        "reminders_paused",
    }
)


# A volunteer with their needs: one query, so one trip to the database.
_WHOLE = (
    "SELECT v.*, (SELECT json_group_array(code) FROM needs WHERE volunteer_id = v.id) "
    "AS needs_json FROM volunteers v "
)


def _whole(row: aiosqlite.Row) -> Volunteer:
    return _volunteer(row, frozenset(json.loads(row["needs_json"])))


def _volunteer(row: aiosqlite.Row, needs: frozenset[str]) -> Volunteer:
    return Volunteer(
        id=row["id"],
        telegram_id=row["telegram_id"],
        chat_id=row["chat_id"],
        name=row["name"],
        role=row["role"],
        contact=row["contact"],
        consented_at=from_db(row["consented_at"]),
        needs_consented_at=from_db_optional(row["needs_consented_at"]),
        needs_note=row["needs_note"],
        unreachable=bool(row["unreachable"]),
        future_panels=bool(row["future_panels"]),
        needs=needs,
        reminders_paused=bool(row["reminders_paused"]),
    )


async def by_telegram_id(tx: Tx, telegram_id: int) -> Volunteer | None:
    row = await fetch_one(tx, _WHOLE + "WHERE v.telegram_id = ?", (telegram_id,))
    return None if row is None else _whole(row)


async def get(tx: Tx, volunteer_id: int) -> Volunteer | None:
    row = await fetch_one(tx, _WHOLE + "WHERE v.id = ?", (volunteer_id,))
    return None if row is None else _whole(row)


async def get_many(tx: Tx, volunteer_ids: Iterable[int]) -> dict[int, Volunteer]:
    """Many people at once, by id: two queries per few hundred people."""
    found: dict[int, Volunteer] = {}
    for ids in chunked(sorted(set(volunteer_ids))):
        in_list = marks(len(ids))
        rows = await fetch_all(tx, f"SELECT * FROM volunteers WHERE id IN ({in_list})", ids)
        needs: defaultdict[int, set[str]] = defaultdict(set)
        for r in await fetch_all(
            tx, f"SELECT volunteer_id, code FROM needs WHERE volunteer_id IN ({in_list})", ids
        ):
            needs[r["volunteer_id"]].add(r["code"])
        for row in rows:
            found[row["id"]] = _volunteer(row, frozenset(needs.get(row["id"], ())))
    return found


async def consent(tx: Tx, telegram_id: int, chat_id: int, now: datetime) -> Volunteer:
    """Record consent to store personal details, creating the volunteer if new."""
    await tx.execute(
        "INSERT INTO volunteers (telegram_id, chat_id, consented_at, created_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (telegram_id) DO UPDATE SET "
        "consented_at = excluded.consented_at, chat_id = excluded.chat_id, unreachable = 0",
        (telegram_id, chat_id, to_db(now), to_db(now)),
    )
    volunteer = await by_telegram_id(tx, telegram_id)
    assert volunteer is not None
    return volunteer


async def update(tx: Tx, volunteer_id: int, **fields: object) -> None:
    unknown = fields.keys() - EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    assignments = ", ".join(f"{name} = ?" for name in fields)
    await tx.execute(
        f"UPDATE volunteers SET {assignments} WHERE id = ?", (*fields.values(), volunteer_id)
    )


async def reachable_again(tx: Tx, telegram_id: int) -> bool:
    """Someone marked unreachable (they blocked the bot) has written to it, so they unblocked
    it: reminders and broadcasts reach them again. True if they were unreachable."""
    changed = await tx.execute(
        "UPDATE volunteers SET unreachable = 0 WHERE telegram_id = ? AND unreachable = 1",
        (telegram_id,),
    )
    return changed.rowcount > 0


async def set_needs_consent(tx: Tx, volunteer_id: int, now: datetime | None) -> None:
    """Give (now) or withdraw (None) consent to hold support needs; withdrawing deletes them."""
    await tx.execute(
        "UPDATE volunteers SET needs_consented_at = ? WHERE id = ?",
        (None if now is None else to_db(now), volunteer_id),
    )
    if now is None:
        await need_states.forget(tx, volunteer_id)
        await tx.execute("DELETE FROM needs WHERE volunteer_id = ?", (volunteer_id,))
        await tx.execute("UPDATE volunteers SET needs_note = NULL WHERE id = ?", (volunteer_id,))


async def set_needs(tx: Tx, volunteer_id: int, codes: Iterable[str]) -> None:
    chosen = set(codes)
    had = {r["code"] for r in await fetch_all(
        tx, "SELECT code FROM needs WHERE volunteer_id = ?", (volunteer_id,)
    )}  # fmt: skip
    await need_states.forget(tx, volunteer_id, had ^ chosen)  # changed needs: asked for again
    await tx.execute("DELETE FROM needs WHERE volunteer_id = ?", (volunteer_id,))
    await tx.executemany(
        "INSERT INTO needs (volunteer_id, code) VALUES (?, ?)",
        [(volunteer_id, code) for code in sorted(chosen)],
    )


async def erase(tx: Tx, volunteer_id: int, now: datetime, reason: str) -> None:
    """Delete a person and everything about them; keep only that an erasure happened.

    Their rows in other tables go with them (ON DELETE CASCADE); what is keyed by Telegram id
    is deleted here, and the audit log keeps what coordinators did but no longer who to."""
    await _forget_chat_state(tx, volunteer_id)
    await tx.execute("UPDATE audit_log SET volunteer_id = NULL WHERE volunteer_id = ?",
                     (volunteer_id,))  # fmt: skip
    await tx.execute("DELETE FROM volunteers WHERE id = ?", (volunteer_id,))
    await tx.execute("INSERT INTO erasures (erased_at, reason) VALUES (?, ?)", (to_db(now), reason))
    scrub_after_commit()


async def keep_only_future_wish(tx: Tx, volunteer_id: int) -> None:
    """Someone with no panel left who asked to hear about future panels keeps their name,
    contact and that wish (and the ids to reach them), nothing else."""
    await _forget_chat_state(tx, volunteer_id)
    for sql in (
        "DELETE FROM needs WHERE volunteer_id = ?",
        "DELETE FROM questions WHERE volunteer_id = ?",
        "DELETE FROM coordinator_outbox WHERE volunteer_id = ?",
        "DELETE FROM broadcast_deliveries WHERE volunteer_id = ?",
        "DELETE FROM broadcast_chosen WHERE volunteer_id = ?",
        "DELETE FROM outbox WHERE volunteer_id = ?",
        "UPDATE audit_log SET volunteer_id = NULL WHERE volunteer_id = ?",
        "UPDATE volunteers SET role = NULL, needs_note = NULL, needs_consented_at = NULL "
        "WHERE id = ?",
    ):
        await tx.execute(sql, (volunteer_id,))
    scrub_after_commit()


async def _forget_chat_state(tx: Tx, volunteer_id: int) -> None:
    """Where they were in a chat flow, and a typed answer the bot was waiting for."""
    row = await fetch_one(tx, "SELECT telegram_id FROM volunteers WHERE id = ?", (volunteer_id,))
    if row is None:
        return
    await tx.execute("DELETE FROM journeys WHERE telegram_id = ?", (row["telegram_id"],))
    await tx.execute("DELETE FROM pending_prompts WHERE telegram_id = ?", (row["telegram_id"],))


async def without_applications(tx: Tx) -> list[tuple[int, bool]]:
    """(id, wants future panels) of everyone with no application left who still holds more
    than a person kept for future panels keeps: retention's sweep finds them. (A question a
    kept person asks later is theirs to ask, so it does not count.)"""
    return [
        (row["id"], bool(row["future_panels"]))
        for row in await fetch_all(
            tx,
            "SELECT v.id, v.future_panels FROM volunteers v WHERE NOT EXISTS "
            "(SELECT 1 FROM applications a WHERE a.volunteer_id = v.id) AND (v.future_panels = 0 "
            "OR v.role IS NOT NULL OR v.needs_note IS NOT NULL "
            "OR v.needs_consented_at IS NOT NULL "
            "OR EXISTS (SELECT 1 FROM needs n WHERE n.volunteer_id = v.id))",
        )
    ]
