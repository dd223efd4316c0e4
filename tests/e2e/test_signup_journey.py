"""The volunteer's sign-up, end to end through the real Application and the stand-in Bot API."""

from __future__ import annotations

import json

from bot.standin.api import FakeUser
from tests.conftest import COORDINATOR_ID, EXAMPLE_CODE, World
from tests.journey import consent, read_info, sign_up, to_summary


async def rows(world: World, sql: str, *args: object) -> list[tuple[object, ...]]:
    async with world.db.transaction() as tx:
        cursor = await tx.execute(sql, args)
        return [tuple(row) for row in await cursor.fetchall()]


async def test_whole_journey_ends_with_an_application_and_a_clear_next_step(
    world: World, sam: FakeUser
) -> None:
    reply = await sign_up(world, sam)
    assert "You have signed up" in reply.text
    assert "Sign-up closes on Friday 26 February 2027" in reply.text
    assert await rows(world, "SELECT status, payment, interviews, days FROM applications") == [
        ("applied", "paid", 1, "mon")
    ]
    assert await rows(world, "SELECT name, role FROM volunteers") == [("Sam", "service_user")]
    assert await rows(world, "SELECT code FROM needs ORDER BY code") == [
        ("drinks",), ("reading_stand",)
    ]
    assert await rows(world, "SELECT answer, count(*) FROM availability GROUP BY answer") == [
        ("yes", 6)
    ]
    told = world.api.messages_to(COORDINATOR_ID)
    assert any("New sign-up" in m.text and "Sam" in m.text for m in told)


