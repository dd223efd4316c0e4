"""A coordinator's decisions on one person, through CoordinatorService: each move the rules
allow tells the person kindly; a move they forbid, or a press on an out-of-date page,
changes nothing; and nobody but a coordinator gets anything back at all."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.context import AppContext
from scheduler.service import tick
from tests.conftest import EXAMPLE_CODE
from tests.services.chat import (
    CoordinatorChat,
    Telegram,
    VolunteerChat,
    decide,
    labels,
    sign_up,
    text,
    told,
)
from tests.services.db import one, rows

DECISIONS = ["✅ Give a place", "🔸 Make a reserve", "Decline kindly"]


@pytest.mark.parametrize(
    ("decision", "status", "shown", "sam_told"),
    [
        ("Give a place", "confirmed", "Has a place", "You have a place on the Ashbridge"),
        ("Make a reserve", "reserve", "Reserve", "You are a reserve"),
        ("Decline kindly", "declined", "Not chosen", "we can't offer you a place this time"),
    ],
)
async def test_each_decision_is_saved_recorded_and_told_to_the_person(
    app: AppContext,
    sam: VolunteerChat,
    priya: CoordinatorChat,
    decision: str,
    status: str,
    shown: str,
    sam_told: str,
) -> None:
    await sign_up(sam, code=EXAMPLE_CODE, name="Sam")
    done = await decide(priya, EXAMPLE_CODE, "Sam", decision)
    assert f"Sam is now: {shown}. We will tell them at 10:05am." in text(done)
    assert told(done, sam.person.chat_id) == []  # held: it can be undone until then
    assert isinstance(app.clock, FakeClock)
    app.clock.advance(timedelta(minutes=5))
    telegram = Telegram()
    await tick(app, telegram.send)
    assert telegram.to(sam.person.chat_id, sam_told)
    assert await one(app.db, "SELECT status FROM applications") == status
    assert await rows(app.db, "SELECT detail FROM audit_log WHERE action = 'set_status'") == [
        (f"applied -> {status}",)
    ]
    # The page offers only the moves the rules allow from the new status.
    assert [label for label in labels(done) if label in DECISIONS] == [
        label for label in DECISIONS if decision not in label
    ]


async def test_a_move_the_rules_forbid_changes_nothing_and_says_where_things_stand(
    app: AppContext, sam: VolunteerChat, priya: CoordinatorChat
) -> None:
    await sign_up(sam, code=EXAMPLE_CODE, name="Sam")
    await priya.command("roster", EXAMPLE_CODE)
    await priya.press("Sam")  # the page still shows "Signed up"
    await sam.withdraw()
    await sam.press("Yes, I want to leave")
    refused = await priya.press("Give a place")
    assert refused is not None
    # Sam left on his own: no coordinator changed anything, so the page does not say one did.
    assert "Sam has left this panel, so nothing was changed or sent." in text(refused)
    assert told(refused, sam.person.chat_id) == []
    assert await one(app.db, "SELECT status FROM applications") == "withdrawn"
    # Someone who left can be given no place, reserve or refusal from their page.
    assert not set(labels(refused)) & set(DECISIONS)


async def test_a_press_on_a_page_older_than_the_last_decision_changes_nothing(
    app: AppContext, sam: VolunteerChat, priya: CoordinatorChat
) -> None:
    await sign_up(sam, code=EXAMPLE_CODE, name="Sam")
    await priya.command("roster", EXAMPLE_CODE)
    page = await priya.press("Sam")
    assert page is not None
    await priya.press("Give a place")
    priya.last = page  # a second tap on the page as it was, "Decline kindly" this time
    again = await priya.press("Decline kindly")
    assert again is not None
    assert "Sam is now: Has a place. Nothing else was changed." in text(again)
    assert again.notices == []
    assert await one(app.db, "SELECT status FROM applications") == "confirmed"


async def test_someone_who_is_not_a_coordinator_gets_nothing_back_and_changes_nothing(
    app: AppContext, sam: VolunteerChat, priya: CoordinatorChat
) -> None:
    await sign_up(sam, code=EXAMPLE_CODE, name="Sam")
    await priya.command("roster", EXAMPLE_CODE)
    page = await priya.press("Sam")
    assert page is not None
    intruder = CoordinatorChat(priya.service, sam.person)
    for name, args in (("roster", [EXAMPLE_CODE]), ("panels", []), ("close", [EXAMPLE_CODE]),
                       ("export", [EXAMPLE_CODE]), ("help", [])):  # fmt: skip
        assert await intruder.command(name, *args) is None, name
    # Sam even sends the coordinator's own button, as a forged press would.
    for decision in ("Give a place", "Decline kindly", "Back to the list"):
        intruder.last = page
        assert await intruder.press(decision) is None, decision
    assert await priya.service.text(sam.person, "hello") is None
    assert await one(app.db, "SELECT status FROM applications") == "applied"
    by_sam = "SELECT * FROM audit_log WHERE coordinator_id = ?"
    assert await rows(app.db, by_sam, sam.person.telegram_id) == []
