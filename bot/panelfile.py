"""The YAML panel file: its schema, and loading it with every problem listed in plain words.

A coordinator writes one YAML file per panel by hand. `load_panel_file` reads it and returns
a `PanelSpec`, or raises `PanelFileError` listing *every* problem at once, each with its line
number and field path, e.g.::

    panel.yaml:12: sessions[2].end: must be after the start (2027-03-04 10:00)

Paths count list items from 1, as people do: `sessions[1]` is the first session.

Pure: no Telegram and no database imports.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, Self, get_args, get_origin
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "SESSION_KINDS",
    "AdviceContact",
    "Buying",
    "Contact",
    "FollowOn",
    "PanelFileError",
    "PanelRole",
    "PanelSpec",
    "Payment",
    "Problem",
    "Reading",
    "Session",
    "SessionKind",
    "load_panel_file",
    "parse_panel_text",
]

# --------------------------------------------------------------------------------------------
# Problems


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a panel file. `line` counts from 1; None when there is no line."""

    line: int | None
    path: str
    message: str

    def format(self, source_name: str) -> str:
        where = source_name if self.line is None else f"{source_name}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class PanelFileError(Exception):
    """The panel file has problems. `str()` gives every problem, one per line."""

    def __init__(self, source_name: str, problems: Sequence[Problem]) -> None:
        self.source_name = source_name
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(problem.format(self.source_name) for problem in self.problems)


# Cross-field checks raise this error type; its ctx holds (relative location, message) pairs,
# so that one validator can report several problems, each at its own field.
_RULES = "panel_rules"
_Loc = tuple[str | int, ...]


def _raise_problems(problems: Sequence[tuple[_Loc, str]]) -> None:
    if problems:
        summary = "; ".join(message for _, message in problems)
        raise PydanticCustomError(
            _RULES, "{summary}", {"summary": summary, "problems": tuple(problems)}
        )


# --------------------------------------------------------------------------------------------
# Times

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


# --------------------------------------------------------------------------------------------
# The schema


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Buying(_Model):
    """What is being bought, and why."""

    what: Text
    why: Text


class PanelRole(_Model):
    """How much say the panel has."""

    decides: Text
    weighting_percent: int = Field(ge=0, le=100)
    negotiable: tuple[Text, ...]
    not_negotiable: tuple[Text, ...]


