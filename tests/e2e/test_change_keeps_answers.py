"""Changing a part opens its checklist with the saved choices ticked and the typed note
kept: Done saves what it showed, never less."""

from __future__ import annotations

from typing import Any

from bot.standin.api import FakeUser
from tests.conftest import World
from tests.journey import consent, read_info

NOTE = "My sister volunteers at Mind Ashbridge"


async def rows(world: World, sql: str) -> list[Any]:
    async with world.db.transaction() as tx:
        cursor = await tx.execute(sql)
        return [tuple(row) for row in await cursor.fetchall()]


async def at_summary_with_a_conflict(world: World, user: FakeUser) -> None:
    h = world.harness
    await consent(world, user)
    await read_info(world, user)
    await h.say(user, "Sam")
    await h.press_button(user, "I use services")
    await h.press_button(user, "Skip this")
    await h.press_button(user, "Yes, you can keep a note")
    await h.press_button(user, "Reading stand")
    await h.press_button(user, "Done")
    await h.press_button(user, "Skip this")
    for _ in range(6):
        await h.press_button(user, "Yes")
    await h.press_button(user, "Monday")
    await h.press_button(user, "Done")
    await h.press_button(user, "Brightwater")
    await h.say(user, NOTE)
    await h.press_button(user, "Done")
    await h.press_button(user, "Yes, I'd like to")
    await h.press_button(user, "Yes, please pay me")


async def test_changing_links_to_groups_keeps_the_ticks_and_the_note(
    world: World, sam: FakeUser
) -> None:
    await at_summary_with_a_conflict(world, sam)
    await world.harness.press_button(sam, "Change something")
    checklist = await world.harness.press_button(sam, "Change links to groups")
    assert any(t.startswith("✅") and "Brightwater" in t for t in checklist.last.button_texts)
    assert NOTE in checklist.last.text
    summary = await world.harness.press_button(sam, "Done")
    assert "Brightwater" in summary.last.text
    assert NOTE in summary.last.text
    assert await rows(world, "SELECT conflicts_note FROM applications") == [(NOTE,)]
    assert len(await rows(world, "SELECT * FROM conflicts")) == 1


async def test_availability_keeps_the_reading_days(world: World, sam: FakeUser) -> None:
    await at_summary_with_a_conflict(world, sam)
    await world.harness.press_button(sam, "Send")
    await world.harness.say(sam, "/availability")
    for _ in range(5):
        await world.harness.press_button(sam, "Yes")
    days = await world.harness.press_button(sam, "Yes")
    assert any(t.startswith("✅") and "Monday" in t for t in days.last.button_texts)
    await world.harness.press_button(sam, "Done")
    assert await rows(world, "SELECT days FROM applications") == [("mon",)]


async def test_changing_needs_keeps_the_ticks(world: World, sam: FakeUser) -> None:
    await at_summary_with_a_conflict(world, sam)
    await world.harness.press_button(sam, "Change something")
    await world.harness.press_button(sam, "Change help you need")
    checklist = await world.harness.press_button(sam, "I want to change it")
    assert any(t.startswith("✅") and "Reading stand" in t for t in checklist.last.button_texts)
    await world.harness.press_button(sam, "Caffeine-free")
    await world.harness.press_button(sam, "Done")
    saved = await rows(world, "SELECT code FROM needs ORDER BY code")
    assert saved == [("drinks",), ("reading_stand",)]
