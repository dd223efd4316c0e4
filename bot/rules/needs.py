"""Where a support need stands for one person and session: asked for, being arranged,
arranged, or can't be arranged. Pure: the marks come from bot/store/need_states.py.

A mark is for one session (at the session's version then: a session that moved is asked
for again) or for all sessions (ALL_SESSIONS). A session's own mark wins over the all-sessions
mark. No mark means "asked for". Only "arranged" may ever be told as booked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from bot.model import Session, Volunteer
from bot.needs import NEED_CODES

NeedState = Literal["asked", "arranging", "arranged", "cannot"]
MarkedState = Literal["arranging", "arranged", "cannot"]
NEED_STATES: tuple[NeedState, ...] = get_args(NeedState)
ALL_SESSIONS = 0
# Settled: nothing more for a coordinator to do (the person has been told either way).
SETTLED: frozenset[NeedState] = frozenset({"arranged", "cannot"})

# Needs that still apply when the session is at home, or only online.
AT_HOME_NEEDS = frozenset({"large_print"})
ONLINE_NEEDS = frozenset({"large_print", "bsl", "breaks", "late_start"})


@dataclass(frozen=True)
class NeedMark:
    application_id: int
    need: str
    session_id: int  # ALL_SESSIONS for every session
    session_version: int
    state: MarkedState
    note: str | None
    marked_by: int
    marked_at: datetime


# One application's marks, by (need, session id).
Marks = Mapping[tuple[str, int], NeedMark]


@dataclass(frozen=True)
class NeedStatus:
    need: str
    state: NeedState
    note: str | None = None


def needs_for_session(volunteer: Volunteer, session: Session) -> list[str]:
    """The person's recorded needs that apply to this session, in the usual order; none
    without the needs consent."""
    if volunteer.needs_consented_at is None:
        return []
    relevant: frozenset[str] | None = None
    if session.kind == "evaluation_window":
        relevant = AT_HOME_NEEDS
    elif session.venue is None:
        relevant = ONLINE_NEEDS
    return [
        code
        for code in NEED_CODES
        if code in volunteer.needs and (relevant is None or code in relevant)
    ]


def status_of(marks: Marks, need: str, session: Session) -> NeedStatus:
    own = marks.get((need, session.id))
    if own is not None and own.session_version == session.version:
        return NeedStatus(need, own.state, own.note)
    every = marks.get((need, ALL_SESSIONS))
    if every is not None:
        return NeedStatus(need, every.state, every.note)
    return NeedStatus(need, "asked")


def statuses(volunteer: Volunteer, session: Session, marks: Marks) -> list[NeedStatus]:
    """Each need that applies to this session, with where it stands."""
    return [status_of(marks, need, session) for need in needs_for_session(volunteer, session)]


def open_needs(volunteer: Volunteer, session: Session, marks: Marks) -> list[str]:
    """The needs for this session nobody has settled yet."""
    return [s.need for s in statuses(volunteer, session, marks) if s.state not in SETTLED]


def shown_state(marks: Marks, need: str, session_id: int, sessions: Iterable[Session]) -> NeedState:
    """The state a coordinator's page shows for a need at one session, or for all of them."""
    if session_id == ALL_SESSIONS:
        every = marks.get((need, ALL_SESSIONS))
        return "asked" if every is None else every.state
    for session in sessions:
        if session.id == session_id:
            return status_of(marks, need, session).state
    return "asked"
