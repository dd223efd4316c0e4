"""Support needs from asked for to arranged, through the real Application: a coordinator
marks them from the person's page, the person is told outside quiet hours, and reminders
say booked only what is booked."""

from __future__ import annotations

from bot.standin.api import FakeUser
from tests.conftest import EXAMPLE_CODE, World
from tests.coordinating import last_to, rows, said_to
from tests.factories import Made, signed_up
from tests.scheduler_helpers import london, messages, tick, tick_at

STILL = "You asked for {}. We are still arranging it. We will tell you when it is booked."


def reminders(world: World, user: FakeUser) -> list[str]:
    return [m.text for m in messages(world, user.id, "A reminder about Welcome and briefing")]


async def sam_with_needs(world: World, sam: FakeUser, *needs: str) -> Made:
    made = await signed_up(world, world.panel_id, sam, world.clock.now(), needs=list(needs))
    await tick(world)  # the calendar file
    return made


async def open_sam(world: World, coordinator: FakeUser) -> None:
    await world.harness.say(coordinator, f"/roster {EXAMPLE_CODE}")
    await world.harness.press_button(coordinator, "Sam")


async def test_a_reminder_says_booked_only_after_a_coordinator_marks_it_arranged(
    world: World, sam: FakeUser, coordinator: FakeUser
) -> None:
    await sam_with_needs(world, sam, "bsl", "transport")
    await tick_at(world, london(2027, 3, 2, 11))  # the 7-day reminder
    before = reminders(world, sam)[-1]
    print("\n--- reminder before the mark ---\n" + before)
    assert STILL.format("a BSL interpreter") in before
    assert STILL.format("transport or a taxi") in before
    assert "booked a" not in before and "arranged" not in before

    world.clock.set(london(2027, 3, 3, 10))
    await open_sam(world, coordinator)
    page = last_to(world, coordinator.id)
    assert "BSL interpreter: ⚠️ 4 still to arrange" not in page.text  # online: BSL applies
    assert "BSL interpreter:" in page.text and "still to arrange" in page.text
    saved = (await world.harness.press_button(coordinator, "✅ BSL interpreter: all sessions")).last
    assert "Saved: BSL interpreter for Sam is ✅ arranged" in saved.text
    assert "For all sessions: ✅ arranged" in saved.text

    await tick(world)  # the notice, at a sensible hour
    told = messages(world, sam.id, "Good news")[-1].text
    assert "We have booked a BSL interpreter for you for every session." in told

    await tick_at(world, london(2027, 3, 8, 11))  # the 1-day reminder
    after = reminders(world, sam)[-1]
    print("\n--- reminder after the mark ---\n" + after)
    assert "We have booked a BSL interpreter for you." in after
    assert STILL.format("transport or a taxi") in after
    assert "You asked for a BSL interpreter" not in after
    audit = await rows(world, "SELECT action, detail FROM audit_log WHERE action = 'mark_need'")
    assert audit == [("mark_need", "bsl, all sessions: arranged")]


async def test_cant_be_arranged_takes_a_typed_note_that_the_person_sees_as_typed(
    world: World, sam: FakeUser, coordinator: FakeUser
) -> None:
    await sam_with_needs(world, sam, "transport")
    await open_sam(world, coordinator)
    await world.harness.press_button(coordinator, "Transport or taxi: by session")
    ask = (await world.harness.press_button(coordinator, "✖ Tue 9")).last
    assert "Please type a short note for Sam about Transport or taxi" in ask.text
    too_long = await world.harness.say(coordinator, "x" * 301)
    assert "Your note is 301 characters; the most is 300. Nothing was saved." in too_long.text
    assert await rows(world, "SELECT * FROM need_states") == []
    note = "We will pay for a taxi <b>both ways</b>. Keep the receipt."
    saved = await world.harness.say(coordinator, note)
    assert "Saved: Transport or taxi for Sam is ✖ can't be arranged" in saved.text
    assert "Welcome and briefing (Tue 9 Mar): ✖ can't be arranged" in saved.text

    await tick(world)
    told = messages(world, sam.id, "We could not arrange")[-1].text
    assert "We are sorry. We could not arrange transport or a taxi for you for Welcome" in told
    assert note in told  # shown as typed, markup and all
    await tick_at(world, london(2027, 3, 2, 11))
    reminder = reminders(world, sam)[-1]
    assert f"Sorry, we could not arrange transport or a taxi. {note}" in reminder
    assert "booked" not in reminder.split("Help for you")[1].split("Please tell")[0].replace(
        "when it is booked", ""
    )


async def test_the_person_is_told_after_quiet_hours_not_in_them(
    world: World, sam: FakeUser, coordinator: FakeUser
) -> None:
    await sam_with_needs(world, sam, "reading_stand")
    world.clock.set(london(2027, 2, 1, 22, 30))
    await open_sam(world, coordinator)
    await world.harness.press_button(coordinator, "✅ Reading stand: all sessions")
    await tick(world)
    assert not said_to(world, sam.id, "Good news")
    await tick_at(world, london(2027, 2, 2, 8))
    assert said_to(world, sam.id, "We have booked a reading stand for you for every session.")
