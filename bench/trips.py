"""Trips to the database per update: how many SQL statements an update costs, and how many
times the event loop hands work to aiosqlite's thread and waits for it (a trip).

The real Application runs against the in-process stand-in, as in the tests; volunteers walk
the whole sign-up journey. Statements are counted by SQLite itself (the connection's trace
callback, so nothing the code does escapes it: BEGIN and COMMIT count too); trips by
counting the calls aiosqlite queues for its thread. Each update's figures run from the
moment the stand-in queues it until its last handler has finished, so they include saving
the update in the journal and marking it done.
"""

from __future__ import annotations

import statistics
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bench.common import TOKEN, open_panelbot
from bench.report import Result
from bench.throughput import WHOLE_JOURNEY, Step, TimedApi, reply_button
from bot.standin.api import FakeUser
from bot.standin.harness import BotHarness, Reply
from bot.telegram.app import build_application

PEOPLE = 20
COORDINATOR = 9001
# What each step of the walk is, for the table: the kinds of update the issue names.
KINDS = {
    "open the sign-up link": "/start with the panel's code",
    "agree to the privacy notice": "press: agree to the privacy notice",
    "turn an information page": "press: turn an information page",
    "type their name": "typed answer: their name",
    "tick a need": "press: tick a support need",
    "answer availability": "press: answer a session's availability",
    "send the application": "press: send the application",
}


class Counter:
    """Statements SQLite ran and trips to aiosqlite's thread, since it was made."""

    def __init__(self) -> None:
        self.statements = 0
        self.trips = 0

    def statement(self, sql: str) -> None:
        if not sql.lstrip().startswith("--"):  # a trigger's own lines are not statements
            self.statements += 1


@contextmanager
def counting_trips(counter: Counter) -> Iterator[None]:
    original: Callable[..., Any] = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        counter.trips += 1
        return await original(self, fn, *args, **kwargs)

    aiosqlite.Connection._execute = counted  # type: ignore[method-assign]
    try:
        yield
    finally:
        aiosqlite.Connection._execute = original  # type: ignore[method-assign]


async def _walk(
    harness: BotHarness, counter: Counter, user: FakeUser
) -> list[tuple[str, int, int]]:
    seen: list[tuple[str, int, int]] = []
    last: Reply | None = None
    step: Step
    for step in WHOLE_JOURNEY:
        statements, trips = counter.statements, counter.trips
        if step.text is not None:
            last = await harness.say(user, step.text)
        else:
            assert step.press is not None and last is not None
            message_id, data = reply_button(last, step.press)
            last = await harness.press(user, message_id, data)
        seen.append((step.name, counter.statements - statements, counter.trips - trips))
    return seen


async def measure(people: int = PEOPLE) -> dict[str, dict[str, float]]:
    counter = Counter()
    per_step: dict[str, list[tuple[int, int]]] = defaultdict(list)
    api = TimedApi()
    with tempfile.TemporaryDirectory(prefix="panelbot-trips-") as folder, counting_trips(counter):
        async with api:
            ctx, _ = await open_panelbot(Path(folder), api, coordinator_id=COORDINATOR)
            try:
                await ctx.db._conn.set_trace_callback(counter.statement)
                app = build_application(ctx, token=TOKEN)
                async with BotHarness(api, app, timeout=30.0) as harness:
                    for n in range(people):
                        walked = await _walk(harness, counter, FakeUser(50_000 + n, f"V{n}"))
                        if n == 0:
                            continue  # the first walk warms up what is loaded once
                        for name, statements, trips in walked:
                            per_step[name].append((statements, trips))
            finally:
                await ctx.db.close()
    table: dict[str, dict[str, float]] = {}
    for name, kind in KINDS.items():
        values = per_step[name]
        table[kind] = {
            "statements": statistics.median(s for s, _ in values),
            "trips": statistics.median(t for _, t in values),
        }
    every = [pair for values in per_step.values() for pair in values]
    table["every update of the journey (mean)"] = {
        "statements": round(statistics.fmean(s for s, _ in every), 1),
        "trips": round(statistics.fmean(t for _, t in every), 1),
    }
    return table


async def run(people: int = PEOPLE) -> Result:
    table = await measure(people)
    return Result(
        name="trips",
        title=f"Database work per update: {people - 1} volunteers through the whole sign-up",
        header=("update", "SQL statements", "trips to aiosqlite's thread"),
        rows=[(kind, row["statements"], row["trips"]) for kind, row in table.items()],
        figures={"people": people, "per_update": table},
        notes=[
            "median per kind of update; statements counted by SQLite's trace callback "
            "(BEGIN and COMMIT included), trips by aiosqlite's queue",
        ],
    )
