"""Button callback data: one small typed record per action.

A record packs to "<prefix>:<field>:<field>..." within Telegram's 64 bytes, and `parse`
reads any string back strictly: ASCII digits only, ids within 1..2**63-1 (SQLite's range),
the exact number of fields, only the known values of a choice. Anything else is None, so a
forged or mangled press can never raise. The packed strings are the ones buttons carried
before records existed, so buttons already in people's chats keep working.
"""

from __future__ import annotations

import re
from dataclasses import astuple, dataclass, fields
from typing import Annotated, Any, ClassVar, Literal, Self, get_args, get_origin, get_type_hints

from bot.model import Status

MAX_BYTES = 64  # Telegram's limit on callback data
ID_MAX = 2**63 - 1


@dataclass(frozen=True)
class Digits:
    """An int field: ASCII digits, no leading zeros, within low..high."""

    low: int
    high: int


@dataclass(frozen=True)
class Chars:
    """A short str field matching `pattern` (never containing ':')."""

    pattern: str


Id = Annotated[int, Digits(1, ID_MAX)]
Count = Annotated[int, Digits(0, ID_MAX)]
Word = Annotated[str, Chars(r"[A-Za-z0-9_.]{1,40}")]
Code = Annotated[str, Chars(r"[A-Za-z0-9_-]{1,32}")]
Key = Annotated[str, Chars(r"[0-9a-f]{1,16}")]

_NUMBER = re.compile(r"0|[1-9][0-9]{0,18}")


@dataclass(frozen=True)
class Field:
    name: str
    regex: str
    digits: Digits | None
    choices: tuple[str, ...] | None

    def read(self, text: str) -> int | str | None:
        if self.digits is not None:
            if not _NUMBER.fullmatch(text):
                return None
            value = int(text)
            return value if self.digits.low <= value <= self.digits.high else None
        if self.choices is not None:
            return text if text in self.choices else None
        return text if re.fullmatch(self.regex, text) else None

    def write(self, value: object) -> str:
        text = str(value)
        if isinstance(value, bool) or self.read(text) != value:
            raise ValueError(f"{self.name}={value!r} cannot go in a button")
        return text


def _field_of(name: str, hint: Any) -> Field:
    if get_origin(hint) is Literal:
        choices = tuple(str(c) for c in get_args(hint))
        assert all(c and ":" not in c for c in choices), choices
        return Field(name, "|".join(map(re.escape, choices)), None, choices)
    base, marker = get_args(hint)[:2]
    if base is int and isinstance(marker, Digits):
        return Field(name, "[0-9]{1,19}", marker, None)
    assert base is str and isinstance(marker, Chars) and ":" not in marker.pattern, hint
    return Field(name, marker.pattern, None, None)


class CallbackData:
    """A record for one kind of button. Subclasses are frozen dataclasses whose fields are
    Id, Count, Word, Code, Key or a Literal of choices, packed in the order declared."""

    prefix: ClassVar[str]
    _fields: ClassVar[tuple[Field, ...]]
    pattern: ClassVar[re.Pattern[str]]  # for routing; `parse` still checks every field

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.prefix = prefix
        KINDS.append(cls)

    @classmethod
    def spec(cls) -> tuple[Field, ...]:
        if "_fields" not in cls.__dict__:
            hints = get_type_hints(cls, include_extras=True)
            cls._fields = tuple(_field_of(f.name, hints[f.name]) for f in fields(cls))  # type: ignore[arg-type]
            body = "".join(f":(?:{f.regex})" for f in cls._fields)
            cls.pattern = re.compile(rf"^{re.escape(cls.prefix)}{body}\Z")
        return cls._fields

    @classmethod
    def route(cls) -> re.Pattern[str]:
        cls.spec()
        return cls.pattern

    def pack(self) -> str:
        values = astuple(self)  # type: ignore[call-overload]
        parts = [f.write(v) for f, v in zip(self.spec(), values, strict=True)]
        data = ":".join((self.prefix, *parts))
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"button data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def parse(cls, data: object) -> Self | None:
        if not isinstance(data, str) or len(data) > MAX_BYTES or not data.isascii():
            return None
        spec = cls.spec()
        head = f"{cls.prefix}:"
        if not data.startswith(head):
            return None
        parts = data[len(head) :].split(":")
        if len(parts) != len(spec):
            return None
        values = [f.read(p) for f, p in zip(spec, parts, strict=True)]
        if any(v is None for v in values):
            return None
        return cls(*values)


KINDS: list[type[CallbackData]] = []


def parse(data: object) -> CallbackData | None:
    """The one record `data` packs, or None for anything else."""
    for kind in KINDS:
        record = kind.parse(data)
        if record is not None:
            return record
    return None


# --- the volunteer ---------------------------------------------------------------------------

