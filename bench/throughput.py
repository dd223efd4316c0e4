"""Throughput: updates per second through the sign-up journey, against a plain echo bot.

Both bots are the real python-telegram-bot Application, polling the same in-process
stand-in Bot API over real HTTP, handling one update at a time (PTB's default). Simulated
people act in a closed loop: each sends an update and waits until the bot has handled it
(its replies acknowledged by the stand-in) before the next; CONCURRENCY people act at once,
so the bot always has a queue of updates and never waits for work.

Each volunteer does /start CODE, agrees to the privacy notice, and turns the first
information page; echo users do /start, press a button and send a text. So 10,000 distinct
people each cost 3 updates on either side.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bench.report import Result, Target
from bot.clock import FakeClock
from bot.config import load_settings
from bot.sandbox.echo import build_echo_application
from bot.sandbox.fake_api import BotMessage, FakeBotApi, FakeUser
from bot.sandbox.harness import DONE_GROUP, AnyApplication, BotHarness, Reply
from bot.services import panel_admin
from bot.services.context import AppContext
from bot.store.db import Database
from bot.telegram.app import build_application

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PANEL = ROOT / "examples" / "panel.yaml"
EXAMPLE_CODE = "ashbridge-day-2027"
TOKEN = "123:bench-token-not-a-real-one"
# Before the example panel's sign-up closes, as in the tests.
START = FakeClock.__call__ if False else None  # placeholder removed below
VOLUNTEERS = 10_000
WARM_UP = 100
CONCURRENCY = 32
TARGET_RATIO = 0.5

Script = Callable[[BotHarness, FakeUser], Awaitable[list[Reply]]]


class Stopwatch:
    """Stamps when each update reaches the first handler group and when all have finished."""

    def __init__(self) -> None:
        self.started: dict[int, float] = {}
        self.finished: dict[int, float] = {}

    def attach(self, app: AnyApplication) -> None:
        app.add_handler(TypeHandler(Update, self._start), group=-(2**31))
        # Just before the harness's own marker, after every handler of the bot.
        app.add_handler(TypeHandler(Update, self._finish), group=DONE_GROUP - 1)

    async def _start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.started[update.update_id] = time.perf_counter()

    async def _finish(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.finished[update.update_id] = time.perf_counter()


@dataclasses.dataclass
class Run:
    updates: int
    elapsed: float
    latencies: list[float]  # injection -> all handlers done, seconds
    service: list[float]  # first handler group -> last, seconds

    @property
    def rate(self) -> float:
        return self.updates / self.elapsed


def _button(message: BotMessage, prefix: str) -> str:
    for row in message.buttons:
        for button in row:
            if button.callback_data and button.callback_data.startswith(prefix):
                return button.callback_data
    raise AssertionError(f"no button starting {prefix!r} in: {message.button_texts}")


async def volunteer_script(h: BotHarness, user: FakeUser) -> list[Reply]:
    welcome = await h.say(user, f"/start {EXAMPLE_CODE}")
    agree = _button(welcome.last, "c:agree:")
    first_page = await h.press(user, welcome.last.message_id, agree)
    turn = _button(first_page.last, "v:info:next.")
    second_page = await h.press(user, first_page.last.message_id, turn)
    _button(second_page.last, "v:info:next.")
    return [welcome, first_page, second_page]


async def echo_script(h: BotHarness, user: FakeUser) -> list[Reply]:
    hello = await h.say(user, "/start")
    chosen = await h.press(user, hello.last.message_id, _button(hello.last, "choice:"))
    echoed = await h.say(user, f"Hello from {user.first_name}")
    if not chosen.edited or not echoed.messages:
        raise AssertionError("the echo bot did not answer as expected")
    return [hello, chosen, echoed]


async def _drive(h: BotHarness, watch: Stopwatch, users: list[FakeUser], script: Script,
                 concurrency: int) -> Run:
    injected: dict[int, float] = {}
    queue: Iterator[FakeUser] = iter(users)

    async def person() -> None:
        for user in queue:
            began = time.perf_counter()
            for reply in await script(h, user):
                # One update at a time per person: each was injected when the one before ended.
                injected[reply.update_id] = began
                began = watch.finished[reply.update_id]

    started = time.perf_counter()
    await asyncio.gather(*(person() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    ids = sorted(injected)
    return Run(
        updates=len(ids),
        elapsed=elapsed,
        latencies=[watch.finished[i] - injected[i] for i in ids],
        service=[watch.finished[i] - watch.started[i] for i in ids],
    )
