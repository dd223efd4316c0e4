"""Sign-up, one step at a time, through VolunteerService on a real SQLite file: what the
person is told at each step, what is saved, and where they pick up after a pause."""

from __future__ import annotations

import pytest

from bot.context import AppContext
from bot.text import NAME_MAX
from tests.conftest import COORDINATOR_ID, EXAMPLE_CODE
from tests.services.chat import VolunteerChat, labels, sign_up, text, told
from tests.services.db import one, rows

SAM = 1001


async def to_name_question(sam: VolunteerChat) -> None:
    await sam.start(EXAMPLE_CODE)
    await sam.press("Yes, that's OK")
    for _ in range(8):
        await sam.press("Next")


async def test_a_panel_code_shows_the_privacy_welcome_and_keeps_nothing_yet(
    app: AppContext, sam: VolunteerChat
) -> None:
    welcome = await sam.start(EXAMPLE_CODE)
    assert "Help choose who runs Ashbridge day services" in text(welcome)
    assert labels(welcome) == ["Yes, that's OK", "Read more about privacy", "No, thank you"]
    refused = await sam.press("No, thank you")
    assert "I have not kept anything" in text(refused)
    assert await rows(app.db, "SELECT * FROM volunteers") == []
    assert await rows(app.db, "SELECT * FROM journeys") == []


async def test_consent_starts_a_draft_and_the_first_of_eight_info_pages(
    app: AppContext, sam: VolunteerChat
) -> None:
    await sam.start(EXAMPLE_CODE)
    first = await sam.press("Yes, that's OK")
    # One new message; the other reply only takes the notice's buttons away.
    assert [r.edit_only for r in first.replies] == [True, False]
    assert text(first).startswith("Thank you. Let's begin.")
    assert "(1 of 8)" in text(first)
    assert await rows(app.db, "SELECT status FROM applications") == [("draft",)]
    assert await one(app.db, "SELECT step FROM journeys WHERE telegram_id = ?", SAM) == "info"
    for page in range(2, 9):
        reply = await sam.press("Next")
        assert f"({page} of 8)" in text(reply)
    asked = await sam.press("Next")
    assert "What name would you like us to call you?" in text(asked)


async def test_a_typed_name_is_saved_and_the_next_question_uses_it(
    app: AppContext, sam: VolunteerChat
) -> None:
    await to_name_question(sam)
    role = await sam.type("  Sam   Taylor ")
    assert "Thanks, Sam Taylor. Which of these fits you best?" in text(role)
    assert labels(role) == ["I use services", "I am a carer", "Both"]
    assert await one(app.db, "SELECT name FROM volunteers") == "Sam Taylor"
    assert await one(app.db, "SELECT step FROM journeys") == "role"


@pytest.mark.parametrize(
    ("typed", "told_them"),
    [("   ", "I didn't get a name"), ("x" * (NAME_MAX + 1), str(NAME_MAX))],
    ids=["empty", "too long"],
)
async def test_a_name_that_is_not_valid_is_explained_and_asked_again(
    app: AppContext, sam: VolunteerChat, typed: str, told_them: str
) -> None:
    await to_name_question(sam)
    again = await sam.type(typed)
    assert told_them in again.replies[0].text
    assert "What name would you like us to call you?" in again.replies[-1].text
    assert await one(app.db, "SELECT name FROM volunteers") is None
    assert await one(app.db, "SELECT step FROM journeys") == "name"


async def test_typing_a_buttons_words_answers_like_pressing_it(
    app: AppContext, sam: VolunteerChat
) -> None:
    await to_name_question(sam)
    await sam.type("Sam")
    contact = await sam.type("carer")
    assert "another way we can reach you" in text(contact)
    assert await one(app.db, "SELECT role FROM volunteers") == "carer"


async def test_a_button_from_an_earlier_step_changes_nothing(
    app: AppContext, sam: VolunteerChat
) -> None:
    await to_name_question(sam)
    role_question = await sam.type("Sam")
    await sam.press("I am a carer")
    sam.last = role_question  # Sam scrolls up and taps an answer on the old message
    stale = await sam.press("Both")
    assert "from an earlier message" in stale.replies[0].text
    assert "another way we can reach you" in stale.replies[-1].text
    assert await one(app.db, "SELECT role FROM volunteers") == "carer"


