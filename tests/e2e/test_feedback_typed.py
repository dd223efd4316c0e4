"""The feedback survey takes typed answers: a button's words, or a plain yes or no, count as
pressing it; other words get a kind "please tap one of the answers" and the question again."""

from __future__ import annotations

from bot.standin.api import FakeUser
from bot.store import outcomes
from tests.conftest import World
from tests.e2e.test_scheduler_outcome import record_award
from tests.factories import signed_up
from tests.scheduler_helpers import london, tick, tick_at


async def test_typed_answers_in_the_survey_count_as_pressing_the_buttons(
    world: World, sam: FakeUser, coordinator: FakeUser
) -> None:
    made = await signed_up(world, world.panel_id, sam, world.clock.now())
    await tick(world)
    world.clock.set(london(2027, 5, 5, 10))
    await record_award(world, coordinator, "2027-06-01 09:00")
    await tick_at(world, london(2027, 6, 1, 9))
    await tick_at(world, london(2027, 6, 3, 9))
    h = world.harness
    first = await h.press_button(sam, "Answer the questions")
    assert "Question 1 of 5" in first.last.text
    assert "Question 2 of 5" in (await h.say(sam, "good")).text
    assert "Question 3 of 5" in (await h.say(sam, "ok")).text
    puzzled = await h.say(sam, "it was lovely thanks")
    assert "Please tap one of the answers" in puzzled.text
    assert "Question 3 of 5" in puzzled.text
    assert puzzled.last.find_button("Enough time") is not None
    assert "Shall I pass this to the team" not in puzzled.text
    assert "Question 4 of 5" in (await h.say(sam, "Enough time")).text
    assert "Question 5 of 5" in (await h.say(sam, "yes")).text
    comment = await h.say(sam, "maybe")
    assert comment.last.find_button("Skip this") is not None
    future = await h.say(sam, "The staff were kind.")
    assert "future panels" in future.text
    done = await h.say(sam, "no thanks")
    assert "Thank you for your feedback" in done.text
    async with world.db.transaction() as tx:
        feedback = await outcomes.feedback(tx, made.application_id)
    assert feedback is not None
    assert feedback.answers == {
        "information": "good", "support": "ok", "time_given": "enough",
        "say_mattered": "yes", "again": "maybe",
    }  # fmt: skip
    assert feedback.comment == "The staff were kind."
    assert feedback.future_panels == "no"
