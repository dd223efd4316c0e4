"""Notices written now and sent later by the scheduler: not before a given time, and outside
quiet hours unless urgent. Use `enqueue` from any use case whose notice can wait (a change
notice written at 11 p.m., say); the scheduler's tick sends it and records its key in the
ledger, so it goes at most once. A queued notice to someone who has since withdrawn, been
declined or been erased is dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.replies import Button, Document, Reply
from bot.store.db import fetch_all, fetch_one
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
    tx: aiosqlite.Connection,
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
) -> bool:
    """Queue a notice; False if one with this key was queued or sent before."""
    if await fetch_one(tx, "SELECT 1 FROM sent_ledger WHERE key = ?", (key,)) is not None:
        return False
    cursor = await tx.execute(
        "INSERT OR IGNORE INTO outbox (key, chat_id, panel_id, volunteer_id, application_id, "
        "reply_json, document, not_before, urgent, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        ),
    )
    return cursor.rowcount == 1


async def due(tx: aiosqlite.Connection, now: datetime) -> list[OutboxItem]:
    return [
        OutboxItem(
            id=r["id"],
            key=r["key"],
            chat_id=r["chat_id"],
            panel_id=r["panel_id"],
            volunteer_id=r["volunteer_id"],
            application_id=r["application_id"],
            reply=_reply(r["reply_json"], r["document"]),
            not_before=from_db(r["not_before"]),
            urgent=bool(r["urgent"]),
        )
        for r in await fetch_all(
            tx, "SELECT * FROM outbox WHERE not_before <= ? ORDER BY not_before, id", (to_db(now),)
        )
    ]


async def remove(tx: aiosqlite.Connection, key: str) -> None:
    await tx.execute("DELETE FROM outbox WHERE key = ?", (key,))
