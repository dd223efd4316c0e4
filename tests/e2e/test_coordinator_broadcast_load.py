"""A broadcast to 500 volunteers, 5 of whom blocked the bot, against a stand-in that answers
429 whenever more than 30 requests a second carry a chat id. Slow on purpose (~18 s at
Telegram's pace), so it is the only test of its size."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator

import pytest

from bot.services.delivery.broadcasts import PROGRESS_EVERY
from bot.standin.api import FakeBotApi, FakeUser
from tests.conftest import COORDINATOR_ID, EXAMPLE_CODE, World
from tests.coordinating import last_to, rows, runner, seed

VOLUNTEERS = 500
BLOCKED = 5


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(rate_limit_per_second=30) as running:
        yield running


@pytest.mark.timeout(120)
async def test_a_broadcast_to_500_is_paced_with_no_429_and_reaches_everyone_once(
    world: World, coordinator: FakeUser, caplog: pytest.LogCaptureFixture
) -> None:
    people = await seed(world, VOLUNTEERS)
    blocked = set(people[:: VOLUNTEERS // BLOCKED][:BLOCKED])
    for telegram_id in blocked:
        world.api.block(telegram_id)
    await world.harness.say(coordinator, f"/broadcast {EXAMPLE_CODE}")
    await world.harness.say(coordinator, "The training day moves to Room 3. Same time.")
    await world.harness.press_button(coordinator, "Everyone signed up (500)")
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="bot.services.broadcast_delivery"):
        await world.harness.press_button(coordinator, "Send to 500")
        [report] = (await runner(world).join()).values()
    elapsed = time.monotonic() - started

    assert world.api.too_many_requests_sent == 0
    assert report.waits == 0
    for telegram_id in people:
        assert world.api.deliveries_per_chat[telegram_id] == (0 if telegram_id in blocked else 1)
    assert (report.delivered, report.blocked, report.failed) == (495, 5, 0)
    final = last_to(world, COORDINATOR_ID).text
    assert "Delivered: 495" in final and "Blocked the bot: 5" in final and "Failed: 0" in final
    assert sorted(
        t for (t,) in await rows(world, "SELECT telegram_id FROM volunteers WHERE unreachable = 1")
    ) == sorted(blocked)
    # Never more than 30 a second, so the floor is about (500 + edits) / 30 seconds.
    assert 500 / 30 <= elapsed < 40
    edits = len(world.api.calls("editMessageText"))
    assert 3 <= edits <= elapsed / PROGRESS_EVERY + 3  # the first, every few seconds, the last
    print(
        f"\nbroadcast to {VOLUNTEERS}: {elapsed:.1f} s, {edits} progress edits, "
        f"{world.api.too_many_requests_sent} 429s"
    )