async def test_cancel_pauses_and_start_carries_on_at_the_same_question(
    app: AppContext, sam: VolunteerChat
) -> None:
    await to_name_question(sam)
    await sam.type("Sam")
    await sam.press("I use services")
    await sam.press("Skip this")
    await sam.press("No, thank you")
    await sam.press("Yes")
    await sam.press("Maybe")  # two of the six sessions answered
    paused = await sam.cancel()
    assert "Everything you told me is saved" in text(paused)
    while_paused = await sam.type("Yes")
    assert "You have paused signing up" in text(while_paused)
    back = await sam.start(None)
    assert "Let's carry on where you left off" in back.replies[0].text
    assert "(3 of 6)" in back.replies[-1].text
    assert await rows(app.db, "SELECT answer FROM availability ORDER BY session_id") == [
        ("yes",),
        ("maybe",),
    ]


async def test_the_summary_shows_every_answer_and_send_signs_them_up(
    app: AppContext, sam: VolunteerChat
) -> None:
    await to_name_question(sam)
    await sam.type("Sam")
    await sam.press("I use services")
    await sam.type("sam@example.org")
    await sam.press("Yes, you can keep a note")
    await sam.press("Reading stand")
    await sam.press("Done")
    await sam.press("Skip this")
    for answer in ("Yes", "No", "Yes", "Yes", "Yes", "Maybe"):
        await sam.press(answer)
    await sam.press("Tuesday")
    await sam.press("Done")
    await sam.press("Larkfield Recovery Partnership")
    await sam.press("Done")
    await sam.press("No, thank you")
    summary = await sam.press("Not sure yet")
    for shown in (
        "<b>Name:</b> Sam",
        "<b>You are:</b> someone who uses services",
        "sam@example.org",
        "Reading stand",
        "Training day: No",
        "Group scoring day: Maybe",
        "Tuesday",
        "Larkfield Recovery Partnership",
        "Not sure yet",
    ):
        assert shown in text(summary), shown
    assert await rows(app.db, "SELECT status FROM applications") == [("draft",)]

    sent = await sam.press("Send")
    assert "You have signed up for" in text(sent)
    assert any("New sign-up" in t and "Sam" in t for t in told(sent, COORDINATOR_ID))
    assert await rows(
        app.db, "SELECT status, payment, interviews, days, submitted_at IS NOT NULL "
        "FROM applications"
    ) == [("applied", "undecided", 0, "tue", 1)]
    assert await rows(app.db, "SELECT organisation FROM conflicts") == [
        ("Larkfield Recovery Partnership",)
    ]
    assert await rows(app.db, "SELECT * FROM journeys") == []


async def test_withdrawing_asks_first_then_leaves_the_panel_and_tells_the_coordinators(
    app: AppContext, sam: VolunteerChat
) -> None:
    await sign_up(sam, code=EXAMPLE_CODE, name="Sam")
    asked = await sam.withdraw()
    assert labels(asked) == ["Yes, I want to leave", "No, I'll stay"]
    kept = await sam.press("No, I'll stay")
    assert kept.notices == []
    assert await one(app.db, "SELECT status FROM applications") == "applied"
    await sam.withdraw()
    left = await sam.press("Yes, I want to leave")
    assert "You have left" in text(left)
    assert any("Sam has left" in t for t in told(left, COORDINATOR_ID))
    assert await one(app.db, "SELECT status FROM applications") == "withdrawn"
    status = await sam.service.status(sam.person)
    assert "You left this panel." in text(status)


async def test_delete_erases_the_person_and_everything_they_told_us(
    app: AppContext, sam: VolunteerChat
) -> None:
    await sign_up(sam, code=EXAMPLE_CODE, name="Sam")
    asked = await sam.delete()
    assert labels(asked) == ["Yes, delete everything", "No, keep it"]
    erased = await sam.press("Yes, delete everything")
    assert "We have deleted everything we kept about you" in text(erased)
    for table in ("volunteers", "applications", "availability", "conflicts", "journeys"):
        assert await rows(app.db, f"SELECT * FROM {table}") == [], table
    assert await one(app.db, "SELECT count(*) FROM erasures") == 1
    mine = await sam.service.my_data(sam.person)
    assert mine.replies[0].document is None and "Sam" not in text(mine)
    again = await sam.start(EXAMPLE_CODE)
    assert labels(again)[0] == "Yes, that's OK"


async def test_words_that_match_no_button_keep_the_question_and_save_nothing(
    app: AppContext, sam: VolunteerChat
) -> None:
    await to_name_question(sam)
    await sam.type("Sam")
    again = await sam.type("banana")
    assert "Please tap one of the buttons, or type its words" in again.replies[0].text
    assert labels(again) == ["I use services", "I am a carer", "Both"]
    assert await one(app.db, "SELECT role FROM volunteers") is None
    assert await one(app.db, "SELECT step FROM journeys") == "role"
