"""Random interleavings of what people send, through the real Application.

Events come in bursts: what is in one burst is sent at once, without waiting for the bot,
so the bot handles different people's updates side by side (and a person's double taps in
turn). Nobody is ever met with silence or an error, and the database's invariants hold after
every burst: no orphan rows, statuses only move along allowed paths, journeys belong to
people we hold, and every update is finished.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FakeClock
from bot.config import load_settings
from bot.context import AppContext
from bot.rules.panels import can_move
from bot.services.coordinator import panel_admin
from bot.standin.api import FakeBotApi, FakeUser
from bot.standin.harness import BotHarness, Reply
from bot.store.db import Database
from bot.telegram.app import build_application
from tests.conftest import COORDINATOR_ID, EXAMPLE_CODE, EXAMPLE_PANEL, START, TEST_TOKEN

USERS = [
    FakeUser(2001, "Ana"),
    FakeUser(2002, "Bo"),
    FakeUser(2003, "سارا"),
    FakeUser(COORDINATOR_ID, "Priya"),
]
COMMANDS = [
    "/start",
    f"/start {EXAMPLE_CODE}",
    "/start nope",
    "/help",
    "/status",
    "/needs",
    "/availability",
    "/withdraw",
    "/mydata",
    "/delete",
    "/privacy",
    "/cancel",
    "/question",
    "/roster",
    "/broadcast",
    "/whatever",
]
WORDS = [
    "Yes",
    "No",
    "Maybe",
    "Done",
    "Skip this",
    "Both",
    "carer",
    "1",
    "3",
    "Send",
    "Next",
    "None of these",
    "<b>&amp;</b>",
    "🙂",
    "שלום",
    "x" * 5000,
]
FORGED = [
    "v:role:admin",
    "v:summary:send",
    "v:info:next.99",
    "c:agree:nope",
    "c:withdraw_yes:1",
    "c:erase:yes",
    "c:avail:999",
    "k:confirm:1:1",
    "r:there:1:1",
    "",
    "v::",
    "junk",
]

user_index = st.integers(min_value=0, max_value=len(USERS) - 1)
event = st.one_of(
    st.tuples(st.just("say"), user_index, st.sampled_from(COMMANDS + WORDS)),
    st.tuples(st.just("say"), user_index, st.text(min_size=1, max_size=40)),
    st.tuples(st.just("press"), user_index, st.integers(min_value=0, max_value=20)),
    st.tuples(st.just("forge"), user_index, st.sampled_from(FORGED)),
    st.tuples(st.just("other"), user_index, st.sampled_from(["sticker", "photo", "voice"])),
    st.tuples(st.just("edit"), user_index, st.text(min_size=1, max_size=20)),
)


async def act(
    harness: BotHarness, api: FakeBotApi, kind: str, user: FakeUser, arg: object
) -> Reply | None:
    if kind == "say":
        text = str(arg)
        return await harness.say(user, text if text.strip() else "?")
    if kind == "press":
        pressable = [m for m in api.messages_to(user.id) if m.buttons]
        if not pressable:
            return None
        message = pressable[-1] if int(str(arg)) % 3 else pressable[0]  # newest, or an old one
        flat = [b for row in message.buttons for b in row if b.callback_data]
        button = flat[int(str(arg)) % len(flat)]
        return await harness.press(user, message.message_id, button.callback_data or "")
    if kind == "forge":
        messages = api.messages_to(user.id)
        return await harness.press(user, messages[-1].message_id if messages else 1, str(arg))
    if kind == "other":
        return await getattr(harness, str(arg))(user)
    messages = [m for m in api.requests if m[0] == "sendMessage"]
    return await harness.edit(user, len(messages) + 1, str(arg)) if messages else None


async def check_invariants(db: Database, statuses: dict[int, str]) -> None:
    async with db.transaction() as tx:
        cursor = await tx.execute("PRAGMA foreign_key_check")
        assert await cursor.fetchall() == []
        cursor = await tx.execute(
            "SELECT count(*) FROM journeys j LEFT JOIN volunteers v "
            "ON v.telegram_id = j.telegram_id WHERE v.id IS NULL AND j.flow != 'coordinator'"
        )
        row = await cursor.fetchone()
        assert row is not None and row[0] == 0, "a journey for someone we do not hold"
        cursor = await tx.execute(
            "SELECT count(*) FROM availability av JOIN applications a ON a.id = av.application_id "
            "JOIN sessions s ON s.id = av.session_id WHERE s.panel_id != a.panel_id"
        )
        row = await cursor.fetchone()
        assert row is not None and row[0] == 0, "availability for another panel's session"
        cursor = await tx.execute("SELECT count(*) FROM update_journal WHERE done = 0")
        row = await cursor.fetchone()
        assert row is not None and row[0] == 0, "an update left unfinished"
        cursor = await tx.execute("SELECT id, status FROM applications")
        for app_id, status in await cursor.fetchall():
            before = statuses.get(app_id)
            assert before is None or before == status or can_move(before, status), (
                f"application moved {before} -> {status}"
            )
            statuses[app_id] = status


Event = tuple[str, int, object]


async def run(bursts: list[list[Event]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        clock = FakeClock(START)
        async with FakeBotApi() as api:
            config = dataclasses.replace(
                load_settings(
                    {
                        "PANELBOT_DATABASE": str(Path(folder) / "fuzz.sqlite3"),
                        "PANELBOT_COORDINATORS": str(COORDINATOR_ID),
                    },
                    require_token=False,
                ),
                api_url=api.base_url,
            )
            db = await Database.open(config.database)
            ctx = AppContext(db, config, clock)
            await panel_admin.import_file(EXAMPLE_PANEL, ctx)
            statuses: dict[int, str] = {}
            async with BotHarness(api, build_application(ctx, token=TEST_TOKEN)) as harness:
                for burst in bursts:
                    replies = await asyncio.gather(
                        *(act(harness, api, kind, USERS[who], arg) for kind, who, arg in burst)
                    )
                    for (kind, _, arg), reply in zip(burst, replies, strict=True):
                        if reply is not None:
                            assert reply, f"silence after {kind} {arg!r}"
                            assert "something went wrong" not in reply.text, f"error after {arg!r}"
                    await check_invariants(db, statuses)
            await db.close()


# The same examples on every run, so CI is repeatable; PANELBOT_FUZZ_EXAMPLES=500 explores
# new ones (and shrinks what fails) when you have the time.
FUZZ_EXAMPLES = int(os.environ.get("PANELBOT_FUZZ_EXAMPLES", "25"))


@settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize="PANELBOT_FUZZ_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.lists(event, min_size=1, max_size=4), min_size=3, max_size=12))
def test_random_conversations_keep_the_bot_and_the_data_sound(
    bursts: list[list[Event]],
) -> None:
    os.environ["PTB_TIMEDELTA"] = "1"
    asyncio.run(run(bursts))