class Session(_Model):
    """One meeting, or the window for reading bids at home. Times are aware, in UTC."""

    id: SessionId
    kind: SessionKind
    title: ShortText  # filled in from the kind when the file leaves it out
    start: SessionTime
    end: SessionTime
    venue: Text | None = None
    access: Text | None = None
    online_link: Url | None = None
    optional: bool = False  # interviews are optional unless the file says otherwise

    @model_validator(mode="before")
    @classmethod
    def _defaults_from_kind(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        kind = data.get("kind")
        filled = dict(data)
        if "optional" not in filled:
            filled["optional"] = kind == "interview"
        if filled.get("title") is None:
            key = kind.strip() if isinstance(kind, str) else ""
            filled["title"] = _KIND_TITLES.get(key, "Session")
        return filled

    @field_validator("kind", mode="before")
    @classmethod
    def _check_kind(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip() not in SESSION_KINDS:
            close = difflib.get_close_matches(value.strip(), SESSION_KINDS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ValueError(
                f"'{value}' is not a kind of session{hint}; use one of: {', '.join(SESSION_KINDS)}"
            )
        return value.strip() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _check_session(self, info: ValidationInfo) -> Self:
        problems: list[tuple[_Loc, str]] = []
        at_home = self.kind == "evaluation_window"
        if self.end <= self.start:
            shown = _local_text(self.start, _context_zone(info))
            problems.append((("end",), f"must be after the start ({shown})"))
        elif not at_home and self.end - self.start > timedelta(hours=12):
            hours = (self.end - self.start) / timedelta(hours=1)
            problems.append(
                (
                    ("end",),
                    f"is {hours:.0f} hours after the start; a {self.kind} session should last "
                    "under 12 hours. Check the dates",
                )
            )
        if not at_home and self.venue is None and self.online_link is None:
            problems.append(
                (
                    (),
                    "needs a venue or an online_link (only an evaluation_window, "
                    "done at home, can have neither)",
                )
            )
        _raise_problems(problems)
        return self

    @property
    def at_home(self) -> bool:
        return self.kind == "evaluation_window"


class Reading(_Model):
    """How much reading the bids take."""

    bids: int = Field(ge=0, le=100)
    word_limit: int = Field(ge=1, le=1_000_000)  # per bid
    hours_estimate: float | None = Field(default=None, gt=0, le=1000)


class Contact(_Model):
    """A person or service to get in touch with: a name, and a phone number or email."""

    name: ShortText
    phone: Phone | None = None
    email: Email | None = None

    @model_validator(mode="after")
    def _check_reachable(self) -> Self:
        if self.phone is None and self.email is None:
            _raise_problems([((), "needs a phone number or an email address (or both)")])
        return self


class AdviceContact(Contact):
    """Where to get advice: a name, and a phone number, email or website."""

    website: Url | None = None

    @model_validator(mode="after")
    def _check_reachable(self) -> Self:
        if self.phone is None and self.email is None and self.website is None:
            _raise_problems([((), "needs a phone number, an email address or a website")])
        return self


class Payment(_Model):
    """Pay for people's time, the expenses covered, and where to get benefits advice."""

    rate_pence_per_hour: int = Field(ge=0, le=100_000)
    expenses: tuple[Text, ...]
    how_paid: Text
    when_paid: Text
    benefits_advice: AdviceContact
    unpaid_allowed: bool = True  # people may choose not to be paid, e.g. to protect benefits

    @property
    def rate_text(self) -> str:
        """'£20 an hour', '£20.50 an hour', or 'unpaid'."""
        pounds, pence = divmod(self.rate_pence_per_hour, 100)
        if pounds == pence == 0:
            return "unpaid"
        amount = f"£{pounds}" if pence == 0 else f"£{pounds}.{pence:02d}"
        return f"{amount} an hour"


class FollowOn(_Model):
    """A further way to be involved, offered after the evaluation."""

    title: ShortText
    description: Text


def _duplicate_id_problems(ids: Sequence[object]) -> list[tuple[_Loc, str]]:
    first: dict[str, int] = {}
    problems: list[tuple[_Loc, str]] = []
    for index, session_id in enumerate(ids):
        if not isinstance(session_id, str):
            continue
        key = session_id.strip()
        if key in first:
            problems.append(
                (
                    ("sessions", index, "id"),
                    f"'{key}' is already the id of sessions[{first[key] + 1}]; "
                    "each session needs its own id",
                )
            )
        else:
            first[key] = index
    return problems


class PanelSpec(_Model):
    """A whole panel, as described in its file. All datetimes are aware, in UTC."""

    code: str
    title: ShortText
    summary: Summary
    timezone: str | None = None  # None: the bot's PANELBOT_TIMEZONE
    buying: Buying
    panel_role: PanelRole
    sessions: tuple[Session, ...] = Field(min_length=1)
    reading: Reading
    payment: Payment
    places: int
    reserve_ratio: float = Field(default=0.34, ge=0, le=1)
    closes: ClosingTime
    bidders: tuple[ShortText, ...]
    contact: Contact
    reminders: str | None = None
    retention_months: int | None = Field(default=None, ge=1, le=12)
    feedback_delay_days: int = Field(default=0, ge=0, le=365)
    follow_on: tuple[FollowOn, ...] = ()
    feedback_session: Text | None = None

    @field_validator("code")
    @classmethod
    def _check_code(cls, value: str) -> str:
        value = value.strip()
        if not _CODE.fullmatch(value):
            bad = _bad_characters(value)
            detail = f"; it has {bad}" if bad else f"; it has {len(value)} characters"
            raise ValueError(
                "must be 3 to 32 letters, numbers, - or _ (no spaces), like 'ashbridge-day-2027'"
                + detail
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str | None) -> str | None:
        if value is not None:
            value = value.strip()
            _zone(value)
        return value

    @field_validator("places")
    @classmethod
    def _check_places(cls, value: int) -> int:
        if value < 2:
            raise ValueError(
                f"must be at least 2 (not {value}), "
                "so no service user or carer is on the panel alone"
            )
        if value > 50:
            raise ValueError(f"must be 50 or fewer (not {value})")
        return value

    @field_validator("reminders")
    @classmethod
    def _check_reminders(cls, value: str | None) -> str | None:
        if value is None:
            return None
        _parse_reminders(value)
        return ",".join(part.strip() for part in value.split(","))

    @model_validator(mode="after")
    def _check_panel(self, info: ValidationInfo) -> Self:
        problems = _duplicate_id_problems([session.id for session in self.sessions])
        first_start = min(session.start for session in self.sessions)
        if self.closes > first_start:
            shown = _local_text(first_start, _context_zone(info))
            problems.append(
                (("closes",), f"sign-up must close before the first session starts ({shown})")
            )
        seen: set[str] = set()
        for index, bidder in enumerate(self.bidders):
            if bidder.casefold() in seen:
                problems.append((("bidders", index), f"'{bidder}' is listed twice"))
            seen.add(bidder.casefold())
        _raise_problems(problems)
        return self

    # Derived facts ------------------------------------------------------------------------

    def zone(self, default_timezone: str) -> ZoneInfo:
        """The zone for showing this panel's times: its own, or the bot's default."""
        return ZoneInfo(self.timezone or default_timezone)

    def session(self, session_id: str) -> Session:
        for item in self.sessions:
            if item.id == session_id:
                return item
        raise KeyError(session_id)

    @property
    def reserve_places(self) -> int:
        """How many people to hold in reserve: places x reserve_ratio, rounded."""
        return int(self.places * self.reserve_ratio + 0.5)

    @property
    def reminder_offsets(self) -> tuple[timedelta, ...] | None:
        """The file's reminder times before each session, longest first; None: bot default."""
        return None if self.reminders is None else _parse_reminders(self.reminders)

    @property
    def first_start(self) -> datetime:
        return min(session.start for session in self.sessions)

    @property
    def last_end(self) -> datetime:
        return max(session.end for session in self.sessions)

    # Storage ------------------------------------------------------------------------------

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        return cls.model_validate_json(text)


# --------------------------------------------------------------------------------------------
# Loading


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves plain scalars as text, except empty/null.

    Pydantic turns text into numbers and true/false where the schema wants them, so text
    fields keep exactly what was written ('0123' stays '0123', 'no' stays 'no') and times
    such as 2027-03-04 10:00 reach our own parser.
    """


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag.rsplit(":", 1)[-1] not in ("bool", "int", "float", "timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _yaml_problem(error: yaml.YAMLError) -> Problem:
    line: int | None = None
    started: int | None = None
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line = None if mark is None else mark.line + 1
        if error.context_mark is not None and error.context_mark.line + 1 != line:
            started = error.context_mark.line + 1
        what = error.problem or error.context or "the layout is broken"
        everything = f"{error.context or ''} {error.problem or ''}"
    else:
        what = everything = str(error)
    if "\\t" in everything or "\t" in everything:
        hint = "use spaces, not tabs, to indent"
    elif "mapping values are not allowed" in everything:
        hint = "a ':' is in the wrong place; put text that has ': ' in it inside quotes"
    elif "expected a single document" in everything:
        hint = "the file should hold one panel, with no '---' line in the middle"
        started = None
    else:
        hint = "check the indenting (spaces only) and put text with ':' or '#' in quotes"
    if started is not None:
        hint += f" (the part with the mistake starts on line {started})"
    return Problem(line, "", f"the YAML layout is broken here ({what}): {hint}")


def _duplicate_keys(root: Node) -> Iterator[Problem]:
    seen_nodes: set[int] = set()

    def walk(node: Node, loc: _Loc) -> Iterator[Problem]:
        if id(node) in seen_nodes:
            return
        seen_nodes.add(id(node))
        if isinstance(node, MappingNode):
            lines: dict[str, int] = {}
            for key, value in node.value:
                if not isinstance(key, ScalarNode):
                    continue
                line = key.start_mark.line + 1
                if key.value in lines:
                    yield Problem(
                        line,
                        _format_path((*loc, key.value)),
                        f"is written twice (also on line {lines[key.value]}); keep only one",
                    )
                lines[key.value] = line
                yield from walk(value, (*loc, key.value))
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                yield from walk(item, (*loc, index))

    yield from walk(root, ())


def _format_path(loc: Sequence[Any]) -> str:
    """('sessions', 1, 'end') -> 'sessions[2].end' (list items count from 1)."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _locate(root: Node, loc: Sequence[Any]) -> int | None:
    """The line of the deepest part of `loc` found in the YAML tree (None: not even the first).

    For a mapping entry this is the line of its key; for a list item, where the item starts.
    """
    node, line = root, None
    for part in loc:
        if isinstance(node, MappingNode):
            found = None
            for key, value in node.value:  # the last of duplicate keys wins, as when loading
                if isinstance(key, ScalarNode) and key.value == str(part):
                    found = (key, value)
            if found is None:
                return line
            line, node = found[0].start_mark.line + 1, found[1]
        elif isinstance(node, SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if get_origin(annotation) is None and isinstance(annotation, type):
        return annotation if issubclass(annotation, BaseModel) else None
    for argument in get_args(annotation):
        found = _find_model(argument)
        if found is not None:
            return found
    return None


def _model_at(loc: Sequence[Any]) -> type[BaseModel] | None:
    model: type[BaseModel] = PanelSpec
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        found = None if field is None else _find_model(field.annotation)
        if found is None:
            return None
        model = found
    return model


_NUMBER = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?")


def _show(value: Any) -> str:
    """A value as the coordinator wrote it: text in quotes, numbers bare."""
    bare = not isinstance(value, str) or _NUMBER.fullmatch(value.strip())
    text = str(value).strip() if bare else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _plain_message(error: Any) -> str:
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    given = error.get("input")
    loc = tuple(error["loc"])
    if kind == "missing":
        return "is missing: it must be filled in"
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else "?"
        model = _model_at(loc[:-1])
        allowed = list(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        if close:
            return f"unknown field '{name}' (did you mean '{close[0]}'?)"
        if allowed:
            return f"unknown field '{name}'; the fields allowed here are: {', '.join(allowed)}"
        return f"unknown field '{name}'"
    if given is None and kind.endswith("_type"):
        return "is empty: write something after the ':'"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "string_type":
        return f"should be text, not {_show(given)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        length = len(given.strip()) if isinstance(given, str) else "?"
        return f"is too long: {length} characters, and at most {ctx['max_length']} fit"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"should be a whole number, not {_show(given)}"
    if kind in ("float_type", "float_parsing"):
        return f"should be a number, not {_show(given)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"should be true or false, not {_show(given)}"
    if kind in ("list_type", "tuple_type"):
        return "should be a list, with one '- ' line for each item"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "should be a group of 'name: value' lines, indented under it"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return f"needs at least {least} item{'' if least == 1 else 's'}"
    if kind == "too_long":
        return f"has too many items: at most {ctx.get('max_length')}"
    if kind == "greater_than_equal":
        return f"must be {ctx['ge']} or more, not {_show(given)}"
    if kind == "less_than_equal":
        return f"must be {ctx['le']} or less, not {_show(given)}"
    if kind == "greater_than":
        return f"must be more than {ctx['gt']}, not {_show(given)}"
    if kind == "less_than":
        return f"must be less than {ctx['lt']}, not {_show(given)}"
    if kind == "literal_error":
        return f"must be one of: {ctx.get('expected')}"
    return str(error["msg"])


def _problems_from(error: ValidationError, root: Node) -> list[Problem]:
    problems: list[Problem] = []
    for item in error.errors():
        loc: _Loc = tuple(item["loc"])
        ctx = item.get("ctx") or {}
        if item["type"] == _RULES and "problems" in ctx:
            for sub, message in ctx["problems"]:
                where = (*loc, *sub)
                problems.append(Problem(_locate(root, where), _format_path(where), message))
        else:
            problems.append(Problem(_locate(root, loc), _format_path(loc), _plain_message(item)))
    return problems


def _compose(text: str) -> tuple[Node | None, Any]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()
    return node, data


def parse_panel_text(
    text: str, *, default_timezone: str, source_name: str = "panel.yaml"
) -> PanelSpec:
    """Read a panel file's text. Naive times are in the file's `timezone`, else the default.

    Raises PanelFileError listing every problem; ValueError if `default_timezone` is unknown.
    """
    default_zone = _zone(default_timezone)
    text = text.removeprefix("\ufeff")

    def fail(*problems: Problem) -> PanelFileError:
        return PanelFileError(source_name, problems)

    if not text.strip():
        raise fail(Problem(
            None, "", "the file is empty: start from the example (panelbot panel example)"
        ))
    try:
        root, data = _compose(text)
    except yaml.YAMLError as error:
        raise fail(_yaml_problem(error)) from None
    if root is None:
        raise fail(Problem(None, "", "the file has no panel in it, only comments"))
    if not isinstance(root, MappingNode) or not isinstance(data, dict):
        shape = "a list" if isinstance(root, SequenceNode) else "a single value"
        raise fail(
            Problem(
                root.start_mark.line + 1,
                "",
                f"the file holds {shape}, but it should be 'name: value' lines, "
                "starting at the left edge (like 'code: ...')",
            )
        )

    problems = list(_duplicate_keys(root))
    zone = default_zone
    raw_zone = data.get("timezone")
    if isinstance(raw_zone, str):
        # An unknown zone is reported by validation; read times in the default zone meanwhile.
        with contextlib.suppress(ValueError):
            zone = _zone(raw_zone.strip())
    raw_sessions = data.get("sessions")
    if isinstance(raw_sessions, list):
        ids = [item.get("id") if isinstance(item, dict) else None for item in raw_sessions]
        for loc, message in _duplicate_id_problems(ids):
            problems.append(Problem(_locate(root, loc), _format_path(loc), message))
    try:
        spec = PanelSpec.model_validate(data, context={_ZONE: zone})
    except ValidationError as error:
        problems.extend(_problems_from(error, root))
    else:
        if not problems:
            return spec
    unique = list(dict.fromkeys(problems))
    unique.sort(key=lambda problem: problem.line or 0)
    raise fail(*unique)


def load_panel_file(path: str | os.PathLike[str], *, default_timezone: str) -> PanelSpec:
    """Read a panel file from disk; see `parse_panel_text`."""
    source_name = os.fspath(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise PanelFileError(source_name, [Problem(None, "", "there is no such file")]) from None
    except OSError as error:
        message = f"the file could not be read ({error.strerror or error})"
        raise PanelFileError(source_name, [Problem(None, "", message)]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        message = (
            "the file is not saved as UTF-8 text: save it again as UTF-8 "
            "(most editors offer this under 'Save as' or 'Encoding')"
        )
        raise PanelFileError(source_name, [Problem(line, "", message)]) from None
    return parse_panel_text(text, default_timezone=default_timezone, source_name=source_name)
