"""Every typed answer has a limit, said kindly when it is reached: notes typed one after
another at the conflicts question stop growing at the note limit."""

from __future__ import annotations

from bot.standin.api import FakeUser
from bot.text import NOTE_MAX
from tests.conftest import World
from tests.coordinating import rows
from tests.journey import consent, read_info

NOTED = "Thanks, I've noted that."
FULL = "Your note about links with groups is full"


async def to_conflicts(world: World, user: FakeUser) -> None:
    h = world.harness
    await consent(world, user)
    await read_info(world, user)
    await h.say(user, "Sam")
    await h.press_button(user, "I use services")
    await h.press_button(user, "Skip this")
    await h.press_button(user, "No, thank you")
    for _ in range(6):
        await h.press_button(user, "Yes")
    await h.press_button(user, "Monday")
    await h.press_button(user, "Done")


async def test_conflict_notes_stop_at_the_limit_with_a_kind_word(
    world: World, sam: FakeUser
) -> None:
    await to_conflicts(world, sam)
    note = "I volunteer at a local day centre run by a charity. " * 6  # about 300 characters
    answers = [(await world.harness.say(sam, note)).text for _ in range(6)]
    assert all(NOTED in answer for answer in answers[:3])
    assert all(FULL in answer and NOTED not in answer for answer in answers[3:])
    await world.harness.press_button(sam, "Done")
    [(kept,)] = await rows(world, "SELECT conflicts_note FROM applications")
    assert len(kept) <= NOTE_MAX
    assert kept.count("day centre") == 18  # the first three notes, whole
