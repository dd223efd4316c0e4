"""The scheduler's timing core: offsets across clock changes, quiet hours, status, keys."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.clock import FakeClock
from bot.config import QuietHours, parse_offsets
from bot.rules.timing import (
    PlannedReminder,
    is_urgent_change,
    ledger_key,
    next_allowed_send,
    offset_label,
    reminder_status,
    reminder_times,
)

LONDON = ZoneInfo("Europe/London")
NIGHT = QuietHours(time(21, 0), time(8, 0))
LUNCH = QuietHours(time(12, 0), time(13, 0))
DEFAULT_OFFSETS = parse_offsets("7d,1d,2h", "PANELBOT_REMINDERS")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON, fold=fold)


def by_label(reminders: list[PlannedReminder]) -> dict[str, datetime]:
    return {r.label: r.due_utc for r in reminders}


# --- reminder_times --------------------------------------------------------------------


def test_spring_forward_week_keeps_local_wall_clock() -> None:
    # BST starts Sunday 28 March 2027. Session Monday 29 March 10:00 BST = 09:00 UTC.
    start = local(2027, 3, 29, 10, 0)
    assert start.astimezone(UTC) == utc(2027, 3, 29, 9, 0)
    due = by_label(reminder_times(start.astimezone(UTC), DEFAULT_OFFSETS, LONDON))
    assert due["7d"] == utc(2027, 3, 22, 10, 0)  # 10:00 GMT a week before
    assert due["7d"].astimezone(LONDON).time() == time(10, 0)
    assert due["1d"] == utc(2027, 3, 28, 9, 0)  # 10:00 BST on the change day: only 23 h
    assert due["1d"].astimezone(LONDON).time() == time(10, 0)
    assert due["2h"] == utc(2027, 3, 29, 7, 0)


def test_fall_back_week_keeps_local_wall_clock() -> None:
    # BST ends Sunday 31 October 2027. Session Monday 1 November 10:00 GMT = 10:00 UTC.
    start = local(2027, 11, 1, 10, 0)
    assert start.astimezone(UTC) == utc(2027, 11, 1, 10, 0)
    due = by_label(reminder_times(start.astimezone(UTC), DEFAULT_OFFSETS, LONDON))
    assert due["7d"] == utc(2027, 10, 25, 9, 0)  # 10:00 BST a week before
    assert due["7d"].astimezone(LONDON).time() == time(10, 0)
    assert due["1d"] == utc(2027, 10, 31, 10, 0)  # 10:00 GMT on the change day: 25 h
    assert due["2h"] == utc(2027, 11, 1, 8, 0)


def test_hour_offsets_are_absolute_across_the_change() -> None:
    # 03:00 BST on 28 March 2027 is 02:00 UTC; 2 h earlier is 00:00 GMT (wall clock -3 h).
    start = local(2027, 3, 28, 3, 0).astimezone(UTC)
    due = by_label(reminder_times(start, [timedelta(hours=2)], LONDON))
    assert due["2h"] == start - timedelta(hours=2) == utc(2027, 3, 28, 0, 0)
    assert due["2h"].astimezone(LONDON).time() == time(0, 0)


def test_reminders_come_earliest_first_without_duplicates() -> None:
    start = utc(2027, 6, 7, 9, 0)
    offsets = [timedelta(hours=2), timedelta(days=7), timedelta(days=1), timedelta(hours=2)]
    reminders = reminder_times(start, offsets, LONDON)
    assert [r.label for r in reminders] == ["7d", "1d", "2h"]
    assert [r.offset for r in reminders] == [
        timedelta(days=7),
        timedelta(days=1),
        timedelta(hours=2),
    ]


def test_nonexistent_local_time_shifts_forward() -> None:
    # Session 01:30 BST on Sunday 4 April 2027; 7d earlier is 01:30 on 28 March: no such time.
    start = local(2027, 4, 4, 1, 30).astimezone(UTC)
    (reminder,) = reminder_times(start, [timedelta(days=7)], LONDON)
    assert reminder.due_utc.astimezone(LONDON).replace(tzinfo=None) == datetime(2027, 3, 28, 2, 30)
    assert reminder.due_utc == utc(2027, 3, 28, 1, 30)


def test_ambiguous_local_time_takes_first_occurrence() -> None:
    # 01:30 on 31 October 2027 happens twice; take the first (BST, 00:30 UTC).
    start = local(2027, 11, 7, 1, 30).astimezone(UTC)
    (reminder,) = reminder_times(start, [timedelta(days=7)], LONDON)
    assert reminder.due_utc == utc(2027, 10, 31, 0, 30)


def test_mixed_offset_splits_days_and_hours() -> None:
    start = local(2027, 3, 29, 10, 0).astimezone(UTC)
    (reminder,) = reminder_times(start, [timedelta(days=1, hours=12)], LONDON)
    assert reminder.label == "1d12h"
    # 10:00 BST on the 28th, then 12 absolute hours earlier: 21:00 UTC on the 27th.
    assert reminder.due_utc == utc(2027, 3, 27, 21, 0)


@pytest.mark.parametrize("bad", [timedelta(0), timedelta(hours=-1)])
def test_non_positive_offsets_are_rejected(bad: timedelta) -> None:
    with pytest.raises(ValueError, match="positive"):
        reminder_times(utc(2027, 1, 1, 9), [bad], LONDON)


def test_naive_start_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        reminder_times(datetime(2027, 1, 1, 9), DEFAULT_OFFSETS, LONDON)


@pytest.mark.parametrize(
    ("offset", "label"),
    [
        (timedelta(days=7), "7d"),
        (timedelta(hours=2), "2h"),
        (timedelta(minutes=90), "1h30m"),
        (timedelta(minutes=30), "30m"),
        (timedelta(hours=36), "1d12h"),
    ],
)
def test_offset_labels(offset: timedelta, label: str) -> None:
    assert offset_label(offset) == label


# --- next_allowed_send -----------------------------------------------------------------


def test_quiet_hours_defer_to_next_morning_local() -> None:
    due = local(2027, 6, 10, 22, 30).astimezone(UTC)
    sent = next_allowed_send(due, NIGHT, LONDON, urgent=False)
    assert sent == local(2027, 6, 11, 8, 0).astimezone(UTC) == utc(2027, 6, 11, 7, 0)


def test_quiet_hours_after_midnight_end_same_morning() -> None:
    due = local(2027, 6, 11, 3, 0).astimezone(UTC)
    assert next_allowed_send(due, NIGHT, LONDON, urgent=False) == utc(2027, 6, 11, 7, 0)


def test_quiet_hours_on_spring_forward_night() -> None:
    # 22:30 GMT Saturday 27 March 2027 -> 08:00 BST Sunday = 07:00 UTC (9.5 h later, not 10.5).
    due = local(2027, 3, 27, 22, 30).astimezone(UTC)
    assert due == utc(2027, 3, 27, 22, 30)
    sent = next_allowed_send(due, NIGHT, LONDON, urgent=False)
    assert sent == utc(2027, 3, 28, 7, 0)
    assert sent.astimezone(LONDON).time() == time(8, 0)


def test_quiet_hours_on_fall_back_night() -> None:
    # 22:30 BST Saturday 30 October 2027 -> 08:00 GMT Sunday = 08:00 UTC.
    due = local(2027, 10, 30, 22, 30).astimezone(UTC)
    assert due == utc(2027, 10, 30, 21, 30)
    sent = next_allowed_send(due, NIGHT, LONDON, urgent=False)
    assert sent == utc(2027, 10, 31, 8, 0)
    assert sent.astimezone(LONDON).time() == time(8, 0)


def test_quiet_end_inside_the_repeated_hour_is_never_before_due() -> None:
    quiet = QuietHours(time(0, 30), time(1, 30))
    # 01:10 GMT, the second 01:10 of the night; the first 01:30 (BST) is already past.
    due = local(2027, 10, 31, 1, 10, fold=1).astimezone(UTC)
    assert due == utc(2027, 10, 31, 1, 10)
    assert next_allowed_send(due, quiet, LONDON, urgent=False) == utc(2027, 10, 31, 1, 30)


def test_quiet_end_inside_the_skipped_hour_shifts_forward() -> None:
    quiet = QuietHours(time(23, 0), time(1, 30))  # 01:30 does not exist on 28 March 2027
    due = local(2027, 3, 27, 23, 15).astimezone(UTC)
    sent = next_allowed_send(due, quiet, LONDON, urgent=False)
    assert sent.astimezone(LONDON).time() == time(2, 30)
    assert not quiet.contains(sent.astimezone(LONDON).time())


def test_urgent_passes_straight_through() -> None:
    due = local(2027, 6, 10, 22, 30).astimezone(UTC)
    assert next_allowed_send(due, NIGHT, LONDON, urgent=True) == due


def test_outside_quiet_hours_is_unchanged() -> None:
    due = local(2027, 6, 10, 20, 59).astimezone(UTC)
    assert next_allowed_send(due, NIGHT, LONDON, urgent=False) == due
    end = local(2027, 6, 10, 8, 0).astimezone(UTC)
    assert next_allowed_send(end, NIGHT, LONDON, urgent=False) == end


def test_quiet_hours_not_wrapping_midnight() -> None:
    due = local(2027, 6, 10, 12, 20).astimezone(UTC)
    assert next_allowed_send(due, LUNCH, LONDON, urgent=False) == local(
        2027, 6, 10, 13, 0
    ).astimezone(UTC)
    for outside in (
        local(2027, 6, 10, 11, 59),
        local(2027, 6, 10, 13, 0),
        local(2027, 6, 10, 23, 0),
    ):
        assert next_allowed_send(
            outside.astimezone(UTC), LUNCH, LONDON, urgent=False
        ) == outside.astimezone(UTC)


def test_start_of_quiet_hours_is_inside() -> None:
    due = local(2027, 6, 10, 21, 0).astimezone(UTC)
    assert next_allowed_send(due, NIGHT, LONDON, urgent=False) == utc(2027, 6, 11, 7, 0)


# --- is_urgent_change ------------------------------------------------------------------


def test_urgent_change_within_24_hours() -> None:
    now = utc(2027, 6, 10, 12, 0)
    assert is_urgent_change(now + timedelta(hours=23, minutes=59), now)
    assert is_urgent_change(now + timedelta(minutes=5), now)
    assert is_urgent_change(now - timedelta(minutes=5), now)  # already under way
    assert not is_urgent_change(now + timedelta(hours=24), now)
    assert not is_urgent_change(now + timedelta(days=3), now)


# --- reminder_status -------------------------------------------------------------------


def test_reminder_status_transitions() -> None:
    start = utc(2027, 6, 10, 10, 0)
    due = start - timedelta(days=1)
    clock = FakeClock(due - timedelta(minutes=1))
    assert reminder_status(clock.now(), due, start) == "future"
    clock.set(due)
    assert reminder_status(clock.now(), due, start) == "due"
    clock.advance(timedelta(minutes=15))
    assert reminder_status(clock.now(), due, start) == "due"
    clock.advance(timedelta(minutes=1))  # the bot was down
    assert reminder_status(clock.now(), due, start) == "late"
    clock.set(start - timedelta(seconds=1))
    assert reminder_status(clock.now(), due, start) == "late"
    clock.set(start)
    assert reminder_status(clock.now(), due, start) == "expired"
    clock.advance(timedelta(days=2))
    assert reminder_status(clock.now(), due, start) == "expired"


def test_reminder_status_custom_grace() -> None:
    start = utc(2027, 6, 10, 10, 0)
    due = start - timedelta(hours=2)
    now = due + timedelta(minutes=5)
    assert reminder_status(now, due, start, grace=timedelta(minutes=1)) == "late"


def test_reminder_deferred_past_the_start_is_expired() -> None:
    start = local(2027, 6, 10, 7, 0).astimezone(UTC)
    (reminder,) = reminder_times(start, [timedelta(hours=2)], LONDON)
    send_at = next_allowed_send(reminder.due_utc, NIGHT, LONDON, urgent=False)
    assert reminder_status(send_at, send_at, start) == "expired"


# --- ledger_key ------------------------------------------------------------------------


def test_ledger_key_is_stable_and_readable() -> None:
    assert ledger_key("reminder", 12, 34, 2, "1d") == "reminder:12:34:2:1d"
    assert ledger_key("reminder", 12, 34, 2, "1d") == ledger_key("reminder", 12, 34, 2, "1d")
    assert ledger_key("reminder", 12, 34, 2, timedelta(days=1)) == "reminder:12:34:2:1d"


def test_ledger_keys_differ_across_session_versions() -> None:
    start = utc(2027, 6, 10, 10, 0)
    v1 = {
        ledger_key("reminder", 12, 34, 1, r.label)
        for r in reminder_times(start, DEFAULT_OFFSETS, LONDON)
    }
    v2 = {
        ledger_key("reminder", 12, 34, 2, r.label)
        for r in reminder_times(start + timedelta(days=1), DEFAULT_OFFSETS, LONDON)
    }
    assert len(v1) == len(v2) == 3
    assert not v1 & v2


def test_ledger_key_parts_cannot_run_together() -> None:
    assert ledger_key("change", "a:b") != ledger_key("change", "a", "b")
    assert ledger_key("change", "a%3Ab") != ledger_key("change", "a:b")
    assert ledger_key("reminder", 1, 2) != ledger_key("outcome", 1, 2)


def test_ledger_key_datetime_parts_are_utc() -> None:
    moment = local(2027, 6, 10, 11, 0)
    assert ledger_key("x", moment) == ledger_key("x", moment.astimezone(UTC))


@pytest.mark.parametrize("bad", [None, True, 1.5, object()])
def test_ledger_key_rejects_unstable_parts(bad: object) -> None:
    with pytest.raises(TypeError):
        ledger_key("reminder", 12, bad)


# --- properties ------------------------------------------------------------------------

ZONES = [
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Santiago",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "Pacific/Chatham",
    "Asia/Kolkata",
    "UTC",
]

starts = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2030, 12, 31, 23, 59),
    timezones=st.just(UTC),
)
offsets_st = st.lists(
    st.one_of(
        st.integers(1, 30).map(lambda n: timedelta(days=n)),
        st.integers(1, 72).map(lambda n: timedelta(hours=n)),
        st.integers(1, 60 * 24 * 10).map(lambda n: timedelta(minutes=n)),
    ),
    min_size=1,
    max_size=6,
)
clock_times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59]))
quiet_st = st.one_of(
    st.just(NIGHT), st.just(LUNCH), st.builds(QuietHours, clock_times, clock_times)
)


@settings(max_examples=400, deadline=None)
@given(
    start=starts,
    offsets=offsets_st,
    zone=st.sampled_from(ZONES),
    quiet=quiet_st,
)
def test_property_before_start_and_outside_quiet_hours(
    start: datetime, offsets: list[timedelta], zone: str, quiet: QuietHours
) -> None:
    tz = ZoneInfo(zone)
    reminders = reminder_times(start, offsets, tz)
    assert len(reminders) == len(set(offsets))
    assert [r.due_utc for r in reminders] == sorted(r.due_utc for r in reminders)
    for reminder in reminders:
        assert reminder.due_utc.tzinfo is UTC
        assert reminder.due_utc < start
        sent = next_allowed_send(reminder.due_utc, quiet, tz, urgent=False)
        assert sent >= reminder.due_utc
        assert sent - reminder.due_utc <= timedelta(hours=26)
        assert not quiet.contains(sent.astimezone(tz).time())
        assert next_allowed_send(reminder.due_utc, quiet, tz, urgent=True) == reminder.due_utc


@settings(max_examples=200, deadline=None)
@given(start=starts, days=st.integers(1, 30), zone=st.sampled_from(ZONES))
def test_property_day_offsets_keep_local_wall_clock(start: datetime, days: int, zone: str) -> None:
    tz = ZoneInfo(zone)
    (reminder,) = reminder_times(start, [timedelta(days=days)], tz)
    wall = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=days)
    round_trip = wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip == wall:  # the wall time exists: it is kept exactly
        assert reminder.due_utc.astimezone(tz).replace(tzinfo=None) == wall
    else:  # it fell in a gap: shifted forward, by less than a day
        got = reminder.due_utc.astimezone(tz).replace(tzinfo=None)
        assert wall < got < wall + timedelta(days=1)
