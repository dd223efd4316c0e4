"""Broadcast: one message to 1,000 volunteers through a stand-in enforcing 30 messages a second.

The real Application runs against the stand-in, which answers 429 (retry after 1 s) to any
request with a chat_id beyond 30 in a second. 1,000 confirmed volunteers are written to
the database; the broadcast is created and started as the coordinator's Send button does
(bot.store.broadcasts.start, then the Application's BroadcastRunner), with the progress
message in the coordinator's chat. Elapsed time runs from the start until the stand-in has
received the last volunteer's message; the floor is 1,000 / 30 = 33.3 s.

Twice: on the machine as it is, and with another program keeping every core busy from just
before the broadcast until it has ended (bench/busy.py), as a shared server might. Both
must end with no 429, nobody left out and nobody sent it twice.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import tempfile
import time
from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from bench import seed
from bench.busy import Busy, busy_cores
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
TARGET_RATIO = 0.985
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
    ledger_writes: int  # transactions the senders' turns took
    cores_busy: float  # CPU the other program had, in cores (0 on the machine as it is)


async def _broadcast(api: StampedApi, folder: Path, busy: bool) -> Sent:
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
            spinning: AbstractContextManager[Busy | None] = busy_cores() if busy else nullcontext()
            with spinning as spinners:
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
        chats,
        last - began,
        until_report,
        api.too_many_requests_sent - before,
        report.waits,
        ledger,
        report.writes,
        spinners.cores_used if spinners is not None else 0.0,
    )


@dataclasses.dataclass(frozen=True)
class Case:
    sent: Sent
    lost: int
    duplicated: int
    others: int  # other messages these volunteers received

    @property
    def ratio(self) -> float:
        return FLOOR / self.sent.elapsed

    def figures(self) -> dict[str, Any]:
        return {
            "elapsed_s": round(self.sent.elapsed, 3),
            "until_report_s": round(self.sent.until_report, 3),
            "ratio": round(self.ratio, 3),
            "too_many_requests": self.sent.too_many,
            "waits_seen_by_bot": self.sent.waits,
            "lost": self.lost,
            "duplicated": self.duplicated,
            "other_messages": self.others,
            "ledger": self.sent.ledger,
            "ledger_transactions": self.sent.ledger_writes,
            "other_program_cores": round(self.sent.cores_busy, 2),
        }


async def _case(busy: bool) -> Case:
    api = StampedApi()
    with tempfile.TemporaryDirectory(prefix="panelbot-bench-") as folder:
        async with api:
            sent = await _broadcast(api, Path(folder), busy)
    copies = Counter(m.chat_id for m in api.sent if TEXT in m.text)
    received = [copies[chat] for chat in sent.chats]
    others = sum(api.deliveries_per_chat[chat] for chat in sent.chats) - sum(received)
    return Case(sent, received.count(0), sum(n - 1 for n in received if n > 1), others)


def _ledger(case: Case) -> str:
    return " / ".join(
        str(case.sent.ledger.get(state, 0)) for state in ("delivered", "failed", "blocked")
    )


async def run() -> Result:
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # PTB warns on every 429 otherwise
    quiet = await _case(busy=False)
    busy = await _case(busy=True)
    cases = (quiet, busy)

    def row(what: str, value: Any) -> tuple[object, ...]:
        return (what, *(value(case) for case in cases))

    return Result(
        name="broadcast",
        title=(
            f"Broadcast: one message to {RECIPIENTS:,} volunteers, stand-in limit "
            f"{RATE_LIMIT} msg/s; on the machine as it is, and with every core kept busy"
        ),
        header=("measure", "as it is", "cores busy"),
        rows=[
            row("elapsed to the last volunteer, s", lambda c: c.sent.elapsed),
            row(f"floor ({RECIPIENTS:,} / {RATE_LIMIT}), s", lambda c: FLOOR),
            row("ratio floor / elapsed", lambda c: c.ratio),
            row("until the coordinator's report, s", lambda c: c.sent.until_report),
            row("429s received", lambda c: c.sent.too_many),
            row("lost (volunteers with no message)", lambda c: c.lost),
            row("duplicated (extra copies)", lambda c: c.duplicated),
            row("other messages to these volunteers", lambda c: c.others),
            row("ledger: delivered / failed / blocked", _ledger),
            row("ledger transactions", lambda c: c.sent.ledger_writes),
            row(
                "the other program's CPU, cores",
                lambda c: round(c.sent.cores_busy, 2) if c is busy else "none",
            ),
        ],
        figures={
            "recipients": RECIPIENTS,
            "rate_limit_per_s": RATE_LIMIT,
            "floor_s": round(FLOOR, 3),
            **quiet.figures(),  # the machine as it is, as before
            "cores_busy": busy.figures(),
        },
        targets=[
            Target(f"ratio at least {TARGET_RATIO:g}", quiet.ratio >= TARGET_RATIO),
            Target(f"ratio at least {TARGET_RATIO:g}, cores busy", busy.ratio >= TARGET_RATIO),
            *(
                Target(f"no 429 received{where}", case.sent.too_many == 0)
                for case, where in ((quiet, ""), (busy, ", cores busy"))
            ),
            *(
                Target(
                    f"none lost, none duplicated{where}",
                    case.lost == 0 and case.duplicated == 0,
                )
                for case, where in ((quiet, ""), (busy, ", cores busy"))
            ),
        ],
    )