async def test_summary_shows_every_answer_and_change_returns_to_it(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    summary = await to_summary(world, sam)
    text = summary.last.text
    for expected in ("Name: Sam", "You are: someone who uses services", "Reading stand",
                     "Caffeine-free", "When you can come: yes to all 6", "Days for reading: Monday",
                     "Links to groups who bid: none", "Interviews: yes",
                     "Payment: Yes, please pay me"):
        assert expected in text
    await world.harness.press_button(sam, "Change something")
    await world.harness.press_button(sam, "Change name")
    back = await world.harness.say(sam, "Samira")
    assert "Name: Samira" in back.last.text
    assert "Send" in back.last.button_texts
    await world.harness.press_button(sam, "Change something")
    await world.harness.press_button(sam, "Change when you can come")
    for answer in ("No", "Yes", "Yes", "Yes", "Yes", "Maybe"):
        reply = await world.harness.press_button(sam, answer)
    assert "Welcome and briefing: No" in reply.last.text
    assert "Group scoring day: Maybe" in reply.last.text


async def test_no_consent_stores_nothing(world: World, sam: FakeUser) -> None:
    await world.harness.say(sam, f"/start {EXAMPLE_CODE}")
    more = await world.harness.press_button(sam, "Read more about privacy")
    assert "Who sees it" in more.text
    reply = await world.harness.press_button(sam, "No, thank you")
    assert "I have not kept anything" in reply.text
    assert await rows(world, "SELECT * FROM volunteers") == []
    assert await rows(world, "SELECT * FROM journeys") == []


async def test_agreeing_brings_one_message_thanks_and_the_first_page(
    world: World, sam: FakeUser
) -> None:
    reply = await consent(world, sam)
    assert len(reply.messages) == 1
    assert reply.text.startswith("Thank you. Let's begin.")
    assert "What we are buying" in reply.text and "(1 of 8)" in reply.text
    assert reply.last.button_texts[0] == "Next"


async def test_not_for_me_keeps_nothing(world: World, sam: FakeUser) -> None:
    await consent(world, sam)
    await world.harness.press_button(sam, "Next")
    await world.harness.press_button(sam, "Not for me")
    reply = await world.harness.press_button(sam, "Yes, leave")
    assert "We have not kept your answers" in reply.text
    for table in ("volunteers", "applications", "journeys"):
        assert await rows(world, f"SELECT * FROM {table}") == []


async def test_a_question_reaches_the_coordinators_and_the_step_resumes(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam)
    await world.harness.press_button(sam, "Next")
    await world.harness.press_button(sam, "I have a question")
    reply = await world.harness.say(sam, "Can I bring my <dog> & my carer?")
    assert "Your question has gone to the panel team" in reply.text
    assert "What the panel does" in reply.last.text
    question = world.api.last_message_to(COORDINATOR_ID)
    assert question is not None
    assert "Can I bring my <dog> & my carer?" in question.text
    assert "&lt;dog&gt; &amp;" in question.raw_text


async def test_a_restart_mid_journey_loses_nobodys_place(world: World, sam: FakeUser) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    await world.harness.say(sam, "Sam")
    await world.harness.press_button(sam, "Both")
    await world.restart()
    reply = await world.harness.say(sam, "sam@example.org")
    assert "May we keep a note of the help you need?" in reply.text
    assert await rows(world, "SELECT name, role, contact FROM volunteers") == [
        ("Sam", "both", "sam@example.org")
    ]


async def test_withdraw_thanks_and_tells_coordinators(world: World, sam: FakeUser) -> None:
    await sign_up(world, sam)
    await world.harness.say(sam, "/withdraw")
    reply = await world.harness.press_button(sam, "Yes, I want to leave")
    assert "You have left" in reply.text
    assert await rows(world, "SELECT status FROM applications") == [("withdrawn",)]
    assert "has left" in world.api.messages_to(COORDINATOR_ID)[-1].text


async def test_mydata_shows_everything_as_a_message_and_a_file(
    world: World, sam: FakeUser
) -> None:
    await sign_up(world, sam, name="Sam")
    reply = await world.harness.say(sam, "/mydata")
    assert "All we keep about you" in reply.messages[0].text
    assert "Reading stand" in reply.messages[0].text
    document = reply.messages[1].document
    assert document is not None
    record = json.loads(document[1])
    assert record["name"] == "Sam"
    assert record["needs"] == ["drinks", "reading_stand"]
    assert record["panels"][0]["status"] == "applied"


async def test_delete_erases_everything_after_a_confirmation(
    world: World, sam: FakeUser
) -> None:
    await sign_up(world, sam)
    asked = await world.harness.say(sam, "/delete")
    assert "can't be undone" in asked.text
    reply = await world.harness.press_button(sam, "Yes, delete everything")
    assert "deleted everything" in reply.text
    for table in ("volunteers", "applications", "availability", "needs", "journeys"):
        assert await rows(world, f"SELECT * FROM {table}") == []
    assert await rows(world, "SELECT reason FROM erasures") == [("asked by the person",)]
    after = await world.harness.say(sam, "/mydata")
    assert "We do not keep anything about you" in after.text


async def test_needs_and_availability_can_be_updated_later(
    world: World, sam: FakeUser
) -> None:
    await sign_up(world, sam)
    review = await world.harness.say(sam, "/needs")
    assert "Reading stand" in review.text
    await world.harness.press_button(sam, "I want to change it")
    await world.harness.press_button(sam, "BSL interpreter")
    await world.harness.press_button(sam, "Done")
    saved = await world.harness.press_button(sam, "Skip this")
    assert "saved" in saved.text
    assert await rows(world, "SELECT code FROM needs ORDER BY code") == [
        ("bsl",), ("drinks",), ("reading_stand",)
    ]
    assert "changed the help they need" in world.api.messages_to(COORDINATOR_ID)[-1].text
    await world.harness.say(sam, "/availability")
    for answer in ("No", "No", "No", "No", "No", "No"):
        await world.harness.press_button(sam, answer)
    await world.harness.press_button(sam, "Done")
    assert await rows(world, "SELECT DISTINCT answer FROM availability") == [("no",)]


async def test_needs_consent_can_be_refused_and_nothing_is_recorded(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    await world.harness.say(sam, "Sam")
    await world.harness.press_button(sam, "I am a carer")
    await world.harness.press_button(sam, "Skip this")
    reply = await world.harness.press_button(sam, "No, thank you")
    assert "Can you come?" in reply.text
    assert await rows(world, "SELECT needs_consented_at FROM volunteers") == [(None,)]
    assert await rows(world, "SELECT * FROM needs") == []


async def test_a_later_panel_asks_to_review_needs_not_retype_them(
    world: World, sam: FakeUser
) -> None:
    await sign_up(world, sam)
    second = (world.settings.database.parent / "second.yaml")
    text = (world.settings.database.parent.parent / "x").name  # keep tmp names distinct
    from tests.conftest import EXAMPLE_PANEL
    second.write_text(
        EXAMPLE_PANEL.read_text(encoding="utf-8").replace(EXAMPLE_CODE, "carers-hub-2027"),
        encoding="utf-8",
    )
    assert text
    from bot.services.coordinator import panel_admin
    await panel_admin.import_file(second, world.ctx)
    await consent(world, sam, "carers-hub-2027")
    await read_info(world, sam)
    name = await world.harness.say(sam, "Sam")
    assert "Which of these fits you best?" in name.text
    await world.harness.press_button(sam, "I use services")
    review = await world.harness.press_button(sam, "Skip this")
    assert "Last time, you told us" in review.text
    assert "Reading stand" in review.text
    reply = await world.harness.press_button(sam, "Yes, still right")
    assert "Can you come?" in reply.text


async def test_command_menu_is_set(world: World) -> None:
    commands = [c["command"] for c in world.api.commands_for()]
    assert {"start", "help", "status", "needs", "availability", "withdraw", "mydata",
            "delete", "privacy", "cancel"} <= set(commands)


async def test_cancel_pauses_and_start_resumes(world: World, sam: FakeUser) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    paused = await world.harness.say(sam, "/cancel")
    assert "saved" in paused.text
    typed = await world.harness.say(sam, "Sam")
    assert "paused" in typed.text
    assert await rows(world, "SELECT name FROM volunteers") == [(None,)]
    resumed = await world.harness.say(sam, "/start")
    assert "carry on where you left off" in resumed.text
    assert "What name would you like" in resumed.last.text
