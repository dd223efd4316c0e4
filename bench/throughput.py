"""Throughput, in-process (old): updates per second through the sign-up journey, against a
plain echo bot, everything in this one process.

Kept for one release beside bench/fair (`throughput-procs`), which runs the stand-in and the
load in processes of their own, so that the change of instrument is visible. Here both bots
are real python-telegram-bot Applications polling an in-process stand-in Bot API over real
HTTP. The echo bot handles one update at a time (PTB's default); panelbot handles
different people's updates side by side, each person's in order (bot/telegram/ordering.py).
Simulated people act in a closed loop: each sends an update and waits until the bot has
handled it before sending the next; CONCURRENCY people act at once, so the bot always has
updates waiting. The two bots take turns in ROUNDS, so a change in the machine's load falls
on both alike.

Each of the 10,000 volunteers opens the sign-up link and agrees to the privacy notice (so
10,000 volunteers end up in the database); every FULL_EVERY-th goes on through the whole
journey to "Send". Echo users send /start and press its button: a command and a press.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bench.common import EXAMPLE_CODE, TOKEN, open_panelbot
from bench.echo import build_echo_application
from bench.report import Result, Target
from bench.steps import ECHO, FULL_EVERY, Step, find_button, first_contact, whole_journey
from bot.standin.api import FakeBotApi, FakeUser
from bot.standin.harness import DONE_GROUP, AnyApplication, BotHarness, Reply
from bot.telegram.app import build_application

VOLUNTEERS = 10_000
ECHO_PEOPLE = 2_000  # enough for a steady rate: the echo bot keeps nothing per person
WARM_UP = 50
ROUNDS = 5
CONCURRENCY = 32
TARGET_RATIO = 0.5


FIRST_CONTACT = first_contact(EXAMPLE_CODE)
WHOLE_JOURNEY = whole_journey(EXAMPLE_CODE)


class TimedApi(FakeBotApi):
    """The stand-in, noting when each update was queued for the bot to fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.queued_at: dict[int, float] = {}

    def _queue(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = super()._queue(kind, payload)
        self.queued_at[update_id] = time.perf_counter()
        return update_id


class Stopwatch:
    """Notes when each update reaches the bot's first handler group and when all are done."""

    def __init__(self, app: AnyApplication) -> None:
        self.started: dict[int, float] = {}
        self.finished: dict[int, float] = {}
        app.add_handler(TypeHandler(Update, self._start), group=-(2**31))
        # Just before the harness's own marker: after every handler of the bot has finished.
        app.add_handler(TypeHandler(Update, self._finish), group=DONE_GROUP - 1)

    async def _start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.started[update.update_id] = time.perf_counter()

    async def _finish(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.finished[update.update_id] = time.perf_counter()


@dataclasses.dataclass
class Tally:
    """Everything measured for one bot, summed over its rounds."""

    updates: int = 0
    elapsed: float = 0.0
    latency: list[float] = dataclasses.field(default_factory=list)  # queued -> done, s
    busy: dict[str, list[float]] = dataclasses.field(  # first handler -> last, s, per step
        default_factory=lambda: defaultdict(list)
    )

    @property
    def rate(self) -> float:
        return self.updates / self.elapsed


class Bench:
    """One bot under test: its stand-in, its harness, and what has been measured."""

    def __init__(self, api: TimedApi, harness: BotHarness, watch: Stopwatch) -> None:
        self.api, self.harness, self.watch = api, harness, watch
        self.tally = Tally()

    async def act(self, user: FakeUser, step: Step, last: Reply | None) -> Reply:
        if step.text is not None:
            reply = await self.harness.say(user, step.text)
        else:
            assert step.press is not None and last is not None
            message_id, data = reply_button(last, step.press)
            reply = await self.harness.press(user, message_id, data)
        if not reply:
            raise AssertionError(f"the bot did not answer {step.name!r}")
        return reply

    async def drive(
        self, people: Sequence[tuple[FakeUser, Sequence[Step]]], *, count: bool = True
    ) -> None:
        queue = iter(people)
        done: list[tuple[Step, int]] = []

        async def person() -> None:
            for user, steps in queue:
                last = None
                for step in steps:
                    last = await self.act(user, step, last)
                    done.append((step, last.update_id))

        began = time.perf_counter()
        await asyncio.gather(*(person() for _ in range(CONCURRENCY)))
        if not count:
            return
        self.tally.elapsed += time.perf_counter() - began
        self.tally.updates += len(done)
        for step, update_id in done:
            finished = self.watch.finished[update_id]
            self.tally.latency.append(finished - self.api.queued_at[update_id])
            self.tally.busy[step.name].append(finished - self.watch.started[update_id])


def reply_button(reply: Reply, pattern: str) -> tuple[int, str]:
    """The newest (message id, callback data) of a reply whose data matches `pattern`."""
    return find_button(
        [
            (m.message_id, [b.callback_data for row in m.buttons for b in row if b.callback_data])
            for m in reply.messages + reply.edited
        ],
        pattern,
    )


@asynccontextmanager
async def bench(app: AnyApplication, api: TimedApi) -> AsyncIterator[Bench]:
    watch = Stopwatch(app)
    async with BotHarness(api, app, timeout=60.0) as harness:
        yield Bench(api, harness, watch)


@asynccontextmanager
async def panelbot(folder: Path, api: TimedApi, saved: list[int]) -> AsyncIterator[Bench]:
    ctx, _ = await open_panelbot(folder, api, coordinator_id=9001)
    db = ctx.db
    try:
        async with bench(build_application(ctx, token=TOKEN), api) as measured:
            yield measured
        async with db.transaction() as tx:
            cursor = await tx.execute("SELECT count(*) FROM volunteers")
            row = await cursor.fetchone()
        saved.append(int(row[0]) if row else 0)
    finally:
        await db.close()


def _people(
    first_id: int, count: int, steps: Sequence[Step], whole: Sequence[Step] | None = None
) -> list[tuple[FakeUser, Sequence[Step]]]:
    return [
        (
            FakeUser(first_id + n, f"Volunteer{n}"),
            whole if whole is not None and n % FULL_EVERY == 0 else steps,
        )
        for n in range(count)
    ]


def _ms(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 2)


def _figures(tally: Tally) -> dict[str, Any]:
    busy = [b for values in tally.busy.values() for b in values]
    return {
        "updates": tally.updates,
        "elapsed_s": round(tally.elapsed, 3),
        "updates_per_s": round(tally.rate, 1),
        "latency_p50_ms": _ms(tally.latency, 0.5),
        "latency_p99_ms": _ms(tally.latency, 0.99),
        "busy_p50_ms": _ms(busy, 0.5),
        "busy_p99_ms": _ms(busy, 0.99),
        "busy_p50_ms_by_step": {name: _ms(values, 0.5) for name, values in tally.busy.items()},
    }


async def measure(volunteers: int, echo_people: int) -> tuple[Tally, Tally, int]:
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # PTB warns on every 429 otherwise
    saved: list[int] = []
    echo_api, bot_api = TimedApi(), TimedApi()
    with tempfile.TemporaryDirectory(prefix="panelbot-bench-") as folder:
        async with (
            echo_api,
            bot_api,
            bench(build_echo_application(echo_api.base_url, TOKEN), echo_api) as echo,
            panelbot(Path(folder), bot_api, saved) as bot,
        ):
            await echo.drive(_people(1, WARM_UP, ECHO), count=False)
            await bot.drive(_people(1, WARM_UP, FIRST_CONTACT, WHOLE_JOURNEY), count=False)
            echo_turns = _people(10_000_000, echo_people, ECHO)
            bot_turns = _people(10_000_000, volunteers, FIRST_CONTACT, WHOLE_JOURNEY)
            for turn in range(ROUNDS):
                await echo.drive(echo_turns[turn::ROUNDS])
                await bot.drive(bot_turns[turn::ROUNDS])
    return echo.tally, bot.tally, saved[0] - WARM_UP


async def run(volunteers: int = VOLUNTEERS, echo_people: int = ECHO_PEOPLE) -> Result:
    echo, bot, saved = await measure(volunteers, echo_people)
    ratio = bot.rate / echo.rate
    bot_figures = _figures(bot)
    figures = {
        "concurrency": CONCURRENCY,
        "rounds": ROUNDS,
        "ratio": round(ratio, 3),
        "volunteers": volunteers,
        "whole_journeys": -(-volunteers // FULL_EVERY),
        "volunteers_in_database": saved,
        "echo": _figures(echo),
        "panelbot": bot_figures,
    }
    rows: list[tuple[object, ...]] = []
    for name, people, tally in (
        ("echo bot", echo_people, echo),
        ("panelbot sign-up", volunteers, bot),
    ):
        f = _figures(tally)
        rows.append(
            (
                name,
                people,
                f["updates"],
                f["elapsed_s"],
                f["updates_per_s"],
                f["latency_p50_ms"],
                f["latency_p99_ms"],
                f["busy_p50_ms"],
                f["busy_p99_ms"],
            )
        )
    rows.append(("ratio panelbot / echo", "", "", "", ratio, "", "", "", ""))
    slowest = sorted(bot_figures["busy_p50_ms_by_step"].items(), key=lambda kv: -kv[1])
    return Result(
        name="throughput",
        title=(
            f"Throughput, in-process (old): {volunteers:,} volunteers "
            f"(1 in {FULL_EVERY} the whole journey), "
            f"{CONCURRENCY} at a time"
        ),
        header=(
            "bot",
            "people",
            "updates",
            "seconds",
            "updates/s",
            "p50 ms",
            "p99 ms",
            "busy p50",
            "busy p99",
        ),
        rows=rows,
        figures=figures,
        targets=[
            Target(f"panelbot at least {TARGET_RATIO:g} of the echo bot", ratio >= TARGET_RATIO)
        ],
        notes=[
            "p50/p99: from the update being queued at the stand-in until every handler has "
            "finished, its replies acknowledged (so it includes waiting behind the others); "
            "busy: the bot's own time on the update, first handler to last",
            "slowest panelbot steps (busy p50 ms): "
            + ", ".join(f"{name} {ms:g}" for name, ms in slowest[:3]),
        ],
    )
