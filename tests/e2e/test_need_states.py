"""Support needs from asked for to arranged, through the real Application: a coordinator
marks them from the person's page, the person is told outside quiet hours, and reminders
say booked only what is booked."""

from __future__ import annotations

from bot.standin.api import FakeUser
from bot.store import volunteers
from tests.conftest import EXAMPLE_CODE, World
from tests.coordinating import last_to, rows, said_to, seed
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
    assert "We have booked a BSL interpreter for you. It is for every session." in told

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
    assert "We have booked" not in reminder


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
    booked = "We have booked a reading stand for you. It is for every session."
    assert said_to(world, sam.id, booked)


# --- /needs and the roster ---------------------------------------------------------------------


async def set_statuses(world: World, people: list[int], statuses: list[str]) -> None:
    async with world.db.transaction() as tx:
        for telegram_id, status in zip(people, statuses, strict=False):
            await tx.execute(
                "UPDATE applications SET status = ? WHERE volunteer_id = "
                "(SELECT id FROM volunteers WHERE telegram_id = ?)",
                (status, telegram_id),
            )


async def test_needs_counts_everyone_in_the_running_as_the_roster_does_and_says_whom(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 12)
    await set_statuses(
        world, people,
        ["confirmed"] * 4 + ["reserve"] * 2 + ["declined"] * 2 + ["withdrawn"],
    )  # fmt: skip
    roster = (await world.harness.say(coordinator, f"/roster {EXAMPLE_CODE}")).text
    in_the_running = sum(
        roster.count(f": {status}") for status in ("Has a place", "Reserve", "Signed up")
    )
    assert in_the_running == 9
    report = (await world.harness.say(coordinator, f"/needs {EXAMPLE_CODE}")).text
    assert (
        "Counted: the 9 people in the running (4 with a place ✅, 2 reserves 🔸, "
        "3 waiting for a decision). Not counted: 3 who left or were not chosen."
    ) in report
    # Each session's line says how many it counts; every need has its names.
    assert "Welcome and briefing · Tue 9 Mar · 9 counted" in report
    assert "to arrange:" in report


async def test_one_tap_on_needs_marks_arranged_and_the_report_follows(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 8)
    await set_statuses(world, people, ["confirmed"] * 8)
    await world.harness.say(coordinator, f"/needs {EXAMPLE_CODE}")
    saved = (await world.harness.press_button(coordinator, "✅ Femi 1: BSL interpreter")).last
    assert "Saved: BSL interpreter for Femi 1 is ✅ arranged" in saved.text
    report = (await world.harness.say(coordinator, f"/needs {EXAMPLE_CODE}")).text
    assert "• BSL interpreter: 1 · ✅ 1 arranged\n" in report
    assert "to arrange: Femi" not in report
    roster = (await world.harness.say(coordinator, f"/roster {EXAMPLE_CODE}")).text
    assert "Femi 1: Has a place (" in roster
    femi = next(line for line in roster.splitlines() if "Femi 1" in line)
    alex = next(line for line in roster.splitlines() if "Alex 1" in line)
    assert "support to arrange" not in femi and "support to arrange" in alex


# --- flags before a session --------------------------------------------------------------------


async def test_coordinators_are_told_once_three_days_before_which_needs_are_not_arranged(
    world: World, sam: FakeUser, coordinator: FakeUser
) -> None:
    await sam_with_needs(world, sam, "bsl", "reading_stand")
    flag = "Welcome and briefing"

    def flags() -> list[str]:
        return [
            m.text for m in world.api.messages_to(coordinator.id)
            if "not arranged yet" in m.text and flag in m.text
        ]  # fmt: skip

    await tick_at(world, london(2027, 3, 6, 10, 59))
    assert flags() == []
    await open_sam(world, coordinator)
    await world.harness.press_button(coordinator, "Reading stand: by session")
    await world.harness.press_button(coordinator, "✅ Tue 9")  # only the briefing
    await tick_at(world, london(2027, 3, 6, 11))
    [told] = flags()
    assert "is in 3 days, on Tuesday 9 March 2027" in told
    assert "• Sam: BSL interpreter\n" in told + "\n"
    await tick_at(world, london(2027, 3, 7, 11))
    assert len(flags()) == 1  # once


