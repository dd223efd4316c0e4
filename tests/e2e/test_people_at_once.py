"""Many people at once: each person's taps are handled in the order they were made."""

from __future__ import annotations

import asyncio

from telegram import CallbackQuery, Update, User

from bot.standin.api import FakeUser
from bot.telegram.ordering import InOrderPerPerson
from tests.conftest import World
from tests.journey import consent

PEOPLE = 6
TAPS = 5  # quick taps on "Next", one after another, without waiting for the bot


async def test_quick_taps_from_many_people_are_each_handled_in_order(world: World) -> None:
    people = [FakeUser(2000 + n, f"Person {n}") for n in range(PEOPLE)]
    for person in people:
        await consent(world, person)
    first_pages = {p.id: world.api.messages_to(p.id)[-1].message_id for p in people}
    # Everyone taps at once: the bot sees the taps interleaved, person by person.
    update_ids = [
        world.api.press(person, first_pages[person.id], f"v:info:next.{page}")
        for page in range(TAPS)
        for person in people
    ]
    await asyncio.gather(*(world.harness.wait_processed(u) for u in update_ids))
    for person in people:
        texts = [m.text for m in world.api.messages_to(person.id)[-TAPS:]]
        # Pages 2 to 6 in turn; a tap handled before the one it follows would be "stale".
        assert [f"({page + 2} of 8)" in text for page, text in enumerate(texts)] == [True] * TAPS
        assert not any("from an earlier message" in text for text in texts)


def _tap(update_id: int, user_id: int) -> Update:
    return Update(
        update_id,
        callback_query=CallbackQuery(
            str(update_id), User(user_id, "Someone", is_bot=False), "instance", data="x"
        ),
    )


async def test_a_persons_second_tap_waits_for_the_first_but_nobody_else_waits() -> None:
    processor = InOrderPerPerson()
    first_tap_may_finish = asyncio.Event()
    handled: list[int] = []

    async def handle(update_id: int, *, hold: bool = False) -> None:
        if hold:
            await first_tap_may_finish.wait()
        handled.append(update_id)

    async with processor:
        slow = asyncio.create_task(processor.process_update(_tap(1, 500), handle(1, hold=True)))
        second = asyncio.create_task(processor.process_update(_tap(2, 500), handle(2)))
        other = asyncio.create_task(processor.process_update(_tap(3, 600), handle(3)))
        await other
        assert handled == [3]  # someone else's tap did not wait for person 500's slow one
        assert not second.done()
        first_tap_may_finish.set()
        await asyncio.gather(slow, second)
    assert handled == [3, 1, 2]
