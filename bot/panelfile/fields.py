"""The panel file's field types: local times in the panel's zone, codes, links, contacts,
reminder offsets. Pure functions that pydantic validators call."""

from __future__ import annotations

import difflib
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    AfterValidator,
    BeforeValidator,
    StringConstraints,
    ValidationInfo,
)

# Validation context key: the ZoneInfo that naive (wall-clock) times are read in.
_ZONE = "panel_zone"
_TIME_EXAMPLE = "2027-03-04 10:00"
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _context_zone(info: ValidationInfo) -> ZoneInfo | None:
    context = info.context
    zone = context.get(_ZONE) if isinstance(context, dict) else None
    return zone if isinstance(zone, ZoneInfo) else None


def _local_text(moment: datetime, zone: ZoneInfo | None) -> str:
    if zone is None:
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _localise(naive: datetime, zone: ZoneInfo) -> datetime:
    """Read a wall-clock time in `zone`; refuse times skipped or repeated at a clock change."""
    shown = naive.strftime("%Y-%m-%d %H:%M")
    first = naive.replace(tzinfo=zone, fold=0)
    back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back != naive:
        raise ValueError(
            f"{shown} does not exist in {zone.key}: the clocks go forward an hour that night. "
            "Choose a time outside the missing hour"
        )
    if first.utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset():
        raise ValueError(
            f"{shown} happens twice in {zone.key}: the clocks go back an hour that night. "
            f"Choose another time, or add the offset, like {shown}+01:00"
        )
    return first.astimezone(UTC)


def _parse_moment(value: Any, info: ValidationInfo, *, date_alone: bool) -> datetime:
    """Turn a written time into an aware UTC datetime.

    Naive times are wall-clock times in the panel's zone (from the validation context).
    With `date_alone`, a date without a time means the end of that day (23:59).
    """
    wanted = f"should be a date and time written like {_TIME_EXAMPLE}"
    moment: datetime
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        if not date_alone:
            raise ValueError(f"needs a time as well as a date, like '{value.isoformat()} 10:00'")
        moment = datetime.combine(value, time(23, 59))
    elif isinstance(value, str):
        text = value.strip()
        if _DATE_ONLY.fullmatch(text):
            if not date_alone:
                raise ValueError(f"needs a time as well as a date, like '{text} 10:00'")
            text += " 23:59"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{wanted}, not '{text}'") from None
    else:
        raise ValueError(wanted)
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    zone = _context_zone(info)
    if zone is None:
        raise ValueError(f"has no time zone: write it with an offset, like {_TIME_EXAMPLE}+00:00")
    return _localise(moment, zone)


def _session_time(value: Any, info: ValidationInfo) -> datetime:
    return _parse_moment(value, info, date_alone=False)


def _closing_time(value: Any, info: ValidationInfo) -> datetime:
    return _parse_moment(value, info, date_alone=True)


SessionTime = Annotated[datetime, BeforeValidator(_session_time)]
ClosingTime = Annotated[datetime, BeforeValidator(_closing_time)]


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def _zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name, or ValueError in plain words."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    close = difflib.get_close_matches(name, _zone_names(), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else " (use a name like 'Europe/London')"
    raise ValueError(f"unknown time zone '{name}'{hint}")


# --------------------------------------------------------------------------------------------
# Small value types

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600)]

_CODE = re.compile(r"[A-Za-z0-9_-]{3,32}")
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 ()\-.]+")
_REMINDER = re.compile(r"([0-9]{1,3})([dh])")


_CODE_CHAR = re.compile(r"[A-Za-z0-9_-]")


def _bad_characters(value: str) -> str:
    """The characters of `value` not allowed in a code, like "' ', '!'"."""
    bad = sorted({char for char in value if not _CODE_CHAR.fullmatch(char)})
    return ", ".join(repr(char) for char in bad)


def _check_session_id(value: str) -> str:
    value = value.strip()
    if not _SESSION_ID.fullmatch(value):
        raise ValueError(
            f"'{value}' is not a good id: use 1 to 32 letters, numbers, - or _ "
            "(no spaces), like 'briefing' or 'interviews-1'"
        )
    return value


def _check_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ValueError(f"'{value}' is not a web link: it should start with https://")
    return value


def _check_email(value: str) -> str:
    value = value.strip()
    if not _EMAIL.fullmatch(value):
        raise ValueError(f"'{value}' is not an email address")
    return value


def _check_phone(value: str) -> str:
    value = value.strip()
    digits = sum(char.isdigit() for char in value)
    if not _PHONE.fullmatch(value) or not 7 <= digits <= 15:
        raise ValueError(
            f"'{value}' is not a phone number (write it in quotes, like \"020 7946 0000\")"
        )
    return value


SessionId = Annotated[str, AfterValidator(_check_session_id)]
Url = Annotated[str, AfterValidator(_check_url)]
Email = Annotated[str, AfterValidator(_check_email)]
Phone = Annotated[str, AfterValidator(_check_phone)]

SessionKind = Literal["briefing", "training", "evaluation_window", "interview", "moderation"]
SESSION_KINDS: tuple[str, ...] = get_args(SessionKind)
_KIND_TITLES: dict[str, str] = {
    "briefing": "Briefing",
    "training": "Training",
    "evaluation_window": "Reading and scoring the bids at home",
    "interview": "Interviews with the bidders",
    "moderation": "Group scoring day",
}


def _parse_reminders(text: str) -> tuple[timedelta, ...]:
    """'7d,1d,2h' -> (7 days, 1 day, 2 hours), longest first; ValueError in plain words."""
    offsets: list[timedelta] = []
    for part in text.split(","):
        match = _REMINDER.fullmatch(part.strip())
        if match is None or int(match.group(1)) == 0:
            raise ValueError(
                f"should list how long before each session to remind people, like '7d,1d,2h' "
                f"(d = days, h = hours); '{part.strip()}' is not understood"
            )
        amount = int(match.group(1))
        offset = timedelta(days=amount) if match.group(2) == "d" else timedelta(hours=amount)
        if offset in offsets:
            raise ValueError(f"lists '{part.strip()}' twice")
        offsets.append(offset)
    return tuple(sorted(offsets, reverse=True))
