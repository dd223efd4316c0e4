"""Marking a person's support needs: being arranged, arranged, or can't be arranged (with a
short note typed for the person), per session or for all sessions at once.

Every press is checked against what is true now, inside its transaction: the person is
still in the running and still has the need, the session has not moved, been cancelled or
begun, and nobody marked it meanwhile. Otherwise a kind reply and nothing changes. The
person hears of "arranged" and "can't be arranged" through the outbox, so outside quiet
hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import views
from bot.callbacks import MarkNeed, NeedPage, OpenPerson
from bot.model import IN_THE_RUNNING, Application, Panel, Session, Volunteer
from bot.needs import is_need_code
from bot.replies import Button, Outcome, Reply
from bot.rules.needs import (
    ALL_SESSIONS,
    MarkedState,
    Marks,
    NeedMark,
    NeedState,
    needs_for_session,
    shown_state,
    status_of,
)
from bot.services.coordinator.base import CoordCtx, kbutton, say
from bot.store import applications, coordinators, need_states, outbox, panels, volunteers
from bot.text import clean
from messages import label, render

INPUT = "need_note"
NOTE_MAX = 300


@dataclass(frozen=True)
class Held:
    """A person's one need, as it stands now."""

    panel: Panel
    application: Application
    volunteer: Volunteer
    need: str
    sessions: list[Session]  # coming, not cancelled, where this need applies
    marks: Marks

    @property
    def name(self) -> str:
        return self.volunteer.name or label("coord.no_name")


def sessions_needing(
    volunteer: Volunteer, application: Application, sessions: list[Session], need: str, now: Any
) -> list[Session]:
    return [
        s
        for s in sessions
        if not s.cancelled
        and s.starts_at > now
        and application.availability.get(s.id) != "no"
        and need in needs_for_session(volunteer, s)
    ]


async def _held(c: CoordCtx, application_id: int, need: str) -> Held | Outcome:
    application = await applications.get(c.tx, application_id)
    volunteer = (
        None if application is None else await volunteers.get(c.tx, application.volunteer_id)
    )
    panel = None if application is None else await c.owned_panel(application.panel_id)
    if application is None or volunteer is None or panel is None:
        return Outcome([say("need_person_gone", name=None)])
    name = volunteer.name or label("coord.no_name")
    if application.status not in IN_THE_RUNNING:
        return Outcome([say("need_person_gone", name=name)])
    if (
        not is_need_code(need)
        or volunteer.needs_consented_at is None
        or need not in volunteer.needs
    ):
        return Outcome(
            [
                say(
                    "need_gone",
                    name=name,
                    need=label(f"need.{need}") if is_need_code(need) else need,
                )
            ]
        )
    sessions = sessions_needing(
        volunteer, application, await panels.sessions(c.tx, panel.id), need, c.now
    )
    marks = (await need_states.for_applications(c.tx, [application.id])).get(application.id, {})
    return Held(panel, application, volunteer, need, sessions, marks)


def _state_label(state: str) -> str:
    return label(f"need_state.{state}")


def page(held: Held, *, note: str | None = None, edit: bool = True) -> Reply:
    every = shown_state(held.marks, held.need, ALL_SESSIONS, held.sessions)
    lines = []
    for session in held.sessions:
        status = status_of(held.marks, held.need, session)
        lines.append(
            {
                "session": views.session_view(session, held.panel.timezone),
                "state": _state_label(status.state),
                "note": status.note,
            }
        )
    app_id, need = held.application.id, held.need
    buttons: list[tuple[Button, ...]] = [
        tuple(
            kbutton(f"need_all_{to}", MarkNeed(app_id, need, ALL_SESSIONS, 0, every, to))
            for to in ("arranged", "arranging", "cannot")
        )
    ]
    for session in held.sessions:
        shown = status_of(held.marks, need, session).state
        local = session.starts_at.astimezone(held.panel.timezone)
        day = f"{local:%a} {local.day}"
        buttons.append(
            tuple(
                kbutton(
                    f"need_one_{to}",
                    MarkNeed(app_id, need, session.id, session.version, shown, to),
                    day=day,
                )
                for to in ("arranged", "arranging", "cannot")
            )
        )
    buttons.append((kbutton("need_back", OpenPerson(app_id), name=held.name[:40]),))
    text = render(
        "coordinator/need_page",
        name=held.name,
        panel=views.panel_view(held.panel),
        need=label(f"need.{need}"),
        every=_state_label(every),
        lines=lines,
    )
    if note:  # already rendered, so joined rather than escaped again
        text = f"{note}\n\n{text}"
    return Reply(text, tuple(buttons), edit=edit)


