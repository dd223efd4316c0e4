"""Typed times for a broadcast to go, read in the panel's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.rules.readability import hint
from bot.rules.send_time import parse_send_time

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2027, 3, 26, 15, 0, tzinfo=UTC)  # a Friday; the clocks go forward on Sunday


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("tomorrow 10am", datetime(2027, 3, 27, 10, 0)),
        ("2027-03-29 09:30", datetime(2027, 3, 29, 9, 30)),  # British Summer Time by then
        ("Today 2:30 PM", datetime(2027, 3, 26, 14, 30)),
        ("monday at 9am", datetime(2027, 3, 29, 9, 0)),
        ("friday 9am", datetime(2027, 4, 2, 9, 0)),  # a week on, not today
        ("16:00", datetime(2027, 3, 26, 16, 0)),
    ],
)
def test_times_are_read_in_the_panels_zone(typed: str, meant: datetime) -> None:
    assert parse_send_time(typed, NOW, LONDON) == meant.replace(tzinfo=LONDON).astimezone(UTC)


@pytest.mark.parametrize("typed", ["10", "soon", "2027-02-30 10:00", "13pm", "25:00", ""])
def test_what_cannot_be_read_is_none(typed: str) -> None:
    assert parse_send_time(typed, NOW, LONDON) is None


def test_the_hint_names_long_sentences_and_a_low_score() -> None:
    found = hint("Come at ten. " + "word " * 25 + "end.")
    assert found.long_sentences == ("word word word word word word …",)
    assert not found.plain and hint("Lunch is at 1pm. See you there.").plain
