"""Odd things people send: each gets a short, kind reply and nothing saved is lost."""

from __future__ import annotations

from bot.standin.api import FakeUser
from tests.conftest import COORDINATOR_ID, EXAMPLE_CODE, World
from tests.journey import consent, read_info


async def at_role_step(world: World, user: FakeUser) -> None:
    await consent(world, user)
    await read_info(world, user)
    await world.harness.say(user, "Sam")


async def saved_name(world: World) -> object:
    async with world.db.transaction() as tx:
        cursor = await tx.execute("SELECT name FROM volunteers")
        row = await cursor.fetchone()
    return None if row is None else row[0]


async def test_free_text_where_a_button_is_expected(world: World, sam: FakeUser) -> None:
    await at_role_step(world, sam)
    reply = await world.harness.say(sam, "what do you mean?")
    assert "Shall I pass this to the panel team?" in reply.text
    back = await world.harness.press_button(sam, "No, thank you")
    assert "Which of these fits you best?" in back.last.text
    reply = await world.harness.say(sam, "hmm")
    assert "Please tap one of the buttons" in reply.text
    assert "Priya Shah" in reply.text
    assert "Which of these fits you best?" in reply.last.text
    typed = await world.harness.say(sam, "carer")
    assert "Is there another way we can reach you?" in typed.text


async def test_stickers_photos_voice_and_files_mid_journey(world: World, sam: FakeUser) -> None:
    await at_role_step(world, sam)
    for send in (world.harness.sticker, world.harness.location):
        reply = await send(sam)
        assert "I can only read typed messages" in reply.text
        assert "Which of these fits you best?" in reply.last.text
    for send in (world.harness.photo, world.harness.voice):
        reply = await send(sam)
        assert "Shall I pass this to the panel team?" in reply.text
        back = await world.harness.press_button(sam, "No, thank you")
        assert "Which of these fits you best?" in back.last.text
    reply = await world.harness.document(sam, "cv.pdf", b"%PDF-1.4")
    assert "Thank you for your file" in reply.text
    assert await saved_name(world) == "Sam"