# --- bad input ---------------------------------------------------------------------------------


async def test_stale_and_forged_marks_change_nothing_and_say_why(
    world: World, sam: FakeUser, coordinator: FakeUser
) -> None:
    made = await sam_with_needs(world, sam, "bsl", "transport")
    app = made.application_id
    await open_sam(world, coordinator)
    message_id = last_to(world, coordinator.id).message_id
    [(briefing, version)] = await rows(
        world, "SELECT id, version FROM sessions WHERE key = 'briefing'"
    )

    async def press(data: str) -> str:
        """What the coordinator sees after the press (a tap that changes nothing on the
        page, like a second forged one, leaves the page as it was)."""
        reply = await world.harness.press(coordinator, message_id, data)
        if reply.messages or reply.edited:
            return reply.last.text
        [page] = [m for m in world.api.messages_to(coordinator.id) if m.message_id == message_id]
        return page.text

    # A need the person does not have, or that is not a need at all.
    assert "no longer asks for this" in await press(f"k:nm:{app}:step_free:0:0:asked:arranged")
    assert "no longer asks for this" in await press(f"k:nm:{app}:nonsense:0:0:asked:arranged")
    # A session at an old version (it moved), or one that is not this panel's.
    moved = await press(f"k:nm:{app}:bsl:{briefing}:{version + 1}:asked:arranged")
    assert "has moved, been cancelled or begun" in moved
    assert "has moved" in await press(f"k:nm:{app}:bsl:99999:1:asked:arranged")
    # A page that showed an older state: someone marked it meanwhile.
    await press(f"k:nm:{app}:bsl:0:0:asked:arranging")
    meanwhile = await press(f"k:nm:{app}:bsl:0:0:asked:arranged")
    assert "You marked this being arranged meanwhile, at 10am on Mon 11 Jan" in meanwhile
    # Mangled data: the old-button reply.
    assert "no longer works" in await press(f"k:nm:{app}:bsl:0:0:asked:booked")
    assert await rows(world, "SELECT need, session_id, state FROM need_states") == [
        ("bsl", 0, "arranging")
    ]
    # The person withdrew: nothing changes.
    await set_statuses(world, [sam.id], ["withdrawn"])
    gone = await press(f"k:nm:{app}:bsl:0:0:arranging:arranged")
    assert "Sam is no longer in the running for this panel, so nothing was changed" in gone
    assert await rows(world, "SELECT state FROM need_states") == [("arranging",)]
    assert not said_to(world, sam.id, "Good news")


async def test_a_changed_need_goes_back_to_asked_for_and_the_reminder_follows(
    world: World, sam: FakeUser, coordinator: FakeUser
) -> None:
    made = await sam_with_needs(world, sam, "bsl", "transport")
    await open_sam(world, coordinator)
    await world.harness.press_button(coordinator, "✅ BSL interpreter: all sessions")
    await world.harness.press_button(coordinator, "Back to Sam")
    await world.harness.press_button(coordinator, "✅ Transport or taxi: all sessions")
    async with world.db.transaction() as tx:  # Sam drops transport, then ticks it again
        await volunteers.set_needs(tx, made.volunteer_id, ["bsl"])
        await volunteers.set_needs(tx, made.volunteer_id, ["bsl", "transport"])
    await tick_at(world, london(2027, 3, 2, 11))
    reminder = reminders(world, sam)[-1]
    assert "We have booked a BSL interpreter for you." in reminder
    assert STILL.format("transport or a taxi") in reminder
    told = [m.text for m in messages(world, sam.id, "Good news")]
    assert any("BSL" in text for text in told)
    # The transport notice, not sent yet when Sam changed it, was dropped with the change.
    assert not any("transport" in text for text in told)
    async with world.db.transaction() as tx:  # Sam withdraws the needs consent
        await volunteers.set_needs_consent(tx, made.volunteer_id, None)
    await tick_at(world, london(2027, 3, 8, 11))
    reminder = reminders(world, sam)[-1]
    assert "Help for you" not in reminder and "BSL" not in reminder
    assert await rows(world, "SELECT * FROM need_states") == []