StepName = Literal[
    "info",
    "name",
    "role",
    "contact",
    "needs_consent",
    "needs",
    "needs_note",
    "availability",
    "days",
    "conflicts",
    "interviews",
    "payment",
    "summary",
    "question",
    "leave",
    "pass_on",
]


@dataclass(frozen=True)
class StepButton(CallbackData, prefix="v"):
    """An answer on a step of a chat flow; the step itself judges the value."""

    step: StepName
    value: Word


@dataclass(frozen=True)
class PanelByCode(CallbackData, prefix="c"):
    """Before consent nothing is stored, so the panel travels as its code."""

    action: Literal["open", "agree", "more", "no"]
    code: Code


@dataclass(frozen=True)
class PanelById(CallbackData, prefix="c"):
    action: Literal["avail", "withdraw", "withdraw_yes", "withdraw_no"]
    panel_id: Id


@dataclass(frozen=True)
class Erase(CallbackData, prefix="c:erase"):
    answer: Literal["yes", "no"]


ReconfirmAnswer = Literal["yes", "maybe", "no"]
SessionAction = Literal["rs", "cs"]


@dataclass(frozen=True)
class Reconfirm(CallbackData, prefix="ch"):
    """Whether a person can still come to a session that moved."""

    change_id: Id
    answer: ReconfirmAnswer


@dataclass(frozen=True)
class ReminderAnswer(CallbackData, prefix="r"):
    answer: Literal["yes", "no", "nox"]
    application_id: Id
    session_id: Id
    version: Count


@dataclass(frozen=True)
class ReminderDetails(CallbackData, prefix="rd"):
    """ "More details" on a reminder: the rest of what to know, shown in the same message."""

    application_id: Id
    session_id: Id
    version: Count


@dataclass(frozen=True)
class OfferAnswer(CallbackData, prefix="r"):
    answer: Literal["take", "pass"]
    offer_id: Id


@dataclass(frozen=True)
class FeedbackStep(CallbackData, prefix="fb"):
    application_id: Id
    step: Literal["go", "later", "skip"]


@dataclass(frozen=True)
class FeedbackAnswer(CallbackData, prefix="fb"):
    application_id: Id
    question: Count
    answer: Word


@dataclass(frozen=True)
class FeedbackFuture(CallbackData, prefix="fb"):
    application_id: Id
    question: Literal["fp"]
    answer: Literal["yes", "no"]


@dataclass(frozen=True)
class FeedbackPanel(CallbackData, prefix="fbsum"):
    """/feedback without a code: the panel tapped in the list, summed up."""

    panel_id: Id


@dataclass(frozen=True)
class Setting(CallbackData, prefix="set"):
    """/settings: reminders on or paused; hear about future panels or not."""

    what: Literal["reminders", "future"]
    on: Literal["yes", "no"]


# --- the coordinator -------------------------------------------------------------------------

PanelCommand = Literal[
    "roster",
    "needs",
    "availability",
    "broadcast",
    "reschedule",
    "cancelsession",
    "close",
    "export",
]
Decision = Literal["confirmed", "reserve", "declined"]
AudienceName = Literal["confirmed", "reserve", "everyone"]


@dataclass(frozen=True)
class PickPanel(CallbackData, prefix="k:pick"):
    command: PanelCommand
    panel_id: Id


@dataclass(frozen=True)
class RosterPage(CallbackData, prefix="k:roster"):
    panel_id: Id
    page: Count


RosterFilter = Literal["all", "waiting", "placed", "reserve", "conflicts", "support", "unreachable"]


@dataclass(frozen=True)
class RosterView(CallbackData, prefix="k:rv"):
    """One page of the roster, showing only the people `show` picks."""

    panel_id: Id
    show: RosterFilter
    page: Count


@dataclass(frozen=True)
class RosterSearch(CallbackData, prefix="k:rsearch"):
    """Ask for part of a name, then show who matches."""

    panel_id: Id


@dataclass(frozen=True)
class OpenPerson(CallbackData, prefix="k:person"):
    application_id: Id


@dataclass(frozen=True)
class SetStatus(CallbackData, prefix="k:set"):
    """`expected` is the status the page showed, so a decision made meanwhile wins."""

    application_id: Id
    expected: Status
    to: Decision


@dataclass(frozen=True)
class UndoDecision(CallbackData, prefix="k:undo"):
    """Undo the decisions about a person whose message has not gone yet."""

    application_id: Id


@dataclass(frozen=True)
class HeldDecisions(CallbackData, prefix="k:held"):
    """See what each person will be told, before it goes."""

    panel_id: Id


@dataclass(frozen=True)
class SendDecisions(CallbackData, prefix="k:sendheld"):
    """`key`: the held decisions the coordinator saw, so new ones are seen before sending."""

    panel_id: Id
    key: Key


@dataclass(frozen=True)
class Propose(CallbackData, prefix="k:propose"):
    panel_id: Id


@dataclass(frozen=True)
class Accept(CallbackData, prefix="k:accept"):
    panel_id: Id
    key: Key


