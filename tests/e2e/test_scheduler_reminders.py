"""Reminders: at the right local time across clock changes, once each across restarts, and
replaced when a session moves."""

from __future__ import annotations

from datetime import timedelta

from bot.standin.api import FakeUser
from tests.conftest import World
from tests.factories import add_panel, panel_yaml, signed_up, spec_from
from tests.scheduler_helpers import LONDON, london, messages, tick, tick_at

# Sessions just after the spring (28 March 2027) and autumn (31 October 2027) clock changes,
# so each one's 7-day reminder falls on the other side of the change.
DST_SESSIONS = """\
  - id: spring
    kind: briefing
    title: Spring briefing
    start: 2027-03-30 10:00
    end: 2027-03-30 12:00
    venue: Ashbridge Community Centre.
  - id: autumn
    kind: moderation
    title: Autumn scoring day
    start: 2027-11-02 10:00
    end: 2027-11-02 15:00
    venue: Ashbridge Community Centre.
"""


async def dst_panel(world: World) -> int:
    spec = spec_from(
        panel_yaml("dst-2027", DST_SESSIONS, closes="2027-03-01 17:00"), world.settings
    )
    return await add_panel(world.db, spec, world.clock.now())


def reminders_for(world: World, user: FakeUser, title: str) -> list[str]:
    return [m.text for m in messages(world, user.id, f"A reminder about {title}")]


async def test_reminders_land_at_the_same_local_time_either_side_of_the_clock_changes(
    world: World, sam: FakeUser
) -> None:
    panel_id = await dst_panel(world)
    await signed_up(world, panel_id, sam, world.clock.now())
    await tick(world)  # the calendar file
    expected = [
        ("Spring briefing", london(2027, 3, 23, 10), "on Tuesday 30 March 2027"),  # GMT
        ("Spring briefing", london(2027, 3, 29, 10), "tomorrow"),  # BST
        ("Spring briefing", london(2027, 3, 30, 8), "today"),  # 2h: 08:00 BST
        ("Autumn scoring day", london(2027, 10, 26, 10), "on Tuesday 2 November 2027"),  # BST
        ("Autumn scoring day", london(2027, 11, 1, 10), "tomorrow"),  # GMT
        ("Autumn scoring day", london(2027, 11, 2, 8), "today"),
    ]
    for title, due, when in expected:
        before = len(reminders_for(world, sam, title))
        await tick_at(world, due - timedelta(minutes=1))
        assert len(reminders_for(world, sam, title)) == before, f"{title} early at {due}"
        await tick_at(world, due)
        got = reminders_for(world, sam, title)
        assert len(got) == before + 1, f"{title} missing at {due}"
        assert when in got[-1] and "late" not in got[-1]
        assert due.astimezone(LONDON).hour in (8, 10)
    # 23 March 10:00 GMT is 10:00 UTC; 29 March 10:00 BST is 09:00 UTC.
    assert (london(2027, 3, 23, 10).hour, london(2027, 3, 29, 10).hour) == (10, 9)
    assert (london(2027, 10, 26, 10).hour, london(2027, 11, 1, 10).hour) == (9, 10)


async def test_a_restart_with_pending_reminders_sends_each_exactly_once(
    world: World, sam: FakeUser
) -> None:
    alex = FakeUser(1002, "Alex")
    for user in (sam, alex):
        await signed_up(world, world.panel_id, user, world.clock.now())
    await tick(world)
    # The bot was down from before the 7-day reminder for the briefing (Tuesday 9 March,
    # 11am) until the morning before it, then restarts.
    world.clock.set(london(2027, 3, 8, 11, 5))
    await world.restart()  # its start-up tick runs in the background
    await tick(world)
    await tick(world)
    for user in (sam, alex):
        got = reminders_for(world, sam if user is sam else alex, "Welcome and briefing")
        assert len(got) == 1, got
        assert "tomorrow" in got[0]
    # The overdue 7-day reminder was dropped, not sent late after the 1-day one.
    await world.restart()
    await tick_at(world, london(2027, 3, 8, 12))
    assert len(reminders_for(world, sam, "Welcome and briefing")) == 1


