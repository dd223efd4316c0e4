"""The scheduler at scale: a tick reads only what can be due, so drafts, applicants and
quiet panels cost it nothing, and it never holds the database for the whole tick."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.standin.api import FakeUser
from bot.store import due as load
from bot.store import panels
from bot.timeutil import to_db
from scheduler.plan import PANELS_PER_TRANSACTION
from tests.conftest import World
from tests.factories import add_panel, panel_yaml, signed_up, spec_from
from tests.scheduler_helpers import messages, runner, tick

FIRST_ID = 5_000_000
SESSIONS = """\
  - id: briefing
    kind: briefing
    title: Briefing
    start: 2027-03-10 11:00
    end: 2027-03-10 13:00
    venue: Ashbridge Community Centre.
"""


async def _statements_in_a_tick(world: World) -> tuple[int, int]:
    """(SQL statements run, transactions begun) during one tick."""
    seen: list[str] = []
    conn = world.db._conn  # the aiosqlite connection: SQLite itself sees every statement
    await conn.set_trace_callback(seen.append)
    try:
        await tick(world)
        during = list(seen)
    finally:
        # sqlite3 takes None to remove it; aiosqlite types the argument as a callable.
        await conn.set_trace_callback(None)  # type: ignore[arg-type]
    return len(during), sum(1 for sql in during if sql == "BEGIN IMMEDIATE")


async def _add_people(world: World, panel_id: int, count: int, status: str) -> None:
    """Many people with an application in `status`, straight into the tables."""
    now = to_db(world.clock.now())
    async with world.db.transaction() as tx:
        cursor = await tx.execute("SELECT coalesce(max(id), 0) FROM volunteers")
        row = await cursor.fetchone()
        assert row is not None
        first = int(row[0]) + 1
        ids = range(first, first + count)
        world.api.wrote_before(*(FIRST_ID + i for i in ids))  # as if through the chat
        await tx.executemany(
            "INSERT INTO volunteers (id, telegram_id, chat_id, name, consented_at, created_at) "
            "VALUES (?, ?, ?, 'Someone', ?, ?)",
            [(i, FIRST_ID + i, FIRST_ID + i, now, now) for i in ids],
        )
        await tx.executemany(
            "INSERT INTO applications (panel_id, volunteer_id, status, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(panel_id, i, status, now, now) for i in ids],
        )
        await tx.execute(
            "INSERT INTO availability (application_id, session_id, answer) "
            "SELECT a.id, s.id, 'yes' FROM applications a JOIN sessions s "
            "ON s.panel_id = a.panel_id WHERE a.volunteer_id >= ?",
            (first,),
        )


async def test_drafts_and_applicants_cost_a_tick_nothing(world: World, sam: FakeUser) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now())
    await tick(world)
    assert messages(world, sam.id, "Here are your dates")
    before, _ = await _statements_in_a_tick(world)
    await _add_people(world, world.panel_id, 150, "draft")
    await _add_people(world, world.panel_id, 150, "applied")
    after, _ = await _statements_in_a_tick(world)
    assert after == before
    report = await tick(world)
    assert report.sent == [] and report.skipped == []


async def test_only_panels_with_something_that_can_be_due_are_read(
    world: World, sam: FakeUser
) -> None:
    await asyncio.wait_for(runner(world).started(), timeout=10)
    now = world.clock.now()
    drafts_only = await add_panel(
        world.db, spec_from(panel_yaml("drafts-only", SESSIONS), world.settings), now
    )
    await _add_people(world, drafts_only, 5, "draft")
    await _add_people(world, drafts_only, 5, "applied")
    finished = await add_panel(
        world.db, spec_from(panel_yaml("all-past", SESSIONS), world.settings), now
    )
    await signed_up(world, finished, sam, now)
    async with world.db.transaction() as tx:
        assert await load.panels_with_work(tx, now) == [finished]  # the example has nobody
        # After its last session, with no outcome yet, nothing more can be due there.
        assert await load.panels_with_work(tx, now + timedelta(days=60)) == []
        await panels.set_stage(tx, finished, "closed", now)
        await tx.execute(
            "INSERT INTO retention_runs (panel_id, due_at, ran_at) VALUES (?, ?, ?)",
            (finished, to_db(now), to_db(now)),
        )
        assert await load.panels_with_work(tx, now) == []


async def test_a_tick_lets_others_in_between_panels(world: World) -> None:
    await asyncio.wait_for(runner(world).started(), timeout=10)
    now = world.clock.now()
    for n in range(PANELS_PER_TRANSACTION + 1):
        panel_id = await add_panel(
            world.db, spec_from(panel_yaml(f"busy-{n}", SESSIONS), world.settings), now
        )
        await _add_people(world, panel_id, 1, "confirmed")
    await tick(world)  # their calendar files: now nothing is due, and nothing is recorded
    _, transactions = await _statements_in_a_tick(world)
    # One for retention and queued notices, then one per PANELS_PER_TRANSACTION panels.
    assert transactions == 3