@dataclass(frozen=True)
class DeclineRest(CallbackData, prefix="k:declinerest"):
    panel_id: Id
    key: Key


@dataclass(frozen=True)
class CloseSignups(CallbackData, prefix="k:close"):
    panel_id: Id
    choice: Literal["closed", "late", "open"]


@dataclass(frozen=True)
class Audience(CallbackData, prefix="k:aud"):
    broadcast_id: Id
    audience: Literal["confirmed", "reserve", "everyone", "again"]  # "again": choose anew


@dataclass(frozen=True)
class AudienceSession(CallbackData, prefix="k:auds"):
    """Those with a place at one session."""

    broadcast_id: Id
    session_id: Id


@dataclass(frozen=True)
class AudienceChosen(CallbackData, prefix="k:audc"):
    """The checklist of people to tick, at one page; or "done" to see the message."""

    broadcast_id: Id
    step: Literal["list", "done"]
    page: Count


@dataclass(frozen=True)
class TickPerson(CallbackData, prefix="k:tick"):
    """Tick or untick one person on the checklist (the page it was on stays shown)."""

    broadcast_id: Id
    volunteer_id: Id
    page: Count


@dataclass(frozen=True)
class SendBroadcastLater(CallbackData, prefix="k:bclater"):
    """Ask when it should go."""

    broadcast_id: Id


@dataclass(frozen=True)
class StopBroadcast(CallbackData, prefix="k:bcstop"):
    broadcast_id: Id


@dataclass(frozen=True)
class SendBroadcast(CallbackData, prefix="k:bcsend"):
    broadcast_id: Id


@dataclass(frozen=True)
class ChooseSession(CallbackData, prefix="k:sess"):
    """kind: "rs" to move a session, "cs" to cancel it."""

    kind: SessionAction
    session_id: Id


@dataclass(frozen=True)
class ChangeWhat(CallbackData, prefix="k:rsw"):
    session_id: Id
    what: Literal["time", "venue"]


@dataclass(frozen=True)
class ChangeDecision(CallbackData, prefix="k:chg"):
    change_id: Id
    choice: Literal["send", "skip"]


@dataclass(frozen=True)
class ReplyTo(CallbackData, prefix="k:reply"):
    question_id: Id


NeedStateName = Literal["asked", "arranging", "arranged", "cannot"]


@dataclass(frozen=True)
class NeedPage(CallbackData, prefix="k:np"):
    """One person's one need, with its state at each session."""

    application_id: Id
    need: Word


@dataclass(frozen=True)
class MarkNeed(CallbackData, prefix="k:nm"):
    """Mark a need for one session (at `version`) or for all (session_id 0). `shown` is the
    state the page showed, so a mark made meanwhile by someone else wins."""

    application_id: Id
    need: Word
    session_id: Count
    version: Count
    shown: NeedStateName
    to: Literal["arranging", "arranged", "cannot"]


@dataclass(frozen=True)
class VenueCopy(CallbackData, prefix="k:venue"):
    """/needs without names, contact or notes, to pass to the venue (a message and a CSV)."""

    panel_id: Id


CoordinatorPress = (
    PickPanel
    | RosterPage
    | OpenPerson
    | SetStatus
    | Propose
    | Accept
    | DeclineRest
    | CloseSignups
    | Audience
    | StopBroadcast
    | SendBroadcast
    | ChooseSession
    | ChangeWhat
    | ChangeDecision
    | ReplyTo
    | NeedPage
    | MarkNeed
    | UndoDecision
    | HeldDecisions
    | SendDecisions
    | VenueCopy
    | RosterView
    | RosterSearch
    | AudienceSession
    | SendBroadcastLater
    | AudienceChosen
    | TickPerson
)


@dataclass(frozen=True)
class AttendancePanel(CallbackData, prefix="att"):
    """view: "p" lists the panel's sessions, "csv" is the file for finance."""

    view: Literal["p", "csv"]
    panel_id: Id


@dataclass(frozen=True)
class AttendanceSession(CallbackData, prefix="att"):
    """action: "s" opens the session for marking, "save" thanks those who came."""

    action: Literal["s", "save"]
    session_id: Id


@dataclass(frozen=True)
class AttendanceTick(CallbackData, prefix="att:t"):
    session_id: Id
    application_id: Id


OutcomeAction = Literal[
    "back", "score", "score_yes", "award", "nonote", "save", "close", "close_yes"
]


@dataclass(frozen=True)
class OutcomeStep(CallbackData, prefix="out"):
    action: OutcomeAction
    panel_id: Id


@dataclass(frozen=True)
class AwardBidder(CallbackData, prefix="out:to"):
    panel_id: Id
    bidder: Count


@dataclass(frozen=True)
class AwardOther(CallbackData, prefix="out:to"):
    panel_id: Id
    other: Literal["other"] = "other"