async def test_a_reminder_after_downtime_says_it_is_late_and_a_passed_session_gets_none(
    world: World, sam: FakeUser
) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now(),
                              availability={"training": "no", "training-video": "no",
                                            "reading": "no", "interviews": "no",
                                            "scoring-day": "no"})  # fmt: skip
    await tick(world)
    # Back at 10:55 the day before: the 7-day reminder is late, but the 1-day one is due in
    # five minutes, so only that one goes.
    await tick_at(world, london(2027, 3, 8, 10, 55))
    assert reminders_for(world, sam, "Welcome and briefing") == []
    await tick_at(world, london(2027, 3, 8, 11))
    assert len(reminders_for(world, sam, "Welcome and briefing")) == 1
    # Down again, back at 10:55 on the day, after the 2-hour reminder (9am) was due: it goes, late.
    await tick_at(world, london(2027, 3, 9, 10, 55))
    late = reminders_for(world, sam, "Welcome and briefing")
    assert len(late) == 2 and "Sorry this reminder is late" in late[1]
    assert "It is today" in late[1]
    await tick_at(world, london(2027, 3, 9, 12))  # the session started at 11:00
    assert len(reminders_for(world, sam, "Welcome and briefing")) == 2


async def test_a_moved_session_gets_new_reminders_and_the_old_ones_never_go(
    world: World, sam: FakeUser
) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now())
    await tick(world)
    await tick_at(world, london(2027, 3, 2, 11))  # 7-day reminder for 9 March
    first = messages(world, sam.id, "A reminder about Welcome and briefing")
    assert len(first) == 1
    # On 3 March the briefing moves to Thursday 11 March (any change path: here by hand).
    world.clock.set(london(2027, 3, 3, 15))
    async with world.db.transaction() as tx:
        await tx.execute(
            "UPDATE sessions SET starts_at = ?, ends_at = ? WHERE key = 'briefing'",
            ("2027-03-11T11:00:00+00:00", "2027-03-11T13:00:00+00:00"),
        )
    await tick(world)
    # The new reminders come at their times; the old 1-day reminder time passes with nothing.
    await tick_at(world, london(2027, 3, 4, 11))
    assert len(messages(world, sam.id, "A reminder about Welcome and briefing")) == 2
    await tick_at(world, london(2027, 3, 8, 11))
    assert len(messages(world, sam.id, "A reminder about Welcome and briefing")) == 2
    await tick_at(world, london(2027, 3, 10, 11))
    got = [m.text for m in messages(world, sam.id, "A reminder about Welcome and briefing")]
    assert len(got) == 3
    assert "Thursday 11 March 2027" in got[1] and "tomorrow" in got[2]
    # A button on the old reminder no longer counts.
    reply = await world.harness.press_button(sam, "I'll be there")  # the newest reminder
    assert "See you" in reply.text
    old = first[0]
    stale = await world.harness.press(sam, old.message_id, old.buttons[0][0].callback_data or "")
    assert "out of date" in stale.text


async def test_reminders_show_access_and_the_help_the_person_asked_for(
    world: World, sam: FakeUser
) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now(),
                              needs=["reading_stand", "drinks"])  # fmt: skip
    await tick(world)
    await tick_at(world, london(2027, 3, 8, 11))
    short = messages(world, sam.id, "A reminder about Welcome and briefing")[-1].text
    assert "Hearing loop" not in short  # the access details wait behind "More details"
    assert [
        b.text for row in messages(world, sam.id, "A reminder about")[-1].buttons for b in row
    ] == ["I'll be there", "I can't make it", "More details"]
    more = await world.harness.press_button(sam, "More details")
    assert more.messages == [] and len(more.edited) == 1  # the same message, redrawn
    text = more.edited[0].text
    for fact in (
        "Ashbridge Community Centre",
        "Hearing loop",
        "tomorrow, 11am to 1pm",
        "You asked for a reading stand. We are still arranging it. "
        "We will tell you when it is booked.",
        "You asked for caffeine-free drinks. We are still arranging it.",
    ):
        assert fact in text, fact
    # Nobody has booked anything yet, so nothing may say it is.
    assert "We have booked" not in text and "We have arranged" not in text
    for fact in ("Ashbridge Community Centre", "tomorrow, 11am to 1pm",
                 "You asked for a reading stand. We are still arranging it."):
        assert fact in short, fact
    assert "We have booked" not in short
    assert [b.text for row in more.edited[0].buttons for b in row] == [
        "I'll be there", "I can't make it"
    ]
