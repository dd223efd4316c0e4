"""/settings: a person pauses or restarts their reminders and chooses whether to hear about
future panels, from the command menu; paused, they still hear at once when a session within
the next day moves."""

from __future__ import annotations

from datetime import timedelta

from bot.standin.api import FakeUser
from tests.conftest import EXAMPLE_CODE, World
from tests.coordinating import rows
from tests.factories import signed_up
from tests.scheduler_helpers import london, messages, tick, tick_at


def reminders(world: World, user: FakeUser) -> list[str]:
    return [m.text for m in messages(world, user.id, "A reminder about Welcome and briefing")]


async def test_settings_is_in_the_command_menu_and_in_help(world: World, sam: FakeUser) -> None:
    menu = {c["command"]: c["description"] for c in world.api.commands_for()}
    assert menu["settings"] == "Pause reminders, or news of panels"
    assert "/settings" in (await world.harness.say(sam, "/help")).text


async def test_a_paused_person_gets_no_reminders_until_they_restart_them(
    world: World, sam: FakeUser
) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now())
    await tick(world)  # the calendar file
    page = await world.harness.say(sam, "/settings")
    assert "Reminders: on" in page.text
    paused = await world.harness.press_button(sam, "Pause my reminders")
    assert "I will not send you reminders for now" in paused.text
    assert await rows(world, "SELECT reminders_paused FROM volunteers") == [(1,)]

    await tick_at(world, london(2027, 3, 2, 11))  # the 7-day reminder's time
    assert reminders(world, sam) == []

    again = await world.harness.press_button(sam, "Restart my reminders")
    assert "Your reminders are back on" in again.text
    await tick_at(world, london(2027, 3, 8, 11))  # the 1-day reminder's time
    got = reminders(world, sam)
    assert len(got) == 1 and "tomorrow" in got[0] and "late" not in got[0]


async def test_a_paused_person_still_hears_of_a_change_within_a_day(
    world: World, sam: FakeUser, coordinator: FakeUser
) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now())
    await tick(world)
    await world.harness.say(sam, "/settings")
    await world.harness.press_button(sam, "Pause my reminders")
    world.clock.set(london(2027, 3, 8, 15))  # the briefing is tomorrow at 11am

    await world.harness.say(coordinator, f"/reschedule {EXAMPLE_CODE}")
    await world.harness.press_button(coordinator, "Welcome and briefing")
    await world.harness.press_button(coordinator, "Change the time")
    await world.harness.say(coordinator, "2027-03-09 14:00-16:00")
    await world.harness.press_button(coordinator, "Send to 1")
    await tick_at(world, world.clock.now() + timedelta(minutes=1))

    changed = messages(world, sam.id, "has changed")
    assert len(changed) == 1 and "Now: Tuesday 9 March 2027, 2pm to 4pm" in changed[0].text


async def test_hearing_about_future_panels_can_be_turned_on_and_off(
    world: World, sam: FakeUser
) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now())
    page = await world.harness.say(sam, "/settings")
    assert "Future panels: we will not tell you about them" in page.text
    yes = await world.harness.press_button(sam, "Tell me about future panels")
    assert "We will tell you about future panels" in yes.text
    assert await rows(world, "SELECT future_panels FROM volunteers") == [(1,)]
    no = await world.harness.press_button(sam, "Don't tell me about future panels")
    assert "We will not tell you about future panels" in no.text
    assert await rows(world, "SELECT future_panels FROM volunteers") == [(0,)]


async def test_settings_before_signing_up_says_so_kindly(world: World, sam: FakeUser) -> None:
    reply = await world.harness.say(sam, "/settings")
    assert "nothing to set" in reply.text and "/start" in reply.text