async def test_an_edited_message_is_explained_and_the_first_answer_kept(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    named = await world.harness.say(sam, "Sam")
    typed_id = named.messages[0].message_id - 1
    reply = await world.harness.edit(sam, typed_id, "Samantha")
    assert "I keep the first answer" in reply.text
    assert await saved_name(world) == "Sam"


async def test_a_huge_message_is_refused_kindly(world: World, sam: FakeUser) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    reply = await world.harness.say(sam, "x" * 10_000)
    assert "too long" in reply.text
    assert "What name would you like" in reply.last.text
    assert await saved_name(world) is None


async def test_emoji_right_to_left_and_markup_arrive_as_typed(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    name = "<b>Sam & co</b> 🌈 سام"
    reply = await world.harness.say(sam, name)
    assert name in reply.text
    assert "&lt;b&gt;Sam &amp; co&lt;/b&gt;" in reply.messages[0].raw_text
    assert await saved_name(world) == name


async def test_a_stale_button_from_an_old_message(world: World, sam: FakeUser) -> None:
    await consent(world, sam)
    first_page = world.api.last_message_to(sam.id)
    assert first_page is not None
    # Typed, so the first page keeps its buttons (a pressed one would lose them).
    await world.harness.say(sam, "Next")
    old = first_page.find_button("Next")
    assert old is not None and old.callback_data
    reply = await world.harness.press(sam, first_page.message_id, old.callback_data)
    assert "That button is from an earlier message" in reply.text
    assert "What the panel does" in reply.last.text


async def test_the_same_button_twice_counts_once(world: World, sam: FakeUser) -> None:
    await at_role_step(world, sam)
    message = world.api.last_message_to(sam.id)
    assert message is not None
    carer = message.find_button("I am a carer")
    assert carer is not None and carer.callback_data
    first = world.api.press(sam, message.message_id, carer.callback_data)
    second = world.api.press(sam, message.message_id, carer.callback_data)
    await world.harness.wait_processed(first)
    await world.harness.wait_processed(second)
    texts = [m.text for m in world.api.messages_to(sam.id)]
    assert sum("Is there another way we can reach you?" in t for t in texts) == 2
    assert any("That button is from an earlier message" in t for t in texts[-3:])
    async with world.db.transaction() as tx:
        cursor = await tx.execute("SELECT step FROM journeys")
        assert [row[0] for row in await cursor.fetchall()] == ["contact"]


async def test_forged_buttons_are_refused(world: World, sam: FakeUser) -> None:
    await at_role_step(world, sam)
    message = world.api.last_message_to(sam.id)
    assert message is not None
    for forged in ("v:role:admin", "v:summary:send", "c:withdraw_yes:1", "k:confirm:1:1",
                   "nonsense", "c:erase:yes" + "x" * 40):
        reply = await world.harness.press(sam, message.message_id, forged)
        assert reply.text, f"no reply to {forged!r}"
    async with world.db.transaction() as tx:
        # "c:withdraw_yes:1" is Sam's own draft on panel 1: withdrawing it removes Sam too.
        cursor = await tx.execute("SELECT role FROM volunteers WHERE role IS NOT NULL")
        assert [row[0] for row in await cursor.fetchall()] == []


async def test_unknown_and_malformed_panel_codes(world: World, sam: FakeUser) -> None:
    for code in ("no-such-panel", "bad code!", "%%%", "x" * 80):
        reply = await world.harness.say(sam, f"/start {code}")
        assert "can't find that panel" in reply.text
        assert reply.last.button_texts  # the open panels to choose from


async def test_a_closed_panel_says_so_kindly(world: World, sam: FakeUser) -> None:
    world.clock.set(world.clock.now().replace(year=2027, month=3, day=1))
    reply = await world.harness.say(sam, f"/start {EXAMPLE_CODE}")
    assert "Sign-up has now closed" in reply.text


async def test_start_again_mid_journey_carries_on(world: World, sam: FakeUser) -> None:
    await at_role_step(world, sam)
    reply = await world.harness.say(sam, f"/start {EXAMPLE_CODE}")
    assert "carry on where you left off" in reply.text
    assert "Which of these fits you best?" in reply.last.text
    assert await saved_name(world) == "Sam"


async def test_unknown_commands_and_chat_before_start(world: World, sam: FakeUser) -> None:
    hello = await world.harness.say(sam, "hello?")
    assert "Send /start" in hello.text
    unknown = await world.harness.say(sam, "/frobnicate")
    assert "I don't know that command" in unknown.text
    sticker = await world.harness.sticker(sam)
    assert "I can only read typed messages" in sticker.text


async def test_a_question_over_the_limit_is_refused_and_nothing_sent(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam)
    await world.harness.press_button(sam, "I have a question")
    before = len(world.api.messages_to(COORDINATOR_ID))
    reply = await world.harness.say(sam, "?" * 5000)
    assert "too long" in reply.text
    assert len(world.api.messages_to(COORDINATOR_ID)) == before


async def test_an_error_is_never_silent(world: World, sam: FakeUser) -> None:
    await at_role_step(world, sam)
    async with world.db.transaction() as tx:
        await tx.execute("UPDATE journeys SET step = 'no-such-step'")
    reply = await world.harness.say(sam, "hello")
    assert "something went wrong on our side" in reply.text
    assert "answers so far are safe" in reply.text
    assert await saved_name(world) == "Sam"


async def test_a_command_in_a_group_points_to_a_private_chat(
    world: World, sam: FakeUser
) -> None:
    group = {"id": -100123, "type": "group", "title": "Ashbridge carers"}
    message = {"message_id": 1, "from": sam.to_user(), "chat": group, "date": 0,
               "text": "/start", "entities": [{"type": "bot_command", "offset": 0,
                                               "length": 6}]}
    update_id = world.api._queue("message", message)
    await world.harness.wait_processed(update_id)
    replies = world.api.messages_to(-100123)
    assert len(replies) == 1
    assert "I only talk in private chats" in replies[0].text
    assert world.api.messages_to(sam.id) == []


async def test_a_press_too_old_to_answer_still_counts(world: World, sam: FakeUser) -> None:
    # After a crash the journal hands a press to the bot again, but Telegram will no longer
    # let it answer that press: the answer is refused, and the press must count all the same.
    await at_role_step(world, sam)
    role_question = world.api.messages_to(sam.id)[-1]
    button = role_question.find_button("I am a carer")
    assert button is not None and button.callback_data is not None
    update_id = world.api.press(sam, role_question.message_id, button.callback_data)
    world.api.open_callback_queries.clear()  # Telegram forgot it before the bot could answer
    await world.harness.wait_processed(update_id)
    assert "Is there another way we can reach you?" in world.api.messages_to(sam.id)[-1].text
    async with world.db.transaction() as tx:
        cursor = await tx.execute("SELECT role FROM volunteers")
        assert [tuple(row) for row in await cursor.fetchall()] == [("carer",)]
