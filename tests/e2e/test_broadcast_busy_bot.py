"""While a broadcast goes out at nearly Telegram's 30 a second, the bot still answers people,
and neither its answers nor the broadcast draw a 429 from a stand-in that counts every
request with a chat_id."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.standin.api import FakeBotApi, FakeUser
from tests.conftest import EXAMPLE_CODE, World
from tests.coordinating import runner, seed

VOLUNTEERS = 90  # about three seconds of sending


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(rate_limit_per_second=30) as running:
        yield running


@pytest.mark.timeout(60)
async def test_people_get_answers_during_a_broadcast_and_nothing_draws_a_429(
    world: World, coordinator: FakeUser, sam: FakeUser
) -> None:
    people = await seed(world, VOLUNTEERS)
    await world.harness.say(coordinator, f"/broadcast {EXAMPLE_CODE}")
    await world.harness.say(coordinator, "The training day moves to Room 3. Same time.")
    await world.harness.press_button(coordinator, f"Everyone signed up ({VOLUNTEERS})")
    await world.harness.press_button(coordinator, f"Send to {VOLUNTEERS}")
    answers = []
    for _ in range(5):
        answers.append(await world.harness.say(sam, "/help"))
    [report] = (await runner(world).join()).values()

    assert all(answer.text for answer in answers)
    assert world.api.too_many_requests_sent == 0
    assert report.waits == 0 and report.delivered == VOLUNTEERS
    assert [world.api.deliveries_per_chat[p] for p in people] == [1] * VOLUNTEERS
