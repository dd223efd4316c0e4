"""The panel file's schema: one pydantic model per part, and the cross-field rules."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Self
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.panelfile.fields import (
    _CODE,
    _KIND_TITLES,
    SESSION_KINDS,
    ClosingTime,
    Email,
    Phone,
    SessionId,
    SessionKind,
    SessionTime,
    ShortText,
    Summary,
    Text,
    Url,
    _bad_characters,
    _context_zone,
    _local_text,
    _parse_reminders,
    _zone,
)
from bot.panelfile.problems import _Loc, _raise_problems


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
    hours: ShortText | None = None  # when they answer, like "Monday to Friday, 9am to 5pm"

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


class CrisisLine(_Model):
    """Where to turn at once when someone is struggling: the team is not a crisis service."""

    name: ShortText
    number: ShortText  # not a Phone: "999" and "111, then option 2" are what people dial
    when: ShortText | None = None


# The UK's lines, for a panel file that names none and for people with no panel yet.
UK_CRISIS_LINES: tuple[CrisisLine, ...] = (
    CrisisLine(name="Samaritans", number="116 123", when="any time, day or night"),
    CrisisLine(name="NHS 111", number="111, then option 2", when="for mental health, any time"),
    CrisisLine(name="Emergency services", number="999", when="if you or someone else is in danger"),
)


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
    short_name: ShortText | None = None  # None: "this panel"
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
    crisis_lines: tuple[CrisisLine, ...] = UK_CRISIS_LINES
    reminders: str | None = None
    retention_months: int | None = Field(default=None, ge=1, le=12)
    feedback_delay_days: int = Field(default=0, ge=0, le=365)
    needs_flag_days: int = Field(default=3, ge=0, le=60)
    decision_hold_minutes: int = Field(default=5, ge=0, le=120)
    offer_hours: int = Field(default=48, ge=1, le=336)
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
