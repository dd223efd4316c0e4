"""A worried person can trust the conversation: care for distress at once, a human named
everywhere, anything they send can reach the team, and typed yes and no understood."""

from __future__ import annotations

from typing import Any

import pytest

from bot.standin.api import FakeUser
from tests.conftest import COORDINATOR_ID, EXAMPLE_CODE, World
from tests.journey import consent, read_info, sign_up, to_summary

TEAM = (
    "Contact Priya Shah, Involvement Lead.\nPhone: 020 7946 0456\nEmail: panels@ashbridge.example"
)


async def rows(world: World, sql: str) -> list[Any]:
    async with world.db.transaction() as tx:
        cursor = await tx.execute(sql)
        return [tuple(row) for row in await cursor.fetchall()]


def to_coordinator(world: World, since: int) -> list[str]:
    return [m.text for m in world.api.messages_to(COORDINATOR_ID)[since:]]


def assert_care(text: str) -> None:
    assert "not a crisis service" in text
    assert TEAM in text
    assert "Samaritans: 116 123" in text
    assert "NHS 111: 111, then option 2" in text
    assert "999" in text


# --- care for distress -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["I'm feeling really low tonight and can't cope", "SELF-HARM", "i want to die.",
     "Honestly I feel hopeless about everything"],
)  # fmt: skip
async def test_distress_after_sign_up_gets_care_and_reaches_the_team(
    world: World, sam: FakeUser, typed: str
) -> None:
    await sign_up(world, sam)
    seen = len(world.api.messages_to(COORDINATOR_ID))
    reply = await world.harness.say(sam, typed)
    assert_care(reply.text)
    assert "Send /start to find a panel" not in reply.text
    told = to_coordinator(world, seen)
    assert any("Someone may be struggling" in t and typed in t for t in told)
    assert [r[0] for r in await rows(world, "SELECT text FROM questions")] == [typed]


async def test_distress_in_a_needs_note_keeps_the_note_and_the_journey(
    world: World, sam: FakeUser
) -> None:
    h = world.harness
    await consent(world, sam)
    await read_info(world, sam)
    await h.say(sam, "Sam")
    await h.press_button(sam, "I use services")
    await h.press_button(sam, "Skip this")
    await h.press_button(sam, "Yes, you can keep a note")
    await h.press_button(sam, "Done")
    note = "Mornings are hard. Some days I just can't cope with crowds."
    reply = await h.say(sam, note)
    assert_care(reply.text)
    assert "Can you come to" in reply.last.text or "come" in reply.last.text.lower()
    assert reply.last.buttons, "the next question comes back, with its buttons"
    assert [r[0] for r in await rows(world, "SELECT needs_note FROM volunteers")] == [note]


