"""Sanity checks a coordinator on a phone relies on: a list to choose from when the code is
left out, a second question before "scoring finished" ahead of the day, and a roster in a
steady order."""

from __future__ import annotations

from bot.standin.api import FakeUser
from tests.conftest import EXAMPLE_CODE, World
from tests.coordinating import rows, seed
from tests.scheduler_helpers import london


async def test_outcome_without_a_code_offers_the_panels_to_tap(
    world: World, coordinator: FakeUser
) -> None:
    for typed in ("/outcome", "/outcome no-such-panel"):
        asked = await world.harness.say(coordinator, typed)
        assert "Which panel? Tap one below" in asked.text
        assert asked.last.button_texts == [EXAMPLE_CODE]
    chosen = await world.harness.press_button(coordinator, EXAMPLE_CODE)
    assert "Scoring is finished" in str(chosen.last.buttons)


async def test_feedback_without_a_code_offers_the_panels_to_tap(
    world: World, coordinator: FakeUser
) -> None:
    for typed in ("/feedback", "/feedback no-such-panel"):
        asked = await world.harness.say(coordinator, typed)
        assert "Which panel? Tap one below" in asked.text
        assert asked.last.button_texts == [EXAMPLE_CODE]
    chosen = await world.harness.press_button(coordinator, EXAMPLE_CODE)
    assert "Feedback for" in chosen.messages[0].text
    assert "Asked: 0. Answered: 0." in chosen.messages[0].text
    document = chosen.messages[1].document
    assert document is not None and document[0] == f"feedback-{EXAMPLE_CODE}.csv"


async def test_attendance_with_a_wrong_code_offers_the_panels_to_tap(
    world: World, coordinator: FakeUser
) -> None:
    asked = await world.harness.say(coordinator, "/attendance no-such-panel")
    assert "Which panel?" in asked.text
    assert len(asked.last.button_texts) == 1
    chosen = await world.harness.press_button(coordinator, asked.last.button_texts[0])
    assert "Attendance for" in chosen.last.text


async def test_scoring_finished_before_the_last_session_asks_again_with_its_date(
    world: World, coordinator: FakeUser
) -> None:
    await world.harness.say(coordinator, f"/outcome {EXAMPLE_CODE}")
    early = await world.harness.press_button(coordinator, "Scoring is finished")
    assert "The last session is on Tuesday 4 May 2027, and that has not happened yet" in (
        early.last.text
    )
    world.clock.set(london(2027, 5, 5, 10))
    await world.harness.say(coordinator, f"/outcome {EXAMPLE_CODE}")
    later = await world.harness.press_button(coordinator, "Scoring is finished")
    assert "has not happened yet" not in later.last.text
    assert await rows(world, "SELECT scoring_finished_at FROM outcomes") in ([], [(None,)])


async def test_the_roster_is_sorted_by_status_then_name(
    world: World, coordinator: FakeUser
) -> None:
    await seed(world, 14)
    async with world.db.transaction() as tx:
        await tx.execute(
            "UPDATE applications SET status = 'reserve' WHERE volunteer_id IN "
            "(SELECT id FROM volunteers WHERE name LIKE 'A%' OR name LIKE 'M%')"
        )
        await tx.execute(
            "UPDATE applications SET status = 'confirmed' WHERE volunteer_id IN "
            "(SELECT id FROM volunteers WHERE name LIKE 'B%')"
        )
    roster = await world.harness.say(coordinator, f"/roster {EXAMPLE_CODE}")
    lines = [line for line in roster.text.splitlines() if line[:1].isdigit()]
    statuses = [line.split(": ")[1].split(" (")[0] for line in lines]
    order = ["Signed up", "Has a place", "Reserve"]
    assert statuses == sorted(statuses, key=order.index)
    names = [line.split(". ", 1)[1].split(":")[0] for line in lines]
    waiting = names[: statuses.count("Signed up")]
    assert waiting == sorted(waiting, key=str.casefold)
