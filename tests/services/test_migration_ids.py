"""Migration 0016 (ids never reused) on a database that already holds people: every row of
every table is kept, foreign keys still hold and cascade, and no id is given twice, not even
one erased before the migration."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.config import Settings
from bot.context import AppContext
from bot.services.coordinator import panel_admin
from bot.standin.api import FakeUser
from bot.store import db as store_db
from bot.store import volunteers
from bot.store.db import Database
from tests.conftest import EXAMPLE_PANEL
from tests.factories import confirmed_volunteer
from tests.services.db import one, rows

IDS = 16
MIGRATION = Path(store_db.__file__).parent / "migrations" / "0016_ids_never_reused.sql"
# The tables whose ids go into the ledger's keys, the outbox's keys or buttons.
NEVER_REUSED = {"volunteers", "applications", "questions", "place_offers"}
# Traces of people erased before the migration: their ids must not come back.
ERASED_VOLUNTEER = 30
ERASED_APPLICATION = 40
ERASED_OFFER = 50


@pytest.fixture
def before_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Open databases as they were before 0016: the state every running bot is in."""
    every = store_db._migrations()
    monkeypatch.setattr(store_db, "_migrations", lambda: [m for m in every if m[0] < IDS])


async def _tables(db: Database) -> list[str]:
    return [
        str(name)
        for (name,) in await rows(
            db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN "
            "('sqlite_sequence', 'schema_migrations') ORDER BY name",
        )
    ]


async def _everything(db: Database) -> dict[str, list[str]]:
    return {t: sorted(map(repr, await rows(db, f"SELECT * FROM {t}"))) for t in await _tables(db)}


async def _refers_to(db: Database) -> dict[str, set[str]]:
    return {
        t: {str(fk[2]) for fk in await rows(db, f"PRAGMA foreign_key_list({t})")}
        for t in await _tables(db)
    }


def _family(refers_to: dict[str, set[str]]) -> set[str]:
    """The rebuilt tables and every table referring to one, directly or through another."""
    family = set(NEVER_REUSED)
    while grown := {t for t, parents in refers_to.items() if parents & family} - family:
        family |= grown
    return family


async def _fill(db: Database, settings: Settings, clock: FakeClock) -> None:
    now = clock.now()
    imported = await panel_admin.import_file(EXAMPLE_PANEL, AppContext(db, settings, clock))
    panel_id = imported.panel_id
    sam = await confirmed_volunteer(db, panel_id, FakeUser(1001, "Sam"), now, needs=["drinks"])
    await confirmed_volunteer(db, panel_id, FakeUser(1002, "Alex"), now, status="reserve")
    session = await one(db, "SELECT min(id) FROM sessions")
    app, vol, at = sam.application_id, sam.volunteer_id, now.isoformat()
    async with db.transaction() as tx:
        for sql, params in [
            ("INSERT INTO conflicts VALUES (?, 'Ashbridge Trust')", (app,)),
            ("INSERT INTO questions (panel_id, volunteer_id, text, asked_at) VALUES (?, ?, "
             "'Is there parking?', ?)", (panel_id, vol, at)),
            ("INSERT INTO question_replies (question_id, coordinator_id, text, sent_at) "
             "VALUES (1, 9001, 'Yes', ?)", (at,)),
            ("INSERT INTO broadcasts (panel_id, coordinator_id, text, created_at) "
             "VALUES (?, 9001, 'Hello', ?)", (panel_id, at)),
            ("INSERT INTO broadcast_deliveries (broadcast_id, volunteer_id, position) "
             "VALUES (1, ?, 0)", (vol,)),
            ("INSERT INTO coordinator_outbox (kind, panel_id, volunteer_id, created_at) "
             "VALUES ('signup', ?, ?, ?)", (panel_id, vol, at)),
            ("INSERT INTO anonymous_labels VALUES (?, ?, 0)", (app, panel_id)),
            ("INSERT INTO outbox (key, chat_id, panel_id, volunteer_id, application_id, "
             "reply_json, document, not_before, created_at) VALUES ('need:1', 1001, ?, ?, ?, "
             "'{}', x'00ff', ?, ?)", (panel_id, vol, app, at, at)),
            ("INSERT INTO session_replies VALUES (?, ?, 1, 'coming', ?)", (app, session, at)),
            ("INSERT INTO place_offers (session_id, application_id, created_at) "
             "VALUES (?, ?, ?)", (session, app, at)),
            ("INSERT INTO attendance VALUES (?, ?, 1, 2.5, 2500, ?, NULL)", (app, session, at)),
            ("INSERT INTO feedback (application_id, panel_id, invited_at, comment) "
             "VALUES (?, ?, ?, 'Good')", (app, panel_id, at)),
            ("INSERT INTO need_states VALUES (?, 'drinks', 0, 0, 'arranged', NULL, 9001, ?)",
             (app, at)),
            ("INSERT INTO sent_ledger VALUES (?, 'calendar', ?, 'sent', ?)",
             (f"calendar:{ERASED_APPLICATION}:{session}", panel_id, at)),
            ("INSERT INTO sent_ledger VALUES (?, 'offer', ?, 'sent', ?)",
             (f"offer:{ERASED_OFFER}", panel_id, at)),
            ("INSERT INTO audit_log (at, coordinator_id, action, volunteer_id) "
             "VALUES (?, 9001, 'erased', ?)", (at, ERASED_VOLUNTEER)),
        ]:
            await tx.execute(sql, params)


