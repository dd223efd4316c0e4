"""Someone who signs up after a person was erased gets every message of their own: the
ledger's keys hold ids, so an erased person's ids must never be given to someone new."""

from __future__ import annotations

from bot.standin.api import FakeUser
from tests.conftest import World
from tests.factories import signed_up
from tests.scheduler_helpers import london, messages, tick, tick_at

ALEX = FakeUser(1002, "Alex")
REMINDER = "A reminder about Welcome and briefing"


def calendar_files(world: World, user: FakeUser) -> list[str]:
    return [m.document[0] for m in world.api.messages_to(user.id) if m.document]


async def test_a_new_person_after_an_erasure_gets_their_own_reminder_and_calendar_file(
    world: World, sam: FakeUser
) -> None:
    # Sam has a place, their calendar file and the 7-day reminder for the briefing.
    await signed_up(world, world.panel_id, sam, world.clock.now())
    await tick(world)
    await tick_at(world, london(2027, 3, 2, 11))
    assert calendar_files(world, sam) and len(messages(world, sam.id, REMINDER)) == 1

    await world.harness.say(sam, "/delete")
    assert "deleted" in (await world.harness.press_button(sam, "Yes, delete everything")).text

    # Alex signs up in the same minute (the newest rows were Sam's, so SQLite would give
    # Alex the very same ids) and is owed the same two messages.
    await signed_up(world, world.panel_id, ALEX, world.clock.now())
    await tick(world)
    await tick(world)  # the reminder follows the calendar file
    assert calendar_files(world, ALEX), "Alex never got their calendar file"
    assert len(messages(world, ALEX.id, REMINDER)) == 1, "Alex never got their reminder"
