"""Demo sign-ups for the sandbox and for tests: made-up people, inserted straight into the
database, so a coordinator has a roster to work with. Never used by `panelbot run`."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.store import panels
from bot.store.db import Database
from bot.timeutil import to_db

FIRST_ID = 700_000
NAMES = (
    "Alex",
    "Bea",
    "Chris",
    "Dev",
    "Ella",
    "Femi",
    "Gus",
    "Hana",
    "Ivan",
    "Jo",
    "Kit",
    "Lena",
    "Mo",
    "Nia",
    "Oli",
    "Priti",
    "Quinn",
    "Rosa",
    "Sol",
    "Tam",
    "Uma",
    "Vic",
    "Wes",
    "Yara",
)
ROLES = ("service_user", "carer", "both", "service_user")
NEEDS = (
    ("reading_stand",),
    ("drinks", "breaks"),
    (),
    ("step_free",),
    (),
    ("bsl",),
    ("transport", "late_start"),
    (),
)


async def seed_volunteers(
    db: Database,
    panel_id: int,
    count: int,
    now: datetime,
    *,
    first_id: int = FIRST_ID,
    seed: int = 0,
) -> list[int]:
    """Add `count` signed-up volunteers with varied answers; return their Telegram ids."""
    rng = random.Random(seed)
    async with db.transaction() as tx:
        cursor = await tx.execute(
            "SELECT max(telegram_id) FROM volunteers WHERE telegram_id >= ?", (first_id,)
        )
        row = await cursor.fetchone()
        start = first_id if row is None or row[0] is None else int(row[0]) + 1
        panel = await panels.get(tx, panel_id, ZoneInfo("UTC"))
        assert panel is not None
        sessions = [s.id for s in await panels.sessions(tx, panel_id) if not s.cancelled]
        bidders = list(panel.spec.bidders)
        ids = list(range(start, start + count))
        for n, telegram_id in enumerate(ids):
            number = telegram_id - first_id
            name = f"{NAMES[number % len(NAMES)]} {number // len(NAMES) + 1}"
            needs = NEEDS[n % len(NEEDS)]
            cursor = await tx.execute(
                "INSERT INTO volunteers (telegram_id, chat_id, name, role, contact, consented_at, "
                "needs_consented_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    telegram_id,
                    telegram_id,
                    name,
                    ROLES[n % len(ROLES)],
                    f"0770090{telegram_id % 10000:04d}" if n % 3 else None,
                    to_db(now),
                    to_db(now) if needs else None,
                    to_db(now),
                ),
            )
            volunteer_id = int(cursor.lastrowid or 0)
            await tx.executemany(
                "INSERT INTO needs (volunteer_id, code) VALUES (?, ?)",
                [(volunteer_id, code) for code in needs],
            )
            sent = to_db(now - timedelta(minutes=count - n))  # before anyone real
            cursor = await tx.execute(
                "INSERT INTO applications (panel_id, volunteer_id, status, interviews, payment, "
                "days, conflicts_declared, created_at, updated_at, submitted_at) "
                "VALUES (?, ?, 'applied', ?, ?, ?, 1, ?, ?, ?)",
                (
                    panel_id,
                    volunteer_id,
                    n % 2,
                    ("paid", "unpaid", "undecided")[n % 3],
                    "mon,wed" if n % 2 else "tue,thu",
                    sent,
                    sent,
                    sent,
                ),
            )
            application_id = int(cursor.lastrowid or 0)
            answers = rng.choices(("yes", "maybe", "no"), weights=(7, 2, 1), k=len(sessions))
            await tx.executemany(
                "INSERT INTO availability (application_id, session_id, answer) VALUES (?, ?, ?)",
                list(zip([application_id] * len(sessions), sessions, answers, strict=True)),
            )
            if n % 7 == 6 and bidders:
                await tx.executemany(
                    "INSERT INTO conflicts (application_id, organisation) VALUES (?, ?)",
                    [(application_id, b) for b in bidders[: len(bidders) // 2 + 1]],
                )
    return ids
