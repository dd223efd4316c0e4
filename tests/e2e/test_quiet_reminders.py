"""Short reminders (issue 10, "Quiet chat"): what, when, where and the help arranged, with the
rest behind "More details"; once someone said "I'll be there", later reminders don't ask."""

from __future__ import annotations

from html import unescape

from bot.standin.api import FakeUser
from tests.conftest import World
from tests.factories import signed_up
from tests.scheduler_helpers import london, messages, tick, tick_at

BRIEFING = "A reminder about Welcome and briefing"
# Measured before: 17 lines and 640 characters, for this person at the example briefing.
MOST_LINES = 10
MOST_CHARACTERS = 500


async def test_a_reminder_is_short_and_the_rest_waits_behind_more_details(
    world: World, sam: FakeUser
) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now(),
                    needs=["reading_stand", "drinks"])  # fmt: skip
    await tick(world)
    await tick_at(world, london(2027, 3, 2, 11))  # 7 days before
    reminder = messages(world, sam.id, BRIEFING)[-1]
    text = unescape(reminder.text)
    print(f"reminder: {len(text.splitlines())} lines, {len(text)} characters")
    assert len(text.splitlines()) <= MOST_LINES
    assert len(text) <= MOST_CHARACTERS
    for fact in ("on Tuesday 9 March 2027, 11am to 1pm", "Ashbridge Community Centre",
                 "You asked for a reading stand. We are still arranging it."):
        assert fact in text, fact
    more = await world.harness.press_button(sam, "More details")
    assert [m.message_id for m in more.edited] == [reminder.message_id]
    assert more.messages == []
    assert "Hearing loop" in more.edited[0].text


async def test_after_ill_be_there_later_reminders_do_not_ask_again(
    world: World, sam: FakeUser
) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now())
    await tick(world)
    await tick_at(world, london(2027, 3, 2, 11))
    first = messages(world, sam.id, BRIEFING)[-1]
    answered = await world.harness.press_button(sam, "I'll be there")
    assert "See you" in answered.text
    # The answered reminder keeps only its "More details" button.
    assert first.button_texts == ["More details"]
    await tick_at(world, london(2027, 3, 8, 11))  # 1 day before
    await tick_at(world, london(2027, 3, 9, 9))  # 2 hours before
    later = messages(world, sam.id, BRIEFING)[1:]
    assert len(later) == 2
    for reminder in later:
        assert "Please tell us if you can come" not in reminder.text
        assert "You told us you will be there" in reminder.text
        assert "I'll be there" not in reminder.button_texts
        # If things change, they can still say so.
        assert "I can't make it" in reminder.button_texts
