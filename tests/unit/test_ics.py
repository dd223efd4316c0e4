"""Calendar files for sessions: parse back, local times with TZID, updates and cancellations."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event, Timezone

from bot.calendar import filename_for, session_event_ics

LONDON = ZoneInfo("Europe/London")
START = datetime(2027, 3, 29, 10, 0, tzinfo=LONDON).astimezone(UTC)  # 09:00 UTC, BST
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
MESSY_LOCATION = "Room 2, Floor 3; Town Hall\nHigh Street"


def make(**overrides: Any) -> bytes:
    arguments: dict[str, Any] = {
        "uid": "session-34@panelbot",
        "sequence": 0,
        "title": "Home care commissioning panel",
        "start_utc": START,
        "end_utc": START + timedelta(hours=2),
        "tz": LONDON,
        "location": MESSY_LOCATION,
        "description": "Bring your expenses form.\nLunch provided.",
        "url": "https://example.org/panels/34",
        "status": "CONFIRMED",
        "now_utc": NOW,
    }
    arguments.update(overrides)
    return session_event_ics(**arguments)


def parse(raw: bytes) -> tuple[Calendar, Event]:
    calendar = Calendar.from_ical(raw)
    assert isinstance(calendar, Calendar)
    events = [c for c in calendar.walk() if isinstance(c, Event)]
    assert len(events) == 1
    return calendar, events[0]


def test_calendar_parses_back_with_publish_and_vtimezone() -> None:
    raw = make()
    calendar, event = parse(raw)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert calendar.get("PRODID")
    zones = [c for c in calendar.walk() if isinstance(c, Timezone)]
    assert [str(z["TZID"]) for z in zones] == ["Europe/London"]
    assert str(event["SUMMARY"]) == "Home care commissioning panel"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == "https://example.org/panels/34"
    assert event.decoded("DTSTAMP") == NOW
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded


def test_start_and_end_are_local_london_time_with_tzid() -> None:
    raw = make()
    _, event = parse(raw)
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTEND"].params["TZID"] == "Europe/London"
    assert b"DTSTART;TZID=Europe/London:20270329T100000\r\n" in raw
    assert b"DTEND;TZID=Europe/London:20270329T120000\r\n" in raw
    start = event.decoded("DTSTART")
    assert start.replace(tzinfo=None) == datetime(2027, 3, 29, 10, 0)
    assert start == START


def test_winter_session_is_local_gmt() -> None:
    start = datetime(2027, 11, 1, 10, 0, tzinfo=LONDON).astimezone(UTC)
    raw = make(start_utc=start, end_utc=start + timedelta(hours=1))
    assert b"DTSTART;TZID=Europe/London:20271101T100000\r\n" in raw
    _, event = parse(raw)
    assert event.decoded("DTSTART") == start == datetime(2027, 11, 1, 10, 0, tzinfo=UTC)


def test_location_and_description_are_escaped_and_round_trip() -> None:
    raw = make()
    unfolded = raw.replace(b"\r\n ", b"")
    assert b"LOCATION:Room 2\\, Floor 3\\; Town Hall\\nHigh Street\r\n" in unfolded
    _, event = parse(raw)
    assert str(event["LOCATION"]) == MESSY_LOCATION
    assert str(event["DESCRIPTION"]) == "Bring your expenses form.\nLunch provided."


def test_update_keeps_uid_and_raises_sequence() -> None:
    _, first = parse(make(sequence=1))
    moved = START + timedelta(days=2)
    _, second = parse(
        make(
            sequence=2,
            start_utc=moved,
            end_utc=moved + timedelta(hours=2),
            now_utc=NOW + timedelta(days=1),
        )
    )
    assert str(first["UID"]) == str(second["UID"]) == "session-34@panelbot"
    assert second.decoded("SEQUENCE") > first.decoded("SEQUENCE")
    assert second.decoded("DTSTART") == moved
    assert second.decoded("DTSTAMP") > first.decoded("DTSTAMP")


def test_cancellation_is_marked_cancelled() -> None:
    _, event = parse(make(sequence=3, status="CANCELLED"))
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "session-34@panelbot"
    assert event.decoded("SEQUENCE") == 3
    assert str(event["SUMMARY"]).startswith("Cancelled: ")
    assert str(event["TRANSP"]) == "TRANSPARENT"


def test_optional_fields_can_be_left_out() -> None:
    _, event = parse(make(location=None, description=None, url=None))
    for name in ("LOCATION", "DESCRIPTION", "URL"):
        assert name not in event


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_utc": START}, "after"),
        ({"start_utc": datetime(2027, 3, 29, 9, 0)}, "timezone-aware"),
        ({"sequence": -1}, "sequence"),
        ({"uid": " "}, "uid"),
    ],
)
def test_bad_input_is_rejected(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make(**overrides)


def test_unicode_title_round_trips() -> None:
    _, event = parse(make(title="Café panel — Ysbyty Gwynedd"))
    assert str(event["SUMMARY"]) == "Café panel — Ysbyty Gwynedd"


# --- filename_for ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Home care commissioning panel", "2027-03-29-home-care-commissioning-panel.ics"),
        ("Café panel — Ysbyty Gwynedd", "2027-03-29-cafe-panel-ysbyty-gwynedd.ics"),
        ("../../etc/passwd", "2027-03-29-etc-passwd.ics"),
        ("", "2027-03-29-session.ics"),
        ("日本語", "2027-03-29-session.ics"),
        ("A/B: C\\D *?", "2027-03-29-a-b-c-d.ics"),
    ],
)
def test_filename_is_safe_ascii(title: str, expected: str) -> None:
    assert filename_for(title, date(2027, 3, 29)) == expected


def test_filename_is_bounded_and_safe() -> None:
    name = filename_for("x" * 500, datetime(2027, 3, 29, 10, 0))
    assert len(name) <= 80
    assert re.fullmatch(r"[a-z0-9-]+\.ics", name)


def test_filename_uses_local_date_when_given_a_zone() -> None:
    start = datetime(2027, 6, 10, 0, 30, tzinfo=LONDON).astimezone(UTC)  # 23:30 UTC on the 9th
    assert filename_for("Panel", start, tz=LONDON) == "2027-06-10-panel.ics"
    assert filename_for("Panel", start) == "2027-06-09-panel.ics"