async def open_page(c: CoordCtx, pressed: NeedPage) -> Outcome:
    held = await _held(c, pressed.application_id, pressed.need)
    if isinstance(held, Outcome):
        return held
    return Outcome([page(held)])


def _target(held: Held, session_id: int, version: int) -> Session | bool | None:
    """The session a mark is for (None: all sessions), or False if it moved or went."""
    if session_id == ALL_SESSIONS:
        return None
    for session in held.sessions:
        if session.id == session_id:
            return session if session.version == version else False
    return False


def _standing_mark(held: Held, session_id: int) -> NeedMark | None:
    """The mark that decides what the page shows for this session (or for all)."""
    own = held.marks.get((held.need, session_id))
    if session_id == ALL_SESSIONS or own is None:
        return held.marks.get((held.need, ALL_SESSIONS)) if own is None else own
    session = next((s for s in held.sessions if s.id == session_id), None)
    if session is not None and own.session_version == session.version:
        return own
    return held.marks.get((held.need, ALL_SESSIONS))


def _meanwhile(c: CoordCtx, held: Held, pressed: MarkNeed, now_shown: NeedState) -> str:
    """Two taps on one need from pages showing the same state: the first stands, and the
    second is told who marked it, when, and whether it is what they wanted. The first needs
    no message: their mark holds and the person is told once."""
    mark = _standing_mark(held, pressed.session_id)
    return render(
        "coordinator/need_changed_meanwhile",
        state=_state_label(now_shown),
        wanted=_state_label(pressed.to),
        same=now_shown == pressed.to,
        by_you=mark is not None and mark.marked_by == c.person.telegram_id,
        at=None if mark is None else mark.marked_at.astimezone(held.panel.timezone),
    )


async def _checked(c: CoordCtx, pressed: MarkNeed) -> Held | Outcome:
    held = await _held(c, pressed.application_id, pressed.need)
    if isinstance(held, Outcome):
        return held
    target = _target(held, pressed.session_id, pressed.version)
    if target is False:
        return Outcome([page(held, note=render("coordinator/need_session_changed"))])
    now_shown = shown_state(held.marks, held.need, pressed.session_id, held.sessions)
    if now_shown != pressed.shown:
        return Outcome([page(held, note=_meanwhile(c, held, pressed, now_shown))])
    if not held.sessions:
        return Outcome([page(held, note=render("coordinator/need_no_sessions"))])
    return held


async def mark(c: CoordCtx, pressed: MarkNeed) -> Outcome:
    held = await _checked(c, pressed)
    if isinstance(held, Outcome):
        return held
    if pressed.to == "cannot":
        await coordinators.expect_input(
            c.tx,
            c.person.telegram_id,
            INPUT,
            {
                "application_id": pressed.application_id,
                "need": pressed.need,
                "session_id": pressed.session_id,
                "version": pressed.version,
                "shown": pressed.shown,
            },
            c.now,
        )
        return Outcome(
            [
                say(
                    "need_note_write",
                    name=held.name,
                    need=label(f"need.{held.need}"),
                    limit=NOTE_MAX,
                )
            ]
        )
    return await _save(c, held, pressed.session_id, pressed.version, pressed.to, None, edit=True)


