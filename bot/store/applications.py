"""A volunteer's application to one panel, with availability and conflicts of interest."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

import aiosqlite

from bot.model import Answer, Application
from bot.store.db import fetch_all, fetch_one
from bot.store.sql import chunked, marks
from bot.store.tx import Tx
from bot.timeutil import from_db_optional, to_db

EDITABLE = frozenset(
    {
        "status",
        "interviews",
        "payment",
        "days",
        "conflicts_declared",
        "conflicts_note",
        "submitted_at",
    }
)


# An application with its availability and conflicts: one query, so one trip to the database.
_WHOLE = (
    "SELECT a.*, "
    "(SELECT json_group_object(session_id, answer) FROM availability "
    "WHERE application_id = a.id) AS availability_json, "
    "(SELECT json_group_array(organisation) FROM conflicts "
    "WHERE application_id = a.id) AS conflicts_json "
    "FROM applications a "
)


def _whole(row: aiosqlite.Row) -> Application:
    availability: dict[int, Answer] = {
        int(k): v for k, v in json.loads(row["availability_json"]).items()
    }
    return _application(row, availability, tuple(sorted(json.loads(row["conflicts_json"]))))


def _application(
    row: aiosqlite.Row, availability: dict[int, Answer], conflicts: tuple[str, ...]
) -> Application:
    interviews = row["interviews"]
    return Application(
        id=row["id"],
        panel_id=row["panel_id"],
        volunteer_id=row["volunteer_id"],
        status=row["status"],
        interviews=None if interviews is None else bool(interviews),
        payment=row["payment"],
        days=tuple(filter(None, (row["days"] or "").split(","))),
        conflicts=conflicts,
        conflicts_declared=bool(row["conflicts_declared"]),
        conflicts_note=row["conflicts_note"],
        submitted_at=from_db_optional(row["submitted_at"]),
        availability=availability,
    )


async def get(tx: Tx, application_id: int) -> Application | None:
    row = await fetch_one(tx, _WHOLE + "WHERE a.id = ?", (application_id,))
    return None if row is None else _whole(row)


async def find(tx: Tx, panel_id: int, volunteer_id: int) -> Application | None:
    row = await fetch_one(
        tx, _WHOLE + "WHERE a.panel_id = ? AND a.volunteer_id = ?", (panel_id, volunteer_id)
    )
    return None if row is None else _whole(row)


async def for_volunteer(tx: Tx, volunteer_id: int) -> list[Application]:
    return [
        _whole(row)
        for row in await fetch_all(
            tx, _WHOLE + "WHERE a.volunteer_id = ? ORDER BY a.created_at, a.id", (volunteer_id,)
        )
    ]


async def for_panel(tx: Tx, panel_id: int) -> list[Application]:
    return [
        _whole(row)
        for row in await fetch_all(
            tx, _WHOLE + "WHERE a.panel_id = ? ORDER BY a.submitted_at, a.id", (panel_id,)
        )
    ]


async def _many(tx: Tx, where: str, params: Sequence[object]) -> list[Application]:
    """Applications matching `where` (on `a`), in submission order: three queries in all."""
    rows = await fetch_all(
        tx, f"SELECT a.* FROM applications a WHERE {where} ORDER BY a.submitted_at, a.id", params
    )
    if not rows:
        return []
    availability: defaultdict[int, dict[int, Answer]] = defaultdict(dict)
    for r in await fetch_all(
        tx,
        "SELECT v.application_id, v.session_id, v.answer FROM availability v "
        f"JOIN applications a ON a.id = v.application_id WHERE {where}",
        params,
    ):
        availability[r["application_id"]][r["session_id"]] = r["answer"]
    conflicts: defaultdict[int, list[str]] = defaultdict(list)
    for r in await fetch_all(
        tx,
        "SELECT c.application_id, c.organisation FROM conflicts c "
        f"JOIN applications a ON a.id = c.application_id WHERE {where} "
        "ORDER BY c.application_id, c.organisation",
        params,
    ):
        conflicts[r["application_id"]].append(r["organisation"])
    return [
        _application(row, availability.get(row["id"], {}), tuple(conflicts.get(row["id"], ())))
        for row in rows
    ]


async def for_panels(
    tx: Tx, panel_ids: Sequence[int], statuses: Collection[str]
) -> list[Application]:
    """The panels' applications in these statuses, in submission order, set-based."""
    if not panel_ids or not statuses:
        return []
    where = f"a.panel_id IN ({marks(len(panel_ids))}) AND a.status IN ({marks(len(statuses))})"
    return await _many(tx, where, (*panel_ids, *statuses))


async def get_many(tx: Tx, application_ids: Iterable[int]) -> dict[int, Application]:
    found: dict[int, Application] = {}
    for ids in chunked(sorted(set(application_ids))):
        for application in await _many(tx, f"a.id IN ({marks(len(ids))})", ids):
            found[application.id] = application
    return found


async def create(tx: Tx, panel_id: int, volunteer_id: int, now: datetime) -> Application:
    """Start a draft, or reopen one the person withdrew earlier."""
    await tx.execute(
        "INSERT INTO applications (panel_id, volunteer_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (panel_id, volunteer_id) DO UPDATE SET "
        "status = CASE WHEN status IN ('withdrawn', 'declined') THEN 'draft' ELSE status END, "
        "updated_at = excluded.updated_at",
        (panel_id, volunteer_id, to_db(now), to_db(now)),
    )
    application = await find(tx, panel_id, volunteer_id)
    assert application is not None
    return application


async def update(tx: Tx, application_id: int, now: datetime, **fields: object) -> None:
    unknown = fields.keys() - EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    values = [to_db(v) if isinstance(v, datetime) else v for v in fields.values()]
    assignments = "".join(f"{name} = ?, " for name in fields)
    await tx.execute(
        f"UPDATE applications SET {assignments}updated_at = ? WHERE id = ?",
        (*values, to_db(now), application_id),
    )


async def delete(tx: Tx, application_id: int) -> None:
    await tx.execute("DELETE FROM applications WHERE id = ?", (application_id,))


async def set_availability(tx: Tx, application_id: int, answers: Mapping[int, str]) -> None:
    await tx.executemany(
        "INSERT INTO availability (application_id, session_id, answer) VALUES (?, ?, ?) "
        "ON CONFLICT (application_id, session_id) DO UPDATE SET answer = excluded.answer",
        [(application_id, session_id, answer) for session_id, answer in answers.items()],
    )


async def set_conflicts(tx: Tx, application_id: int, organisations: Iterable[str]) -> None:
    await tx.execute("DELETE FROM conflicts WHERE application_id = ?", (application_id,))
    await tx.executemany(
        "INSERT INTO conflicts (application_id, organisation) VALUES (?, ?)",
        [(application_id, name) for name in sorted(set(organisations))],
    )