async def test_the_rebuild_keeps_every_row_and_never_gives_an_id_twice(
    tmp_path: Path, settings: Settings, clock: FakeClock, before_ids: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "running.sqlite3"
    old = await Database.open(path)
    await _fill(old, settings, clock)
    kept = await _everything(old)
    indexes = await rows(old, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'")
    refers_to = await _refers_to(old)
    family = _family(refers_to)
    assert all(kept[t] for t in family), [t for t in family if not kept[t]]
    await old.close()

    monkeypatch.undo()
    # 0016 alone: later migrations may add columns of their own.
    every = store_db._migrations()
    monkeypatch.setattr(store_db, "_migrations", lambda: [m for m in every if m[0] <= IDS])
    db = await Database.open(path)
    try:
        assert await one(db, "SELECT max(version) FROM schema_migrations") >= IDS
        now_held = await _everything(db)
        assert {t: now_held[t] for t in kept} == kept
        assert sorted(await rows(
            db, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'"
        )) == sorted(indexes)
        assert await rows(db, "PRAGMA foreign_key_check") == []
        referring = await _refers_to(db)
        assert {t: referring[t] for t in refers_to} == refers_to  # none left "__old"

        # Foreign keys still cascade: Alex, the newest person, is erased with all they had.
        alex = await one(db, "SELECT id FROM volunteers WHERE telegram_id = 1002")
        async with db.transaction() as tx:
            await tx.execute("DELETE FROM volunteers WHERE id = ?", (alex,))
        assert await rows(db, "SELECT id FROM applications WHERE volunteer_id = ?", alex) == []
        # Whoever comes next gets ids nobody had, erased before or after the migration.
        made = await confirmed_volunteer(db, 1, FakeUser(1003, "Kim"), clock.now())
        assert made.volunteer_id > max(int(str(alex)), ERASED_VOLUNTEER)
        assert made.application_id > ERASED_APPLICATION
        async with db.transaction() as tx:
            offer = await tx.execute(
                "INSERT INTO place_offers (session_id, application_id, created_at) "
                "SELECT min(id), ?, '2027-01-11' FROM sessions", (made.application_id,),
            )
            assert (offer.lastrowid or 0) > ERASED_OFFER
            again = await volunteers.consent(tx, 1002, 1002, clock.now())
        assert again.id > made.volunteer_id
    finally:
        await db.close()


async def test_every_table_referring_to_a_rebuilt_one_is_rebuilt_too(
    tmp_path: Path, before_ids: None
) -> None:
    """Dropping a parent table deletes its rows first, cascading into any child left out of
    the rebuild: a table added before 0016 that refers to these must join it."""
    db = await Database.open(tmp_path / "before.sqlite3")
    try:
        family = _family(await _refers_to(db))
    finally:
        await db.close()
    sql = MIGRATION.read_text(encoding="utf-8")
    rebuilt = set(re.findall(r"ALTER TABLE (\w+) RENAME", sql))
    assert family - rebuilt == set()
    autoincrement = re.findall(r"CREATE TABLE (\w+) \(\s*id INTEGER PRIMARY KEY AUTOINCREMENT", sql)
    assert NEVER_REUSED - set(autoincrement) == set()