async def typed(c: CoordCtx, data: dict[str, Any], typed_text: str) -> Outcome:
    pressed = MarkNeed.parse(
        ":".join(
            (
                MarkNeed.prefix,
                str(data.get("application_id", "")),
                str(data.get("need", "")),
                str(data.get("session_id", "")),
                str(data.get("version", "")),
                str(data.get("shown", "")),
                "cannot",
            )
        )
    )
    if pressed is None:
        await coordinators.clear_input(c.tx, c.person.telegram_id)
        return Outcome([say("out_of_date")])
    note = clean(typed_text)
    if not note:
        return Outcome([say("need_note_empty")])
    if len(note) > NOTE_MAX:
        return Outcome([say("need_note_too_long", limit=NOTE_MAX, length=len(note))])
    await coordinators.clear_input(c.tx, c.person.telegram_id)
    held = await _checked(c, pressed)
    if isinstance(held, Outcome):
        return held
    return await _save(c, held, pressed.session_id, pressed.version, "cannot", note, edit=False)


async def _save(
    c: CoordCtx,
    held: Held,
    session_id: int,
    version: int,
    to: MarkedState,
    note: str | None,
    *,
    edit: bool,
) -> Outcome:
    app = held.application
    await need_states.mark(
        c.tx,
        application_id=app.id,
        need=held.need,
        session_id=session_id,
        session_version=version,
        state=to,
        note=note,
        marked_by=c.person.telegram_id,
        now=c.now,
    )
    where = "all sessions" if session_id == ALL_SESSIONS else f"session {session_id} v{version}"
    await c.audit(
        "mark_need",
        held.panel,
        volunteer_id=held.volunteer.id,
        detail=f"{held.need}, {where}: {to}",
    )
    if to != "arranging":
        session = next((s for s in held.sessions if s.id == session_id), None)
        await _tell_person(c, held, session, to, note)
    fresh = await _held(c, app.id, held.need)
    assert isinstance(fresh, Held)
    done = render(
        "coordinator/need_marked",
        name=held.name,
        need=label(f"need.{held.need}"),
        state=_state_label(to),
        told=to != "arranging",
    )
    return Outcome([page(fresh, note=done, edit=edit)])


async def _tell_person(
    c: CoordCtx, held: Held, session: Session | None, to: str, note: str | None
) -> None:
    text = render(
        f"volunteer_news/need_{to}",
        name=held.volunteer.name,
        panel=views.panel_view(held.panel),
        need=held.need,
        session=None if session is None else views.session_view(session, held.panel.timezone),
        note=note,
    )
    await outbox.enqueue(
        c.tx,
        key=need_states.notice_key(
            held.application.id,
            held.need,
            0 if session is None else session.id,
            c.now.strftime("%Y%m%d%H%M%S%f"),
        ),
        chat_id=held.volunteer.chat_id,
        reply=Reply(text),
        not_before=c.now,
        now=c.now,
        panel_id=held.panel.id,
        volunteer_id=held.volunteer.id,
        application_id=held.application.id,
    )


@dataclass(frozen=True)
class Tally:
    """How one person's one need stands over the sessions to come."""

    need: str
    sessions: int
    arranged: int
    cannot: int

    @property
    def open(self) -> int:
        return self.sessions - self.arranged - self.cannot


def tallies(
    volunteer: Volunteer,
    application: Application,
    sessions: list[Session],
    marks: Marks,
    now: Any,
) -> list[Tally]:
    """Each of the person's needs, counted over the coming sessions it applies to."""
    found = []
    for need in views.need_codes(volunteer.needs) if volunteer.needs_consented_at else []:
        states = [
            status_of(marks, need, s).state
            for s in sessions_needing(volunteer, application, sessions, need, now)
        ]
        found.append(Tally(need, len(states), states.count("arranged"), states.count("cannot")))
    return found


def person_buttons(application_id: int, marks: Marks, found: list[Tally]) -> list[Button]:
    """On a person's page: one tap for the usual case, and a page per need."""
    buttons = []
    for tally in found:
        need = label(f"need.{tally.need}")
        every = shown_state(marks, tally.need, ALL_SESSIONS, [])
        if tally.open:
            pressed = MarkNeed(application_id, tally.need, ALL_SESSIONS, 0, every, "arranged")
            buttons.append(kbutton("need_quick", pressed, need=need))
        buttons.append(kbutton("need_open", NeedPage(application_id, tally.need), need=need))
    return buttons
