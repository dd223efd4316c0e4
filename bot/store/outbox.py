"""Notices written now and sent later by the scheduler: not before a given time, and outside
quiet hours unless urgent. Use `enqueue` from any use case whose notice can wait (a change
notice written at 11 p.m., say); the scheduler's tick sends it and records its key in the
ledger, so it goes at most once. A queued notice to someone who has since withdrawn, been
declined or been erased is dropped. A decision (`for_status`) goes only while the person's
status is still the one it tells them of; `pending_decisions` and `drop_decisions` let a
coordinator see and undo decisions not sent yet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.replies import Button, Document, Reply
from bot.store.db import fetch_all, fetch_one
from bot.store.tx import Tx
from bot.timeutil import from_db, to_db


@dataclass(frozen=True)
class OutboxItem:
    id: int
    key: str
    chat_id: int
    panel_id: int | None
    volunteer_id: int | None
    application_id: int | None
    reply: Reply
    not_before: datetime
    urgent: bool
    for_status: str | None = None
    told_status: str | None = None


def _reply_json(reply: Reply) -> str:
    return json.dumps(
        {
            "text": reply.text,
            "buttons": [[[b.label, b.data] for b in row] for row in reply.buttons],
            "filename": reply.document.filename if reply.document else None,
            "caption": reply.document.caption if reply.document else None,
        },
        ensure_ascii=False,
    )


def _reply(raw: str, document: bytes | None) -> Reply:
    data = json.loads(raw)
    buttons = tuple(tuple(Button(label, value) for label, value in row) for row in data["buttons"])
    attached = (
        Document(data["filename"], document or b"", data["caption"])
        if data["filename"] is not None
        else None
    )
    return Reply(data["text"], buttons, attached)


async def enqueue(
    tx: Tx,
    *,
    key: str,
    chat_id: int,
    reply: Reply,
    not_before: datetime,
    now: datetime,
    urgent: bool = False,
    panel_id: int | None = None,
    volunteer_id: int | None = None,
    application_id: int | None = None,
    for_status: str | None = None,
    told_status: str | None = None,
) -> bool:
    """Queue a notice; False if one with this key was queued or sent before."""
    if await fetch_one(tx, "SELECT 1 FROM sent_ledger WHERE key = ?", (key,)) is not None:
        return False
    cursor = await tx.execute(
        "INSERT OR IGNORE INTO outbox (key, chat_id, panel_id, volunteer_id, application_id, "
        "reply_json, document, not_before, urgent, created_at, for_status, "
        "told_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            key,
            chat_id,
            panel_id,
            volunteer_id,
            application_id,
            _reply_json(reply),
            reply.document.content if reply.document else None,
            to_db(not_before),
            int(urgent),
            to_db(now),
            for_status,
            told_status,
        ),
    )
    return cursor.rowcount == 1


def _item(r: aiosqlite.Row) -> OutboxItem:
    return OutboxItem(
        id=r["id"],
        key=r["key"],
        chat_id=r["chat_id"],
        panel_id=r["panel_id"],
        volunteer_id=r["volunteer_id"],
        application_id=r["application_id"],
        reply=_reply(r["reply_json"], r["document"]),
        not_before=from_db(r["not_before"]),
        urgent=bool(r["urgent"]),
        for_status=r["for_status"],
        told_status=r["told_status"],
    )


async def due(tx: Tx, now: datetime) -> list[OutboxItem]:
    return [
        _item(r)
        for r in await fetch_all(
            tx, "SELECT * FROM outbox WHERE not_before <= ? ORDER BY not_before, id", (to_db(now),)
        )
    ]


async def pending_decisions(tx: Tx, panel_id: int) -> list[OutboxItem]:
    """A panel's decisions not sent yet, oldest first."""
    return [
        _item(r)
        for r in await fetch_all(
            tx,
            "SELECT * FROM outbox WHERE panel_id = ? AND for_status IS NOT NULL "
            "ORDER BY not_before, id",
            (panel_id,),
        )
    ]


async def pending_decision_for(tx: Tx, application_id: int) -> OutboxItem | None:
    row = await fetch_one(
        tx,
        "SELECT * FROM outbox WHERE application_id = ? AND for_status IS NOT NULL",
        (application_id,),
    )
    return None if row is None else _item(row)


async def drop_decisions(tx: Tx, application_id: int) -> None:
    await tx.execute(
        "DELETE FROM outbox WHERE application_id = ? AND for_status IS NOT NULL",
        (application_id,),
    )


async def send_decisions_from(tx: Tx, panel_id: int, keys: list[str], moment: datetime) -> None:
    """Bring these held decisions forward to `moment` (quiet hours still hold them)."""
    await tx.executemany(
        "UPDATE outbox SET not_before = ? WHERE panel_id = ? AND key = ? AND not_before > ?",
        [(to_db(moment), panel_id, key, to_db(moment)) for key in keys],
    )


async def remove(tx: Tx, key: str) -> None:
    await tx.execute("DELETE FROM outbox WHERE key = ?", (key,))


async def held_decisions(tx: Tx, panel_id: int, now: datetime) -> set[int]:
    """Applications of this panel whose decision is still held (not due yet)."""
    return {
        int(r["application_id"])
        for r in await fetch_all(
            tx,
            "SELECT application_id FROM outbox WHERE panel_id = ? AND for_status IS NOT NULL "
            "AND application_id IS NOT NULL AND not_before > ?",
            (panel_id, to_db(now)),
        )
    }


async def decisions_recorded(tx: Tx, application_id: int) -> int:
    """How many decisions about this person reached the ledger (sent or skipped)."""
    row = await fetch_one(
        tx,
        "SELECT count(*) AS n FROM sent_ledger WHERE key LIKE ?",
        (f"decision:{application_id}:%",),
    )
    return int(row["n"]) if row is not None else 0
