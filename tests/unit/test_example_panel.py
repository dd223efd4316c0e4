"""The example panel is one template dated from a day passed in: made on the tests' day it is
examples/panel.yaml exactly, and made on any day it is a valid panel file, with every field,
its sign-up still open and every session still to come."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.examples import FIXTURE_DAY, TIMEZONE, example_panel, first_session, today_in_zone
from bot.panelfile import PanelSpec, parse_panel_text
from tests.conftest import EXAMPLE_PANEL, START

DAYS = {
    "the tests' day": FIXTURE_DAY,
    "the day after the fixture's sign-up closed": date(2027, 2, 27),
    "late December": date(2027, 12, 28),
    "New Year's Eve": date(2026, 12, 31),
    # UK clocks go forward on 26 March 2028 and back on 31 October 2027.
    "the eve of the spring clock change": date(2028, 3, 25),
    "the eve of the autumn clock change": date(2027, 10, 30),
    "sessions across the spring clock change": date(2028, 1, 15),
    "sessions across the autumn clock change": date(2027, 8, 20),
    "a leap day": date(2028, 2, 29),
    "years from now": date(2041, 7, 4),
}


def checked(today: date) -> PanelSpec:
    """The example made on `today`, read by the panel file checker; fails the test on a problem."""
    # The file sets its own zone, so the bot's default must not matter.
    return parse_panel_text(example_panel(today), default_timezone="Pacific/Kiritimati")


def assert_open_all_that_day(spec: PanelSpec, today: date) -> None:
    end_of_day = datetime.combine(today + timedelta(days=1), time(), TIMEZONE)
    assert spec.closes > end_of_day
    assert all(session.start > spec.closes for session in spec.sessions)
    assert spec.first_start - end_of_day < timedelta(weeks=9)  # weeks ahead, not months


def field_paths(value: Any, path: str = "") -> set[str]:
    if isinstance(value, dict):
        return {p for key, item in value.items() for p in field_paths(item, f"{path}.{key}")}
    if isinstance(value, list):
        return {p for n, item in enumerate(value) for p in field_paths(item, f"{path}[{n}]")}
    return {path}


def test_the_fixture_is_the_example_made_on_the_tests_day() -> None:
    assert today_in_zone(START) == FIXTURE_DAY
    assert example_panel(FIXTURE_DAY) == EXAMPLE_PANEL.read_text(encoding="utf-8")


@pytest.mark.parametrize("today", DAYS.values(), ids=DAYS.keys())
def test_the_example_is_valid_and_open_whatever_day_it_is_made(today: date) -> None:
    spec = checked(today)
    assert_open_all_that_day(spec, today)
    assert spec.timezone == TIMEZONE.key
    made = yaml.safe_load(example_panel(today))
    assert field_paths(made) == field_paths(yaml.safe_load(example_panel(FIXTURE_DAY)))


@pytest.mark.parametrize("today", DAYS.values(), ids=DAYS.keys())
def test_the_words_move_with_the_dates(today: date) -> None:
    spec = checked(today)
    (starts,) = (line for line in spec.panel_role.not_negotiable if "new service starts" in line)
    found = re.search(r"This is (\d+ \w+ \d{4})\.", starts)
    assert found is not None
    service_starts = datetime.strptime(found.group(1), "%d %B %Y").replace(tzinfo=TIMEZONE)
    assert service_starts > spec.last_end
    assert spec.code == f"ashbridge-day-{service_starts.year}"
    ends = re.search(r"ends in (\w+ \d{4})\.", spec.buying.why)
    assert ends is not None
    assert datetime.strptime(ends.group(1), "%B %Y").replace(tzinfo=TIMEZONE) < service_starts


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2100, 12, 31)))
def test_any_day_gives_a_valid_open_example(today: date) -> None:
    assert_open_all_that_day(checked(today), today)


def test_the_first_session_is_a_tuesday_eight_to_nine_weeks_ahead() -> None:
    for offset in range(7):
        today = FIXTURE_DAY + timedelta(days=offset)
        first = first_session(today)
        assert first.weekday() == 1
        assert timedelta(weeks=8) <= first - today < timedelta(weeks=9)


def test_today_is_the_day_where_the_panel_happens() -> None:
    assert today_in_zone(datetime(2027, 6, 30, 23, 30, tzinfo=UTC)) == date(2027, 7, 1)  # BST
    assert today_in_zone(datetime(2027, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 12, 31)


def test_the_same_day_gives_the_same_file() -> None:
    assert example_panel(date(2030, 5, 1)) == example_panel(date(2030, 5, 1))
    assert example_panel(date(2030, 5, 1)) != example_panel(date(2030, 5, 8))
