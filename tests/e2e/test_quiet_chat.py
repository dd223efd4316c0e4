"""A quiet chat: a sign-up edits what it can instead of posting fresh copies, and leaves no
old message with live buttons (issue 10, "Quiet chat")."""

from __future__ import annotations

from html import unescape

from bot.standin.api import FakeUser
from tests.conftest import World
from tests.journey import consent, read_info, sign_up, to_summary

# Measured before the quiet chat: 30 new messages, no edits, 28 of 30 with live buttons.
MOST_NEW_MESSAGES = 22
# Measured before: 21 lines and 10 buttons.
SUMMARY_MOST_LINES = 12


def _counts(world: World, user: FakeUser) -> tuple[int, int]:
    sends = [c for c in world.api.calls("sendMessage") if int(c["chat_id"]) == user.id]
    edits = [c for c in world.api.calls("editMessageText")
             + world.api.calls("editMessageReplyMarkup") if int(c["chat_id"]) == user.id]
    return len(sends), len(edits)


def _live_keyboards(world: World, user: FakeUser) -> list[int]:
    return [m.message_id for m in world.api.messages_to(user.id) if m.buttons]


async def test_a_sign_up_posts_few_messages_and_leaves_one_live_keyboard(
    world: World, sam: FakeUser
) -> None:
    await sign_up(world, sam)
    sent, edited = _counts(world, sam)
    live = _live_keyboards(world, sam)
    print(f"sign-up: {sent} new messages, {edited} edits, {len(live)} live keyboards "
          f"of {len(world.api.messages_to(sam.id))} messages")
    assert sent <= MOST_NEW_MESSAGES
    assert live in ([], [world.api.messages_to(sam.id)[-1].message_id])



async def at_needs_checklist(world: World, user: FakeUser) -> None:
    h = world.harness
    await consent(world, user)
    await read_info(world, user)
    await h.say(user, "Sam")
    await h.press_button(user, "I use services")
    await h.press_button(user, "Skip this")
    await h.press_button(user, "Yes, you can keep a note")


async def test_a_checklist_ticks_in_place(world: World, sam: FakeUser) -> None:
    await at_needs_checklist(world, sam)
    checklist = world.api.last_message_to(sam.id)
    assert checklist is not None
    for need in ("Reading stand", "Caffeine-free", "Reading stand"):
        ticked = await world.harness.press_button(sam, need)
        assert ticked.messages == []
        assert [m.message_id for m in ticked.edited] == [checklist.message_id]
    assert any(t.startswith("✅") and "Caffeine-free" in t for t in checklist.button_texts)
    assert not any(t.startswith("✅") and "Reading stand" in t for t in checklist.button_texts)


async def test_an_answered_question_shows_the_answer_and_loses_its_buttons(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    await world.harness.say(sam, "Sam")
    role = world.api.last_message_to(sam.id)
    assert role is not None and "Which of these fits you best?" in role.text
    reply = await world.harness.press_button(sam, "I am a carer")
    assert [m.message_id for m in reply.edited] == [role.message_id]
    assert role.buttons == []
    assert role.text.startswith("Thanks, Sam. Which of these fits you best?")
    assert role.text.endswith("✓ I am a carer")
    assert "another way we can reach you" in reply.last.text  # the next question, anew
    # A checklist, once done, shows what was ticked.
    await world.harness.press_button(sam, "Skip this")
    await world.harness.press_button(sam, "Yes, you can keep a note")
    checklist = world.api.last_message_to(sam.id)
    assert checklist is not None
    await world.harness.press_button(sam, "Reading stand")
    await world.harness.press_button(sam, "Regular breaks")
    await world.harness.press_button(sam, "Done")
    assert checklist.buttons == []
    assert checklist.text.endswith("✓ Reading stand, Regular breaks")


async def test_the_summary_fits_a_phone_screen_with_a_change_menu(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    summary = (await to_summary(world, sam)).last
    lines = unescape(summary.text).splitlines()
    print(f"summary: {len(lines)} lines, {len(summary.button_texts)} buttons")
    assert len(lines) <= SUMMARY_MOST_LINES
    assert summary.button_texts == ["Send", "Change something"]
    menu = await world.harness.press_button(sam, "Change something")
    assert menu.messages == [] and [m.message_id for m in menu.edited] == [summary.message_id]
    assert "Change payment" in summary.button_texts and "Go back" in summary.button_texts
    back = await world.harness.press_button(sam, "Go back")
    assert back.messages == [] and summary.button_texts == ["Send", "Change something"]
    await world.harness.press_button(sam, "Change something")
    payment = await world.harness.press_button(sam, "Change payment")
    assert summary.buttons == []  # the old summary keeps no live buttons
    assert "Yes, please pay me" in payment.last.button_texts
    again = await world.harness.press_button(sam, "Not sure yet")
    assert "Payment: Not sure yet" in unescape(again.last.text)
    assert again.last.button_texts == ["Send", "Change something"]
