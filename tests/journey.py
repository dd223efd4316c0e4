"""Walk a volunteer through sign-up in chat, as a person would, for tests that need one."""

from __future__ import annotations

from bot.standin.api import FakeUser
from bot.standin.harness import Reply
from tests.conftest import EXAMPLE_CODE, World

INFO_PAGES = 8


async def consent(world: World, user: FakeUser, code: str = EXAMPLE_CODE) -> Reply:
    await world.harness.say(user, f"/start {code}")
    return await world.harness.press_button(user, "Yes, that's OK")


async def read_info(world: World, user: FakeUser) -> Reply:
    reply = None
    for _ in range(INFO_PAGES):
        reply = await world.harness.press_button(user, "Next")
    assert reply is not None
    return reply


async def to_summary(world: World, user: FakeUser, *, name: str = "Sam") -> Reply:
    """From the name question to the summary, answering like a typical volunteer."""
    h = world.harness
    await h.say(user, name)
    await h.press_button(user, "I use services")
    await h.press_button(user, "Skip this")
    await h.press_button(user, "Yes, you can keep a note")
    await h.press_button(user, "Reading stand")
    await h.press_button(user, "Caffeine-free")
    await h.press_button(user, "Done")
    await h.press_button(user, "Skip this")
    for _ in range(6):
        await h.press_button(user, "Yes")
    await h.press_button(user, "Monday")
    await h.press_button(user, "Done")
    await h.press_button(user, "None of these")
    await h.press_button(user, "Yes, I'd like to")
    return await h.press_button(user, "Yes, please pay me")


async def sign_up(world: World, user: FakeUser, *, name: str = "Sam",
                  code: str = EXAMPLE_CODE) -> Reply:
    await consent(world, user, code)
    await read_info(world, user)
    await to_summary(world, user, name=name)
    return await world.harness.press_button(user, "Send")
