"""Who needs what at each coming session, counted over everyone in the running (with a
place, reserve, or waiting for a decision) who has not said they can't come. /needs and the
copy for the venue both count from here, so their numbers cannot drift apart."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.model import IN_THE_RUNNING, Panel, Session
from bot.needs import NEED_CODES
from bot.rules.needs import SETTLED, Marks, NeedState, needs_for_session, status_of
from bot.services.coordinator.base import CoordCtx
from bot.services.coordinator.roster import Entry, entries, live_sessions
from bot.store import need_states, panels


@dataclass(frozen=True)
class NeedCount:
    need: str
    asking: list[Entry]
    states: dict[int, NeedState]  # by application id

    @property
    def arranged(self) -> int:
        return sum(1 for state in self.states.values() if state == "arranged")

    @property
    def cannot(self) -> int:
        return sum(1 for state in self.states.values() if state == "cannot")

    @property
    def still(self) -> list[Entry]:
        return [e for e in self.asking if self.states[e.application.id] not in SETTLED]


@dataclass(frozen=True)
class SessionCount:
    session: Session
    there: list[Entry]
    needs: list[NeedCount]  # only needs someone asks for, in the usual order


@dataclass(frozen=True)
class Counted:
    everyone: list[Entry]
    people: list[Entry]  # in the running: confirmed, then reserves, then waiting
    marks: Mapping[int, Marks]
    sessions: list[SessionCount]


def in_the_running(everyone: list[Entry]) -> list[Entry]:
    people = [e for e in everyone if e.application.status in IN_THE_RUNNING]
    order = {status: n for n, status in enumerate(("confirmed", "reserve", "applied"))}
    return sorted(people, key=lambda e: order[e.application.status])


async def candidates(c: CoordCtx, panel: Panel) -> list[Entry]:
    return in_the_running(await entries(c, panel))


def _session_count(
    session: Session, people: list[Entry], marks: Mapping[int, Marks]
) -> SessionCount:
    there = [e for e in people if e.application.availability.get(session.id) != "no"]
    found = []
    for code in NEED_CODES:
        asking = [e for e in there if code in needs_for_session(e.volunteer, session)]
        if asking:
            states = {
                e.application.id: status_of(marks.get(e.application.id, {}), code, session).state
                for e in asking
            }
            found.append(NeedCount(code, asking, states))
    return SessionCount(session, there, found)


async def count(c: CoordCtx, panel: Panel) -> Counted:
    everyone = await entries(c, panel)
    people = in_the_running(everyone)
    marks = await need_states.for_applications(c.tx, [e.application.id for e in people])
    sessions = live_sessions(await panels.sessions(c.tx, panel.id))
    coming = [s for s in sessions if s.starts_at > c.now]
    return Counted(everyone, people, marks, [_session_count(s, people, marks) for s in coming])
