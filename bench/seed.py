"""Bulk data for the scale benchmark, written straight into a migrated SQLite file.

The schema comes from the bot's own migrations (Database.open); the rows go in with
executemany in one transaction, far faster than the use cases would be.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bench.common import EXAMPLE_PANEL
from bot.calendar import calendar_key
from bot.panelfile import PanelSpec, load_panel_file
from bot.store.db import Database
from bot.timeutil import to_db

FIRST_TELEGRAM_ID = 20_000_000


@dataclass(frozen=True)
class Seeded:
    panels: int
    sessions: int
    volunteers: int
    applications: int
    confirmed: int
    pending_reminders: int


def calendars_sent(pairs: list[tuple[int, int, int]], at: str) -> list[tuple[str, int, str]]:
    """sent_ledger rows (key, panel_id, at) saying each (application, session, panel) already
    has its calendar file, as confirmed people do; reminders are only due after it."""
    return [
        (calendar_key(application, session), panel, at) for application, session, panel in pairs
    ]


CALENDARS_SENT = (
    "INSERT INTO sent_ledger (key, kind, panel_id, outcome, at) "
    "VALUES (?, 'calendar', ?, 'sent', ?)"
)


async def migrate(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


def _panel_specs(count: int, now: datetime) -> list[PanelSpec]:
    """Copies of the example panel, each with its own code and every session in the future."""
    example = load_panel_file(EXAMPLE_PANEL, default_timezone="Europe/London")
    specs = []
    for n in range(count):
        shift = now + timedelta(days=60, hours=n) - example.sessions[0].start
        sessions = tuple(
            s.model_copy(update={"start": s.start + shift, "end": s.end + shift})
            for s in example.sessions
        )
        specs.append(
            example.model_copy(
                update={
                    "code": f"bench-{n:04d}",
                    "title": f"{example.title} ({n})",
                    "sessions": sessions,
                    "closes": example.closes + shift,
                }
            )
        )
    return specs


def seed(
    path: Path, *, panels: int, volunteers: int, min_reminders: int, offsets: int, now: datetime
) -> Seeded:
    """Every volunteer applies to one panel and answers "yes" for each of its sessions;
    enough of them are confirmed, with their calendar files sent, to give at least
    ``min_reminders`` pending reminders (confirmed applications x future sessions x
    reminder offsets), as the scheduler derives them (scheduler/plan.py)."""
    specs = _panel_specs(panels, now)
    per_panel = len(specs[0].sessions)
    confirmed = -(-min_reminders // (per_panel * offsets))
    every = volunteers // confirmed
    stamp = to_db(now)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO panels (id, code, title, spec_json, closes_at, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (n + 1, s.code, s.title, s.to_json(), to_db(s.closes), stamp, stamp)
                for n, s in enumerate(specs)
            ],
        )
        conn.executemany(
            "INSERT INTO sessions (id, panel_id, key, position, kind, title, starts_at, ends_at, "
            "venue, access, online_link, optional) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    n * per_panel + p + 1,
                    n + 1,
                    s.id,
                    p,
                    s.kind,
                    s.title,
                    to_db(s.start),
                    to_db(s.end),
                    s.venue,
                    s.access,
                    s.online_link,
                    int(s.optional),
                )
                for n, spec in enumerate(specs)
                for p, s in enumerate(spec.sessions)
            ],
        )
        conn.executemany(
            "INSERT INTO volunteers (id, telegram_id, chat_id, name, role, contact, "
            "consented_at, future_panels, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
            (
                (
                    v + 1,
                    FIRST_TELEGRAM_ID + v,
                    FIRST_TELEGRAM_ID + v,
                    f"Volunteer {v}",
                    "service_user",
                    f"07700 9{v:05d}",
                    stamp,
                    stamp,
                )
                for v in range(volunteers)
            ),
        )
        statuses = [
            "confirmed" if v % every == 0 and v // every < confirmed else "applied"
            for v in range(volunteers)
        ]
        conn.executemany(
            "INSERT INTO applications (id, panel_id, volunteer_id, status, interviews, payment, "
            "days, created_at, updated_at, submitted_at) "
            "VALUES (?, ?, ?, ?, 1, 'paid', 'mon', ?, ?, ?)",
            (
                (v + 1, v % panels + 1, v + 1, statuses[v], stamp, stamp, stamp)
                for v in range(volunteers)
            ),
        )
        # A row per person and session of their panel: made inside SQLite, not bound from Python.
        conn.execute(
            "INSERT INTO availability (application_id, session_id, answer) "
            "SELECT a.id, s.id, 'yes' FROM applications a "
            "JOIN sessions s ON s.panel_id = a.panel_id ORDER BY a.id, s.position"
        )
        conn.executemany(
            CALENDARS_SENT,
            calendars_sent(
                [
                    (v + 1, (v % panels) * per_panel + p + 1, v % panels + 1)
                    for v in range(volunteers)
                    if statuses[v] == "confirmed"
                    for p in range(per_panel)
                ],
                to_db(now - timedelta(days=1)),
            ),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    count = statuses.count("confirmed")
    return Seeded(
        panels, panels * per_panel, volunteers, volunteers, count, count * per_panel * offsets
    )
