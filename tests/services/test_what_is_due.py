"""What the scheduler sends, through `tick` on a real SQLite file with the clock set by hand:
calendar files and reminders at the right local time, each once, nothing non-urgent in
quiet hours, nothing for people who left. `send` is the boundary: a small function that
records each message and answers as Telegram would."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import delivery
from bot.clock import FakeClock
from bot.context import AppContext
from bot.store.db import Database
from scheduler.service import TickReport, tick
from tests.conftest import EXAMPLE_CODE
from tests.services.chat import (
    EVERY_SESSION_YES,
    CoordinatorChat,
    Sent,
    Telegram,
    VolunteerChat,
    decide,
    sign_up,
)
from tests.services.conftest import volunteer
from tests.services.db import one

LONDON = ZoneInfo("Europe/London")
BRIEFING = "A reminder about <b>Welcome and briefing</b>"
ONLY_SCORING_DAY = ("No", "No", "No", "No", "No", "Yes")


def london(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in London (the example panel's zone), in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


async def confirmed(
    app: AppContext,
    priya: CoordinatorChat,
    telegram_id: int,
    name: str,
    availability: Sequence[str] = EVERY_SESSION_YES,
) -> VolunteerChat:
    chat = volunteer(app, telegram_id, name)
    await sign_up(chat, code=EXAMPLE_CODE, name=name, availability=availability)
    await decide(priya, EXAMPLE_CODE, name, "Give a place")
    return chat


# A decision's message waits this long before it goes (the example's decision_hold_minutes).
HOLD = timedelta(minutes=5)


def calendars(telegram: Telegram) -> list[Sent]:
    return [d for d in telegram.delivered if d.reply.document is not None]


async def tick_at(app: AppContext, telegram: Telegram, moment: datetime) -> TickReport:
    assert isinstance(app.clock, FakeClock)
    app.clock.set(moment)
    return await tick(app, telegram.send)


async def test_the_calendar_file_goes_once_and_only_to_people_with_a_place(
    app: AppContext, sam: VolunteerChat, priya: CoordinatorChat
) -> None:
    await sign_up(sam, code=EXAMPLE_CODE, name="Sam")
    await decide(priya, EXAMPLE_CODE, "Sam", "Give a place")
    alex = volunteer(app, 1002, "Alex")
    await sign_up(alex, code=EXAMPLE_CODE, name="Alex")  # signed up, not chosen yet
    ben = await confirmed(app, priya, 1003, "Ben")
    await decide(priya, EXAMPLE_CODE, "Ben", "Decline kindly")
    telegram = Telegram()
    await tick(app, telegram.send)
    assert telegram.delivered == []  # the place may still be undone: its file waits too
    await tick_at(app, telegram, app.clock.now() + HOLD)
    assert [d.chat_id for d in calendars(telegram)] == [sam.person.chat_id]
    calendar = calendars(telegram)[0].reply
    assert "Here are your dates for" in calendar.text and "Welcome and briefing" in calendar.text
    assert calendar.document is not None and calendar.document.filename.endswith(".ics")
    assert b"BEGIN:VEVENT" in calendar.document.content
    tried = list(telegram.tried)
    await tick(app, telegram.send)
    assert telegram.tried == tried  # nothing again
    assert alex.person.chat_id not in telegram.tried
    assert ben.person.chat_id not in [d.chat_id for d in calendars(telegram)]


@pytest.mark.parametrize(
    ("availability", "due", "title", "when"),
    [
        # 7 days before Tuesday 9 March, 11am GMT: 11:00 UTC.
        (EVERY_SESSION_YES, datetime(2027, 3, 2, 11, 0, tzinfo=UTC),
         "Welcome and briefing", "on Tuesday 9 March 2027"),
        # 1 day before Tuesday 4 May, 11am BST: 10:00 UTC.
        (ONLY_SCORING_DAY, datetime(2027, 5, 3, 10, 0, tzinfo=UTC),
         "Group scoring day", "tomorrow"),
    ],
    ids=["winter", "summer"],
)  # fmt: skip
async def test_a_reminder_is_due_at_the_sessions_local_clock_time(
    app: AppContext,
    priya: CoordinatorChat,
    availability: Sequence[str],
    due: datetime,
    title: str,
    when: str,
) -> None:
    sam = await confirmed(app, priya, 1001, "Sam", availability)
    telegram = Telegram()
    await tick(app, telegram.send)  # the calendar file
    reminder = f"A reminder about <b>{title}</b>"
    await tick_at(app, telegram, due.replace(minute=59, hour=due.hour - 1))
    assert telegram.to(sam.person.chat_id, reminder) == []
    report = await tick_at(app, telegram, due)
    got = telegram.to(sam.person.chat_id, reminder)
    assert len(got) == 1 and when in got[0] and "late" not in got[0]
    assert report.kinds["reminder"] == 1


async def test_a_reminder_sent_is_never_sent_again_not_even_after_a_restart(
    app: AppContext, priya: CoordinatorChat, db_path: Path
) -> None:
    sam = await confirmed(app, priya, 1001, "Sam")
    telegram = Telegram()
    await tick(app, telegram.send)
    await tick_at(app, telegram, london(2027, 3, 2, 11))
    await tick_at(app, telegram, london(2027, 3, 2, 11, 1))
    await tick_at(app, telegram, london(2027, 3, 2, 18))
    restarted = await Database.open(db_path)
    try:
        await tick(AppContext(restarted, app.settings, app.clock), telegram.send)
    finally:
        await restarted.close()
    assert len(telegram.to(sam.person.chat_id, BRIEFING)) == 1
    await tick_at(app, telegram, london(2027, 3, 8, 11))  # the next one, a day before
    assert len(telegram.to(sam.person.chat_id, BRIEFING)) == 2


async def test_nothing_that_can_wait_goes_in_quiet_hours_it_goes_in_the_morning(
    app: AppContext, priya: CoordinatorChat
) -> None:
    sam = await confirmed(app, priya, 1001, "Sam")
    telegram = Telegram()
    night = await tick_at(app, telegram, london(2027, 1, 11, 22))
    assert telegram.delivered == [] and night.held == 2  # the news of the place, and the file
    await tick_at(app, telegram, london(2027, 1, 12, 7, 59))
    assert telegram.delivered == []
    await tick_at(app, telegram, london(2027, 1, 12, 8))
    assert [d.chat_id for d in telegram.delivered] == [sam.person.chat_id] * 2
    # The bot was down when the 7-day reminder fell due (2 March, 11am); it is back at night.
    for hour in (22, 23):
        await tick_at(app, telegram, london(2027, 3, 2, hour))
    await tick_at(app, telegram, london(2027, 3, 3, 3))
    assert telegram.to(sam.person.chat_id, BRIEFING) == []
    await tick_at(app, telegram, london(2027, 3, 3, 8))
    late = telegram.to(sam.person.chat_id, BRIEFING)
    assert len(late) == 1 and "Sorry this reminder is late" in late[0]


async def test_people_who_left_or_were_declined_get_no_reminders(
    app: AppContext, priya: CoordinatorChat
) -> None:
    sam = await confirmed(app, priya, 1001, "Sam")
    alex = await confirmed(app, priya, 1002, "Alex")
    ben = await confirmed(app, priya, 1003, "Ben")
    telegram = Telegram()
    await tick_at(app, telegram, app.clock.now() + HOLD)
    assert sorted(d.chat_id for d in calendars(telegram)) == [1001, 1002, 1003]
    await alex.withdraw()
    await alex.press("Yes, I want to leave")
    await decide(priya, EXAMPLE_CODE, "Ben", "Decline kindly")
    await tick_at(app, telegram, london(2027, 3, 2, 11))
    await tick_at(app, telegram, london(2027, 3, 8, 11))
    assert len(telegram.to(sam.person.chat_id, BRIEFING)) == 2
    assert telegram.to(alex.person.chat_id, "A reminder") == []
    assert telegram.to(ben.person.chat_id, "A reminder") == []


async def test_someone_who_blocked_the_bot_is_not_tried_again(
    app: AppContext, priya: CoordinatorChat
) -> None:
    sam = await confirmed(app, priya, 1001, "Sam")
    alex = await confirmed(app, priya, 1002, "Alex")
    telegram = Telegram(answers={alex.person.chat_id: delivery.Blocked()})
    await tick_at(app, telegram, app.clock.now() + HOLD)
    assert telegram.tried.count(alex.person.chat_id) == 1
    assert await one(app.db, "SELECT unreachable FROM volunteers WHERE name = 'Alex'") == 1
    await tick(app, telegram.send)
    await tick_at(app, telegram, london(2027, 3, 2, 11))
    assert telegram.tried.count(alex.person.chat_id) == 1
    assert len(telegram.to(sam.person.chat_id, BRIEFING)) == 1
