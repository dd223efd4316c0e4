"""kill -9 of the bot while it sends to many people: a broadcast, and a burst of reminders.

After the restarts everyone has their message. Someone may have it twice only if a crash fell
after Telegram took their message and before the bot recorded it, and then once per such
crash; nobody else gets a second copy.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.calendar import calendar_key
from bot.clock import SystemClock
from bot.config import load_settings
from bot.context import AppContext
from bot.sandbox import demo
from bot.services.coordinator import panel_admin
from bot.services.delivery.pacer import IN_FLIGHT
from bot.standin.api import FakeBotApi, FakeUser
from bot.store import broadcasts, ledger, panels
from bot.store.db import Database, fetch_all
from tests.conftest import COORDINATOR_ID
from tests.factories import confirmed_volunteer
from tests.faults.helpers import BotProcess, far_future_panel, panel_under_way

CRASHES = 4
BROADCAST_TO = 150  # about 5 s of sending at Telegram's pace
REMINDED = 60
NEWS = "The room for the briefing has changed to Room 3."
REMINDER = "A reminder about"


async def setting_up(database: Path, panel: Path) -> tuple[Database, int]:
    settings = load_settings({"PANELBOT_DATABASE": str(database)}, require_token=False)
    db = await Database.open(database)
    imported = await panel_admin.import_file(panel, AppContext(db, settings, SystemClock()))
    return db, imported.panel_id


async def telegram_ids(database: Path, sql: str) -> set[int]:
    db = await Database.open(database)
    try:
        async with db.transaction() as tx:
            return {int(row[0]) for row in await fetch_all(tx, sql)}
    finally:
        await db.close()


class Crashes:
    """Kill the bot each time a few more messages have reached Telegram. After each kill, note
    whose message Telegram had taken while the bot had not yet recorded it as sent."""

    def __init__(
        self, api: FakeBotApi, database: Path, words: str, people: list[int], **settings: str
    ) -> None:
        self.api, self.database, self.words, self.people = api, database, words, people
        self.bot = BotProcess(api, database, **settings)
        self.in_doubt: list[set[int]] = []
        self.rng = random.Random(5)

    def copies(self) -> Counter[int]:
        """How many messages with these words each person has received."""
        chats = set(self.people)
        return Counter(
            m.chat_id
            for kind, m in self.api.events
            if kind == "sent" and m.chat_id in chats and self.words in m.text
        )

    def reached(self, people: int) -> Callable[[], bool]:
        return lambda: len(self.copies()) >= people

    async def run(self, unrecorded_sql: str) -> None:
        """Crash CRASHES times, then let the bot finish. `unrecorded_sql` selects the Telegram
        ids of people whose message the bot has not recorded as sent."""
        everyone = len(self.people)
        try:
            for _ in range(CRASHES):
                await self.bot.start()
                reached = len(self.copies())
                if reached >= everyone:
                    break
                target = min(everyone, reached + self.rng.randint(1, everyone // (CRASHES + 1)))
                await self.api.wait_for(self.reached(target), timeout=60, what="deliveries")
                await self.bot.kill()
                pending = await telegram_ids(self.database, unrecorded_sql)
                copies = self.copies()
                self.in_doubt.append({person for person in pending if copies[person] > 0})
            else:
                await self.bot.start()
            await self.api.wait_for(self.reached(everyone), timeout=60, what="everyone's message")
            await self.bot.stop()
        finally:
            self.bot.ensure_dead()

    def check(self, per_crash_at_most: int) -> None:
        copies = self.copies()
        assert len(self.in_doubt) > 0, "the bot finished before any crash: proves nothing"
        assert all(len(doubt) <= per_crash_at_most for doubt in self.in_doubt)
        for person in self.people:
            allowed = 1 + sum(person in doubt for doubt in self.in_doubt)
            assert 1 <= copies[person] <= allowed, (person, copies[person], allowed)


@pytest.mark.timeout(240)
async def test_kill_9_during_a_broadcast_reaches_everyone_and_repeats_only_what_was_in_flight(
    tmp_path: Path,
) -> None:
    database = tmp_path / "panelbot.sqlite3"
    db, panel_id = await setting_up(database, far_future_panel(tmp_path))
    now = datetime.now(UTC)
    people = await demo.seed_volunteers(db, panel_id, BROADCAST_TO, now)
    async with db.transaction() as tx:
        ids = [int(row[0]) for row in await fetch_all(tx, "SELECT id FROM volunteers ORDER BY id")]
        # As the coordinator's "Send" leaves it: the bot picks it up when it starts.
        broadcast_id = await broadcasts.create(tx, panel_id, COORDINATOR_ID, NEWS, now)
        await broadcasts.start(
            tx, broadcast_id, ids, skipped=0, progress_chat_id=COORDINATOR_ID,
            progress_message_id=None, now=now,
        )  # fmt: skip
    await db.close()

    async with FakeBotApi(rate_limit_per_second=30) as api:
        # They signed up through the chat, and the coordinator pressed Send.
        api.wrote_before(COORDINATOR_ID, *people)
        crashes = Crashes(api, database, NEWS, people)
        await crashes.run(
            "SELECT v.telegram_id FROM broadcast_deliveries d JOIN volunteers v "
            "ON v.id = d.volunteer_id WHERE d.state = 'sending'"  # claimed, not settled
        )
        crashes.check(per_crash_at_most=IN_FLIGHT)
        report = api.last_message_to(COORDINATOR_ID)
        assert report is not None and f"Delivered: {len(people)}" in report.text


@pytest.mark.timeout(240)
async def test_kill_9_during_a_burst_of_reminders_reminds_everyone_and_repeats_at_most_one(
    tmp_path: Path,
) -> None:
    database = tmp_path / "panelbot.sqlite3"
    db, panel_id = await setting_up(database, panel_under_way(tmp_path))
    users = [FakeUser(7000 + n, f"R{n}") for n in range(REMINDED)]
    confirmed_at = datetime.now(UTC) - timedelta(hours=3)
    for user in users:
        made = await confirmed_volunteer(db, panel_id, user, confirmed_at)
        async with db.transaction() as tx:  # they had their calendar file when confirmed
            sessions = await panels.sessions(tx, panel_id)
            keys = [calendar_key(made.application_id, session.id) for session in sessions]
            await ledger.record(
                tx, keys, kind="calendar", panel_id=panel_id, outcome="sent", now=confirmed_at
            )
    await db.close()
    people = [user.id for user in users]

    async with FakeBotApi() as api:
        api.wrote_before(*people)  # they signed up through the chat
        crashes = Crashes(api, database, REMINDER, people, quiet_hours="00:00-00:00")
        await crashes.run(
            "SELECT v.telegram_id FROM volunteers v JOIN applications a ON a.volunteer_id = v.id "
            "WHERE NOT EXISTS (SELECT 1 FROM sent_ledger l WHERE l.kind = 'reminder' "
            "AND l.key LIKE 'reminder:' || a.id || ':%')"
        )
        # The reminders go one at a time: at most one can be in doubt at each crash.
        crashes.check(per_crash_at_most=1)
