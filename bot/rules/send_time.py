"""A time a coordinator types for a message to go: '2027-03-01 09:30', 'tomorrow 10am',
'today 2:30pm', 'friday 9am' or '16:00', in the panel's zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PATTERN = re.compile(
    r"^(?:(?P<iso>\d{4}-\d{1,2}-\d{1,2})|(?P<word>today|tomorrow|[a-z]+day))?"
    r"\s*(?:at\s+)?(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>am|pm)?$"
)


def _day(match: re.Match[str], today: date) -> date | None:
    if match["iso"]:
        year, month, day = (int(p) for p in match["iso"].split("-"))
        try:
            return date(year, month, day)
        except ValueError:
            return None
    word = match["word"]
    if word in (None, "today"):
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    if word in _DAYS:
        ahead = (_DAYS.index(word) - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    return None


def parse_send_time(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The moment meant, in UTC; None if it cannot be read (past times are the caller's)."""
    match = _PATTERN.match(" ".join(text.lower().split()))
    if match is None or (
        match["iso"] is None and match["word"] is None and not (match["minute"] or match["half"])
    ):
        return None  # a bare number is too easy to mistype
    day = _day(match, now.astimezone(tz).date())
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["half"] == "pm" else 0)
    if day is None or hour > 23 or minute > 59:
        return None
    return datetime.combine(day, time(hour, minute)).replace(tzinfo=tz).astimezone(UTC)
