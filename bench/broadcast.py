"""Broadcast: one message to 1,000 volunteers through a stand-in enforcing 30 messages a second.

The real Application runs against the stand-in, which answers 429 (retry after 1 s) to any
request with a chat_id beyond 30 in a second. 1,000 confirmed volunteers are written to
the database; the broadcast is created and started as the coordinator's Send button does
(bot.store.broadcasts.start, then the Application's BroadcastRunner), with the progress
message in the coordinator's chat. Elapsed time runs from the start until the stand-in has
received the last volunteer's message; the floor is 1,000 / 30 = 33.3 s.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench import seed
from bench.common import START, TOKEN, open_panelbot
from bench.report import Result, Target
from bot.standin.api import FakeBotApi, FakeUser
from bot.standin.harness import BotHarness
from bot.store import broadcasts
from bot.store.db import Database
from bot.telegram.app import build_application
from bot.telegram.coordinator_handlers import runner_of
from bot.timeutil import to_db

COORDINATOR = FakeUser(9001, "Priya")
FIRST_VOLUNTEER = 30_000_000
RECIPIENTS = 1_000
RATE_LIMIT = 30
FLOOR = RECIPIENTS / RATE_LIMIT
TARGET_RATIO = 0.95
TEXT = "Hello everyone. The briefing on Tuesday now starts at 11:30, not 11:00. Same room."


class StampedApi(FakeBotApi):
    """The stand-in, noting when each message arrived."""

    def __init__(self) -> None:
        super().__init__(rate_limit_per_second=RATE_LIMIT)
        self.arrived: list[tuple[float, int]] = []  # (perf_counter, chat_id)

    async def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = await super()._m_sendMessage(params)
        self.arrived.append((time.perf_counter(), int(params["chat_id"])))
        return sent


async def _confirmed_volunteers(db: Database, panel_id: int) -> list[int]:
    stamp = to_db(START)
    chats = [FIRST_VOLUNTEER + n for n in range(RECIPIENTS)]
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO volunteers (telegram_id, chat_id, name, role, consented_at, created_at) "
            "VALUES (?, ?, ?, 'service_user', ?, ?)",
            [(chat, chat, f"Volunteer {n}", stamp, stamp) for n, chat in enumerate(chats)],
        )
        await tx.execute(
            "INSERT INTO applications (panel_id, volunteer_id, status, created_at, updated_at, "
            "submitted_at) SELECT ?, id, 'confirmed', ?, ?, ? FROM volunteers "
            "WHERE telegram_id >= ?",
            (panel_id, stamp, stamp, stamp, FIRST_VOLUNTEER),
        )
        # Confirmed people already have their calendar files: the scheduler has nothing to send.
        cursor = await tx.execute(
            "SELECT a.id, s.id FROM applications a JOIN sessions s ON s.panel_id = a.panel_id "
            "WHERE a.panel_id = ?",
            (panel_id,),
        )
        pairs = [(int(row[0]), int(row[1]), panel_id) for row in await cursor.fetchall()]
        await tx.executemany(seed.CALENDARS_SENT, seed.calendars_sent(pairs, stamp))
    return chats


@dataclasses.dataclass(frozen=True)
class Sent:
    chats: list[int]
    elapsed: float  # start -> the last volunteer's message at the stand-in
    until_report: float  # start -> the runner finished, the coordinator's report sent
    too_many: int  # 429s the stand-in answered during the broadcast
    waits: int  # 429s the runner saw
    ledger: dict[str, int]


async def _broadcast(api: StampedApi, folder: Path) -> Sent:
    ctx, panel_id = await open_panelbot(folder, api, COORDINATOR.id)
    db = ctx.db
    try:
        chats = await _confirmed_volunteers(db, panel_id)
        api.wrote_before(COORDINATOR.id, *chats)  # they all signed up through the chat
        app = build_application(ctx, token=TOKEN)
        async with BotHarness(api, app):
            # The preview the coordinator pressed Send on becomes the progress message.
            preview = await app.bot.send_message(COORDINATOR.id, "Preview")
            async with db.transaction() as tx:
                broadcast_id = await broadcasts.create(tx, panel_id, COORDINATOR.id, TEXT, START)
                reachable, skipped = await broadcasts.audience(tx, panel_id, ("confirmed",))
                await broadcasts.start(
                    tx,
                    broadcast_id,
                    reachable,
                    skipped=skipped,
                    progress_chat_id=COORDINATOR.id,
                    progress_message_id=preview.message_id,
                    now=START,
                )
            await asyncio.sleep(1.1)  # an empty rate-limit window at the stand-in
            before = api.too_many_requests_sent
            began = time.perf_counter()
            report = await runner_of(app).start(broadcast_id)
            until_report = time.perf_counter() - began
            async with db.transaction() as tx:
                ledger = await broadcasts.counts(tx, broadcast_id)
    finally:
        await db.close()
    last = max(at for at, chat in api.arrived if chat >= FIRST_VOLUNTEER)
    return Sent(
        chats, last - began, until_report, api.too_many_requests_sent - before, report.waits, ledger
    )


async def run() -> Result:
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # PTB warns on every 429 otherwise
    api = StampedApi()
    with tempfile.TemporaryDirectory(prefix="panelbot-bench-") as folder:
        async with api:
            sent = await _broadcast(api, Path(folder))
    copies = Counter(m.chat_id for m in api.sent if TEXT in m.text)
    received = [copies[chat] for chat in sent.chats]
    lost = received.count(0)
    duplicated = sum(n - 1 for n in received if n > 1)
    others = sum(api.deliveries_per_chat[chat] for chat in sent.chats) - sum(received)
    ratio = FLOOR / sent.elapsed
    figures = {
        "recipients": RECIPIENTS,
        "rate_limit_per_s": RATE_LIMIT,
        "elapsed_s": round(sent.elapsed, 3),
        "until_report_s": round(sent.until_report, 3),
        "floor_s": round(FLOOR, 3),
        "ratio": round(ratio, 3),
        "too_many_requests": sent.too_many,
        "waits_seen_by_bot": sent.waits,
        "lost": lost,
        "duplicated": duplicated,
        "other_messages": others,
        "ledger": sent.ledger,
    }
    ledger = " / ".join(
        str(sent.ledger.get(state, 0)) for state in ("delivered", "failed", "blocked")
    )
    return Result(
        name="broadcast",
        title=(
            f"Broadcast: one message to {RECIPIENTS:,} volunteers, stand-in limit "
            f"{RATE_LIMIT} msg/s"
        ),
        header=("measure", "value"),
        rows=[
            ("elapsed to the last volunteer, s", sent.elapsed),
            (f"floor ({RECIPIENTS:,} / {RATE_LIMIT}), s", FLOOR),
            ("ratio floor / elapsed", ratio),
            ("until the coordinator's report, s", sent.until_report),
            ("429s received", sent.too_many),
            ("lost (volunteers with no message)", lost),
            ("duplicated (extra copies)", duplicated),
            ("other messages to these volunteers", others),
            ("ledger: delivered / failed / blocked", ledger),
        ],
        figures=figures,
        targets=[
            Target(f"ratio at least {TARGET_RATIO:g}", ratio >= TARGET_RATIO),
            Target("no 429 received", sent.too_many == 0),
            Target("none lost, none duplicated", lost == 0 and duplicated == 0),
        ],
    )
