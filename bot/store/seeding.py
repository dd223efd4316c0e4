"""Made-up sign-ups written straight into the tables, for the sandbox's `!seed`, tests and
benchmarks: one statement per table per person, no journey. Never used by `panelbot run`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.model import Answer
from bot.store.db import fetch_one
from bot.store.tx import Tx
from bot.timeutil import to_db


@dataclass(frozen=True)
class MadeUpSignUp:
    telegram_id: int
    name: str
    role: str
    contact: str | None
    needs: tuple[str, ...]
    interviews: bool
    payment: str
    days: str
    submitted_at: datetime
    availability: dict[int, Answer]  # by session id
    conflicts: tuple[str, ...] = ()


async def first_free_telegram_id(tx: Tx, at_least: int) -> int:
    row = await fetch_one(
        tx, "SELECT max(telegram_id) FROM volunteers WHERE telegram_id >= ?", (at_least,)
    )
    return at_least if row is None or row[0] is None else int(row[0]) + 1


async def insert(tx: Tx, panel_id: int, people: Sequence[MadeUpSignUp], now: datetime) -> None:
    for person in people:
        cursor = await tx.execute(
            "INSERT INTO volunteers (telegram_id, chat_id, name, role, contact, consented_at, "
            "needs_consented_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                person.telegram_id,
                person.telegram_id,
                person.name,
                person.role,
                person.contact,
                to_db(now),
                to_db(now) if person.needs else None,
                to_db(now),
            ),
        )
        volunteer_id = int(cursor.lastrowid or 0)
        await tx.executemany(
            "INSERT INTO needs (volunteer_id, code) VALUES (?, ?)",
            [(volunteer_id, code) for code in person.needs],
        )
        sent = to_db(person.submitted_at)
        cursor = await tx.execute(
            "INSERT INTO applications (panel_id, volunteer_id, status, interviews, payment, "
            "days, conflicts_declared, created_at, updated_at, submitted_at) "
            "VALUES (?, ?, 'applied', ?, ?, ?, 1, ?, ?, ?)",
            (
                panel_id,
                volunteer_id,
                int(person.interviews),
                person.payment,
                person.days,
                sent,
                sent,
                sent,
            ),
        )
        application_id = int(cursor.lastrowid or 0)
        await tx.executemany(
            "INSERT INTO availability (application_id, session_id, answer) VALUES (?, ?, ?)",
            [(application_id, session, answer) for session, answer in person.availability.items()],
        )
        await tx.executemany(
            "INSERT INTO conflicts (application_id, organisation) VALUES (?, ?)",
            [(application_id, organisation) for organisation in person.conflicts],
        )
