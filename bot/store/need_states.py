"""Marks on support needs (table need_states, 0007): who marked which need, for which
session, as being arranged, arranged or can't be arranged. No row means "asked for".
The rules that read them are in bot/rules/needs.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.rules.needs import ALL_SESSIONS, MarkedState, NeedMark
from bot.store.db import fetch_all
from bot.store.sql import chunked
from bot.store.tx import Tx
from bot.timeutil import from_db, to_db


def _mark(r: aiosqlite.Row) -> NeedMark:
    return NeedMark(
        application_id=r["application_id"],
        need=r["need"],
        session_id=r["session_id"],
        session_version=r["session_version"],
        state=r["state"],
        note=r["note"],
        marked_by=r["marked_by"],
        marked_at=from_db(r["marked_at"]),
    )


async def for_applications(
    tx: Tx, application_ids: Iterable[int]
) -> dict[int, dict[tuple[str, int], NeedMark]]:
    """Each application's marks by (need, session id); applications without any are absent."""
    found: defaultdict[int, dict[tuple[str, int], NeedMark]] = defaultdict(dict)
    for batch in chunked(sorted(set(application_ids))):
        marks = ",".join("?" * len(batch))
        for r in await fetch_all(
            tx, f"SELECT * FROM need_states WHERE application_id IN ({marks})", batch
        ):
            mark = _mark(r)
            found[mark.application_id][(mark.need, mark.session_id)] = mark
    return dict(found)


async def mark(
    tx: Tx,
    *,
    application_id: int,
    need: str,
    session_id: int,
    session_version: int,
    state: MarkedState,
    note: str | None,
    marked_by: int,
    now: datetime,
) -> None:
    """Record a mark. One for all sessions replaces each session's own mark of that need.
    Notices of earlier marks not sent yet are dropped: the person hears only the latest."""
    which = "%" if session_id == ALL_SESSIONS else str(session_id)
    await tx.execute(
        "DELETE FROM outbox WHERE application_id = ? AND key LIKE ?",
        (application_id, f"need:{application_id}:{need}:{which}:%"),
    )
    if session_id == ALL_SESSIONS:
        await tx.execute(
            "DELETE FROM need_states WHERE application_id = ? AND need = ?",
            (application_id, need),
        )
    await tx.execute(
        "INSERT INTO need_states (application_id, need, session_id, session_version, state, "
        "note, marked_by, marked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (application_id, need, session_id) DO UPDATE SET "
        "session_version = excluded.session_version, state = excluded.state, "
        "note = excluded.note, marked_by = excluded.marked_by, marked_at = excluded.marked_at",
        (application_id, need, session_id, session_version, state, note, marked_by, to_db(now)),
    )


async def forget(tx: Tx, volunteer_id: int, needs: Iterable[str] | None = None) -> None:
    """A person changed or dropped these needs (None: withdrew the needs consent): they are
    "asked for" again on every panel, and notices about them not yet sent are dropped."""
    codes = None if needs is None else sorted(set(needs))
    if codes == []:
        return
    apps = "SELECT id FROM applications WHERE volunteer_id = ?"
    if codes is None:
        await tx.execute(
            f"DELETE FROM need_states WHERE application_id IN ({apps})", (volunteer_id,)
        )
        await tx.execute(
            f"DELETE FROM outbox WHERE application_id IN ({apps}) AND key LIKE 'need:%'",
            (volunteer_id,),
        )
        return
    for code in codes:
        await tx.execute(
            f"DELETE FROM need_states WHERE application_id IN ({apps}) AND need = ?",
            (volunteer_id, code),
        )
        await tx.execute(
            f"DELETE FROM outbox WHERE application_id IN ({apps}) AND key LIKE ?",
            (volunteer_id, f"need:%:{code}:%"),
        )


def notice_key(application_id: int, need: str, session_id: int, stamp: str) -> str:
    """The outbox key of a notice to the person; `forget` finds it by need."""
    return f"need:{application_id}:{need}:{session_id}:{stamp}"


async def sessions_moved(tx: Tx, session_ids: Iterable[int]) -> None:
    """These sessions moved (time, place, link) or were cancelled: a mark "for all sessions"
    no longer vouches for them, since what was booked was for the old time or place. Each such
    mark on their panels becomes a mark for each of the panel's other sessions, at their
    version (a session's own mark still wins), so only the moved sessions are asked for again.
    """
    for session_id in sorted(set(session_ids)):
        found = await fetch_all(
            tx,
            "SELECT ns.* FROM need_states ns JOIN applications a ON a.id = ns.application_id "
            "JOIN sessions s ON s.panel_id = a.panel_id WHERE s.id = ? AND ns.session_id = ?",
            (session_id, ALL_SESSIONS),
        )
        for r in found:
            await tx.execute(
                "INSERT INTO need_states (application_id, need, session_id, session_version, "
                "state, note, marked_by, marked_at) "
                "SELECT ?, ?, o.id, o.version, ?, ?, ?, ? FROM sessions o "
                "JOIN applications a ON a.panel_id = o.panel_id "
                "WHERE a.id = ? AND o.id != ? AND o.cancelled = 0 "
                "ON CONFLICT (application_id, need, session_id) DO NOTHING",
                (r["application_id"], r["need"], r["state"], r["note"], r["marked_by"],
                 r["marked_at"], r["application_id"], session_id),
            )  # fmt: skip
            await tx.execute(
                "DELETE FROM need_states WHERE application_id = ? AND need = ? AND session_id = ?",
                (r["application_id"], r["need"], ALL_SESSIONS),
            )
