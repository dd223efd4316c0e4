"""The database fails under the running bot: locked past busy_timeout, or full.

Polling must survive: every update waits, unconfirmed, until it is saved, and once the fault
clears everyone is answered, once each.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3

import pytest

from bot.standin.api import FakeUser
from bot.timeutil import to_db
from tests.conftest import World
from tests.scheduler_helpers import runner

# Longer than SQLite's busy_timeout (5 s), so the journal's insert fails at least once.
# PANELBOT_FAULT_LOCK_SECONDS=30 tries the 30-second lock of the "Done when".
LOCK_SECONDS = float(os.environ.get("PANELBOT_FAULT_LOCK_SECONDS", "6"))
PEOPLE = [FakeUser(3000 + n, f"Person {n}") for n in range(4)]
ASKED = ("/help", "/privacy")
ANSWERS = {"/help": "/status", "/privacy": "How we look after what you tell us"}


def answered_once_each(world: World, update_ids: list[int]) -> None:
    for person in PEOPLE:
        texts = [m.text for m in world.api.messages_to(person.id)]
        assert len(texts) == len(ASKED), texts  # one answer per message: none lost, none twice
        for asked, text in zip(ASKED, texts, strict=True):
            assert ANSWERS[asked] in text


def everyone_writes(world: World) -> list[int]:
    return [world.api.send_text(person, asked) for asked in ASKED for person in PEOPLE]


class Heard(logging.Handler):
    """Set when the bot logs these words (the stand-in's wait_for sees only the stand-in).
    Records come from the event loop's own thread, so setting an asyncio.Event is safe."""

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words = words
        self.event = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.words in record.getMessage():
            self.event.set()


async def fill_the_disk(world: World) -> None:
    """The file may not grow by a page more, and the space left in its pages is filled with
    finished journal rows, larger ones first, so that no update's record fits anywhere. Their
    ids rise towards the real ones, so each goes where the next real update would (the
    b-tree's last leaf), and that leaf is full when the real one comes."""
    async with world.db.transaction() as tx:
        rows = await tx.execute_fetchall("PRAGMA page_count")
        await tx.execute(f"PRAGMA max_page_count = {next(iter(rows))[0]}")
    filler = -(10**9)
    for size in (2000, 500, 100, 20, 1):
        while True:
            try:
                async with world.db.transaction() as tx:
                    await tx.execute(
                        "INSERT INTO update_journal (update_id, payload, received_at, done) "
                        "VALUES (?, ?, ?, 1)",
                        # Received now: the journal's upkeep forgets only old finished rows.
                        (filler, "x" * size, to_db(world.clock.now())),
                    )
            except sqlite3.OperationalError as full:
                assert "full" in str(full)
                break
            filler += 1


async def test_a_lock_past_busy_timeout_loses_no_update(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    # The blocker below waits on this event loop's thread, where another program would not:
    # the bot's start-up tick must not be in the middle of a transaction when it comes.
    await asyncio.wait_for(runner(world).started(), timeout=10)
    blocker = sqlite3.connect(world.settings.database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        update_ids = everyone_writes(world)
        # Not a wait for a result: holding the lock for this long is the fault itself.
        await asyncio.sleep(LOCK_SECONDS)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()

    for update_id in update_ids:
        await world.harness.wait_processed(update_id, timeout=30)
    answered_once_each(world, update_ids)
    said = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("database is locked" in r.getMessage() for r in said)
    assert all("Person" not in r.getMessage() for r in caplog.records)  # nobody's details


async def test_a_full_disk_loses_no_update(world: World) -> None:
    full = Heard("disk is full")
    logging.getLogger().addHandler(full)
    await fill_the_disk(world)
    try:
        update_ids = everyone_writes(world)
        async with asyncio.timeout(10):
            await full.event.wait()
        assert not any(world.api.messages_to(p.id) for p in PEOPLE)
    finally:
        async with world.db.transaction() as tx:  # space is freed
            await tx.execute("PRAGMA max_page_count = 1073741823")
            await tx.execute("DELETE FROM update_journal WHERE update_id < 0")
        logging.getLogger().removeHandler(full)

    for update_id in update_ids:
        await world.harness.wait_processed(update_id, timeout=30)
    answered_once_each(world, update_ids)