async def test_distress_at_a_button_step_asks_the_question_again(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    await world.harness.say(sam, "Sam")
    reply = await world.harness.say(sam, "I am in crisis")
    assert_care(reply.text)
    assert "Which of these fits you best?" in reply.last.text
    assert [r[0] for r in await rows(world, "SELECT name FROM volunteers")] == ["Sam"]


async def test_distress_before_consent_is_cared_for_and_nothing_is_kept(
    world: World, sam: FakeUser
) -> None:
    seen = len(world.api.messages_to(COORDINATOR_ID))
    reply = await world.harness.say(sam, "suicidal")
    assert_care(reply.text)
    assert any("Someone may be struggling" in t for t in to_coordinator(world, seen))
    assert await rows(world, "SELECT id FROM volunteers") == []


# --- a human within reach ----------------------------------------------------------------------


async def test_help_first_screen_and_not_understood_name_the_team(
    world: World, sam: FakeUser
) -> None:
    assert TEAM in (await world.harness.say(sam, "/start")).text
    assert TEAM in (await world.harness.say(sam, "/help")).text
    assert "Monday to Friday, 9am to 5pm" in (await world.harness.say(sam, "/help")).text
    await consent(world, sam)
    await read_info(world, sam)
    await world.harness.say(sam, "Sam")
    assert TEAM in (await world.harness.say(sam, "eh")).text


async def test_an_error_reply_names_the_team(world: World, sam: FakeUser) -> None:
    await consent(world, sam)
    async with world.db.transaction() as tx:
        await tx.execute("UPDATE journeys SET step = 'no-such-step'")
    reply = await world.harness.say(sam, "hello")
    assert "something went wrong on our side" in reply.text
    assert TEAM in reply.text


# --- anything a person sends can reach the team -------------------------------------------------


async def test_a_plain_question_outside_the_journey_can_reach_the_team(
    world: World, sam: FakeUser
) -> None:
    await sign_up(world, sam)
    seen = len(world.api.messages_to(COORDINATOR_ID))
    typed = "When will I know if I have a place?"
    reply = await world.harness.say(sam, typed)
    assert "Shall I pass this to the panel team?" in reply.text
    done = await world.harness.press_button(sam, "Yes, pass it on")
    assert "I have passed it to the panel team" in done.text
    assert any(typed in t for t in to_coordinator(world, seen))
    assert [r[0] for r in await rows(world, "SELECT text FROM questions")] == [typed]


async def test_a_voice_note_is_passed_on_as_it_is_and_the_journey_carries_on(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    await world.harness.say(sam, "Sam")
    seen = len(world.api.messages_to(COORDINATOR_ID))
    voice = await world.harness.voice(sam)
    assert "Thank you for your voice note" in voice.text
    done = await world.harness.press_button(sam, "Yes, pass it on")
    assert "I have passed it to the panel team" in done.text
    assert "Which of these fits you best?" in done.last.text
    copies = world.api.calls("copyMessage")
    assert len(copies) == 1
    assert int(copies[0]["from_chat_id"]) == sam.id
    assert int(copies[0]["chat_id"]) == COORDINATOR_ID
    told = world.api.messages_to(COORDINATOR_ID)[seen:]
    assert "voice note" in told[0].text
    assert told[1].copied_from is not None and told[1].copied_from[0] == sam.id


async def test_a_photo_after_sign_up_can_be_passed_on(world: World, sam: FakeUser) -> None:
    await sign_up(world, sam)
    reply = await world.harness.photo(sam, "my travel receipt")
    assert "Shall I pass this to the panel team?" in reply.text
    await world.harness.press_button(sam, "Yes, pass it on")
    assert len(world.api.calls("copyMessage")) == 1
    assert len(await rows(world, "SELECT id FROM questions")) == 1


# --- typed answers understood ---------------------------------------------------------------


async def test_typing_the_privacy_answer_agrees(world: World, sam: FakeUser) -> None:
    await world.harness.say(sam, f"/start {EXAMPLE_CODE}")
    reply = await world.harness.say(sam, "Yes, that's OK")
    assert "Send /start to find a panel" not in reply.text
    assert len(await rows(world, "SELECT id FROM volunteers")) == 1


async def test_typing_y_at_the_privacy_notice_agrees(world: World, sam: FakeUser) -> None:
    await world.harness.say(sam, f"/start {EXAMPLE_CODE}")
    await world.harness.say(sam, "y")
    assert len(await rows(world, "SELECT id FROM volunteers")) == 1


async def test_typing_the_delete_answer_deletes(world: World, sam: FakeUser) -> None:
    await sign_up(world, sam)
    await world.harness.say(sam, "/delete")
    reply = await world.harness.say(sam, "Yes, delete everything")
    assert await rows(world, "SELECT name FROM volunteers WHERE name IS NOT NULL") == []
    assert reply.text


async def test_typing_no_at_the_delete_confirmation_keeps_everything(
    world: World, sam: FakeUser
) -> None:
    await sign_up(world, sam)
    await world.harness.say(sam, "/delete")
    reply = await world.harness.say(sam, "no thanks")
    assert "We have kept it all" in reply.text
    assert await rows(world, "SELECT name FROM volunteers") == [("Sam",)]


async def test_usual_ways_of_saying_yes_and_no_answer_each_step(
    world: World, sam: FakeUser
) -> None:
    h = world.harness
    await consent(world, sam)
    await read_info(world, sam)
    await h.say(sam, "Sam")
    assert "another way we can reach you" in (await h.say(sam, "I'm a carer")).text
    await h.press_button(sam, "Skip this")
    assert "Done" in str((await h.say(sam, "yes please")).last.button_texts)
    await h.press_button(sam, "Done")
    await h.press_button(sam, "Skip this")
    for typed in ("Y", "👍", "ok", "sure", "nope", "no"):
        await h.say(sam, typed)
    answers = await rows(world, "SELECT answer FROM availability ORDER BY session_id")
    assert answers == [("yes",), ("yes",), ("yes",), ("yes",), ("no",), ("no",)]


async def test_words_close_to_two_buttons_ask_which(world: World, sam: FakeUser) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    await to_summary(world, sam)
    reply = await world.harness.say(sam, "change")
    assert "Do you mean “Change name”, " in reply.text
    assert reply.last.button_texts[0] == "Send"


async def test_a_voice_note_that_cannot_be_passed_on_is_said_kindly(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    await world.harness.say(sam, "Sam")
    await world.harness.voice(sam)
    voice_id = max(mid for (chat, mid), sent in world.api.user_messages.items()
                   if chat == sam.id and "voice" in sent)  # fmt: skip
    world.api.delete_own_message(sam, voice_id)  # gone before they say yes: it can't be copied
    done = await world.harness.press_button(sam, "Yes, pass it on")
    assert len(world.api.calls("copyMessage")) == 1
    assert "could not pass on your voice note" in done.text
    assert "send it again" in done.text
    assert "Which of these fits you best?" in done.text  # the journey carries on
