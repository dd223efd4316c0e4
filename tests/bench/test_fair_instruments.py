"""The fair throughput benchmark's instruments: the stand-in's control API says an update is
answered only once the bot has made every answer to it, and the CPU reading is the process's."""

from __future__ import annotations

import os
import time

import pytest

from bench.echo import ECHO_TOKEN, build_echo_application
from bench.fair.client import ControlError, StandInControl
from bench.fair.procs import cpu_seconds, parse_cpu_ticks
from bench.fair.standin import Control, WatchedApi
from bench.steps import ECHO
from bot.standin.harness import BotHarness


async def test_an_update_is_answered_once_every_answer_to_that_person_has_arrived() -> None:
    api = WatchedApi(token=ECHO_TOKEN)
    control = Control({"echo": api})
    async with api:
        await control.start()
        try:
            async with (
                BotHarness(api, build_echo_application(api.base_url)),
                StandInControl(control.url) as client,
            ):
                sent = time.monotonic()
                started = await client.act("echo", 42, ECHO[0], None, expect=1, within=5)
                # The press draws two answers: answerCallbackQuery (no chat_id in it) and
                # the edit; if the first were not put down to the person, this would time out.
                pressed = await client.act("echo", 42, ECHO[1], started, expect=2, within=5)
                totals = await client.quiet("echo", settle=0.0, people=[42, 43])
                with pytest.raises(ControlError, match="no bot"):
                    await client.status("panelbot")
        finally:
            await control.stop()
    keyboard = api.messages_to(42)[0]
    assert started.messages == [(keyboard.message_id, ["choice:yes", "choice:no"])]
    assert sent <= started.answered_at <= pressed.answered_at <= time.monotonic()
    assert (started.answers, pressed.answers) == (1, 2)
    assert "You chose" in keyboard.text and len(api.callback_answers) == 1
    assert (totals["theirs"], totals["refused"], totals["unfetched"]) == (3, {}, 0)


def test_cpu_time_is_read_from_the_fields_after_the_command_name() -> None:
    # A command name may hold spaces and parentheses: fields count from the last ")".
    fields = ["S", "1", "2", "3", "0", "-1", "4194560", "10", "0", "0", "0", "250", "31"]
    assert parse_cpu_ticks("4242 (a (b) c) " + " ".join([*fields, "7", "9", "20"])) == 281


def test_cpu_time_of_this_process_agrees_with_the_kernel_s_own_count() -> None:
    deadline = time.process_time() + 0.05
    while time.process_time() < deadline:  # some CPU time of our own to read
        pass
    times = os.times()
    assert abs(cpu_seconds(os.getpid()) - (times.user + times.system)) < 0.03
