"""Demo sign-ups for the sandbox and for tests: made-up people, inserted straight into the
database, so a coordinator has a roster to work with. Never used by `panelbot run`."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.model import Answer
from bot.store import panels, seeding
from bot.store.db import Database

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
        start = await seeding.first_free_telegram_id(tx, first_id)
        panel = await panels.get(tx, panel_id, ZoneInfo("UTC"))
        assert panel is not None
        sessions = [s.id for s in await panels.sessions(tx, panel_id) if not s.cancelled]
        bidders = list(panel.spec.bidders)
        ids = list(range(start, start + count))
        people = []
        for n, telegram_id in enumerate(ids):
            number = telegram_id - first_id
            answers: list[Answer] = rng.choices(
                ("yes", "maybe", "no"), weights=(7, 2, 1), k=len(sessions)
            )
            people.append(
                seeding.MadeUpSignUp(
                    telegram_id=telegram_id,
                    name=f"{NAMES[number % len(NAMES)]} {number // len(NAMES) + 1}",
                    role=ROLES[n % len(ROLES)],
                    contact=f"0770090{telegram_id % 10000:04d}" if n % 3 else None,
                    needs=NEEDS[n % len(NEEDS)],
                    interviews=bool(n % 2),
                    payment=("paid", "unpaid", "undecided")[n % 3],
                    days="mon,wed" if n % 2 else "tue,thu",
                    submitted_at=now - timedelta(minutes=count - n),  # before anyone real
                    availability=dict(zip(sessions, answers, strict=True)),
                    conflicts=tuple(bidders[: len(bidders) // 2 + 1])
                    if n % 7 == 6 and bidders
                    else (),
                )
            )
        await seeding.insert(tx, panel_id, people, now)
    return ids
