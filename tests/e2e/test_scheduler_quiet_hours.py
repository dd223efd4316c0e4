"""Quiet hours hold what can wait until the morning; urgent changes go through them."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time

from bot.config import QuietHours
from bot.services.coordinator import session_changes
from bot.standin.api import FakeUser
from bot.store import panels
from bot.store import session_changes as changes
from bot.store.session_changes import SessionState
from scheduler.plan import reminder_send_at
from tests.conftest import World
from tests.factories import add_panel, panel_yaml, signed_up, spec_from
from tests.scheduler_helpers import LONDON, london, messages, tick, tick_at

QUIET = QuietHours(time(21), time(8))
EARLY_SESSION = """\
  - id: early
    kind: briefing
    title: Early briefing
    start: 2027-03-10 08:00
    end: 2027-03-10 10:00
    venue: Ashbridge Community Centre.
"""


def test_a_reminder_quiet_hours_would_hold_past_the_start_goes_the_evening_before() -> None:
    eight = london(2027, 3, 10, 8)
    nine = london(2027, 3, 10, 9)
    # 2h before 8am is 6am: held until 8am would be too late, so 8:30pm the evening before.
    assert reminder_send_at(london(2027, 3, 10, 6), eight, QUIET, LONDON) == london(
        2027, 3, 9, 20, 30
    )
    # 2h before 9am is 7am: held until 8am, still before the start.
    assert reminder_send_at(london(2027, 3, 10, 7), nine, QUIET, LONDON) == london(2027, 3, 10, 8)
    # Outside quiet hours nothing moves.
    assert reminder_send_at(london(2027, 3, 9, 8), eight, QUIET, LONDON) == london(2027, 3, 9, 8)


async def test_reminders_never_go_at_night(world: World, sam: FakeUser) -> None:
    spec = spec_from(panel_yaml("early-2027", EARLY_SESSION), world.settings)
    panel_id = await add_panel(world.db, spec, world.clock.now())
    await signed_up(world, panel_id, sam, world.clock.now())
    await tick(world)
    await tick_at(world, london(2027, 3, 9, 8))  # the 1-day reminder, at 8am
    await tick_at(world, london(2027, 3, 9, 20, 29))
    assert len(messages(world, sam.id, "A reminder about Early briefing")) == 1
    await tick_at(world, london(2027, 3, 9, 20, 30))  # the 2-hour one, pulled back
    got = messages(world, sam.id, "A reminder about Early briefing")
    assert len(got) == 2 and "tomorrow" in got[1].text
    for day, hour in ((9, 22), (10, 2), (10, 6), (10, 7)):
        await tick_at(world, london(2027, 3, day, hour))
    assert len(messages(world, sam.id, "A reminder about Early briefing")) == 2


async def _change(world: World, key: str, after_start: datetime, now: datetime) -> list[str]:
    """Move a session as a coordinator would (session_changes), at `now`; return who is told
    at once (chat ids as text)."""
    world.clock.set(now)
    async with world.db.transaction() as tx:
        session = next(s for s in await panels.sessions(tx, world.panel_id) if s.key == key)
        before = SessionState.of(session)
        after = dataclasses.replace(
            before, starts_at=after_start, ends_at=after_start + (before.ends_at - before.starts_at)
        )
        change_id = await changes.add(tx, session.id, "chat", before, after, now, announced=True)
        await changes.apply_state(tx, session.id, after)
        await changes.decide(tx, change_id, "sent", None, now)
        record = await changes.get(tx, change_id)
        assert record is not None
        notices = await session_changes.tell_affected(tx, world.settings, record, now)
    return [str(n.chat_id) for n in notices]


async def test_a_change_at_night_waits_for_the_morning_with_its_calendar_file(
    world: World, sam: FakeUser
) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now())
    await tick(world)  # Sam now has the sessions in a calendar file
    told_now = await _change(world, "training", london(2027, 3, 17, 11), london(2027, 3, 1, 23))
    assert told_now == []
    await tick_at(world, london(2027, 3, 2, 7, 59))
    assert messages(world, sam.id, "the new time for Training day in your calendar") == []
    await tick_at(world, london(2027, 3, 2, 8))
    update = messages(world, sam.id, "the new time for Training day in your calendar")
    assert len(update) == 1 and update[0].document is not None
    assert b"SEQUENCE:2" in update[0].document[1]
    assert b"DTSTART;TZID=Europe/London:20270317T110000" in update[0].document[1]
    await tick_at(world, london(2027, 3, 2, 9))
    assert len(messages(world, sam.id, "the new time for Training day in your calendar")) == 1


async def test_an_urgent_change_goes_through_quiet_hours(world: World, sam: FakeUser) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now())
    await tick(world)
    # 11pm the night before the briefing: it moves from 11am to 1pm tomorrow.
    told_now = await _change(world, "briefing", london(2027, 3, 9, 13), london(2027, 3, 8, 23))
    assert told_now == [str(sam.id), str(sam.id)]  # the notice and the calendar file


async def test_thanks_decided_late_at_night_arrive_in_the_morning(
    world: World, sam: FakeUser, coordinator: FakeUser
) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now())
    await tick(world)
    world.clock.set(london(2027, 5, 4, 22, 30))
    await world.harness.say(coordinator, "/outcome ashbridge-day-2027")
    await world.harness.press_button(coordinator, "Scoring is finished")
    await world.harness.press_button(coordinator, "Yes, thank everyone")
    await tick(world)
    assert messages(world, sam.id, "The scoring for") == []
    await tick_at(world, london(2027, 5, 5, 8))
    assert len(messages(world, sam.id, "The scoring for")) == 1
