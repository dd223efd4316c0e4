"""Calendar files for the chat: one session, or all of a person's sessions in one file.

Every version of a session keeps the UID "session-<id>@panelbot" and uses the session's
version as SEQUENCE, so an updated or cancelled file replaces the earlier event in the
person's calendar (see scheduler/ics.py for why METHOD:PUBLISH). The scheduler sends the
first file when a place is confirmed; change_delivery.py sends updated ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from icalendar import Calendar

from bot.model import Panel, Session
from bot.services import views
from bot.services.replies import Document
from scheduler.ics import filename_for, session_event_ics
from scheduler.timing import ledger_key


def calendar_key(application_id: int, session_id: int) -> str:
    """The ledger key recorded once a person has a session in their calendar."""
    return ledger_key("calendar", application_id, session_id)


def session_uid(session: Session) -> str:
    return f"session-{session.id}@panelbot"


def session_ics(session: Session, panel: Panel, now: datetime) -> bytes:
    """The session as it is now: cancelled if it was cancelled."""
    return session_event_ics(
        uid=session_uid(session),
        sequence=session.version,
        title=views.session_title(session),
        start_utc=session.starts_at,
        end_utc=session.ends_at,
        tz=panel.timezone,
        location=session.venue or session.online_link,
        description=session.access,
        url=session.online_link,
        status="CANCELLED" if session.cancelled else "CONFIRMED",
        now_utc=now,
    )


def session_ics_document(session: Session, panel: Panel, now: datetime) -> Document:
    """One session as a file to attach to a confirmation or to a change or cancel notice."""
    name = filename_for(views.session_title(session), session.starts_at, tz=panel.timezone)
    return Document(name, session_ics(session, panel, now))


def sessions_ics_document(sessions: Sequence[Session], panel: Panel, now: datetime) -> Document:
    """Several sessions in one file, so a new panel member adds all their dates at once."""
    if not sessions:
        raise ValueError("no sessions to put in a calendar file")
    if len(sessions) == 1:
        return session_ics_document(sessions[0], panel, now)
    ordered = sorted(sessions, key=lambda s: s.starts_at)
    calendar = Calendar.from_ical(session_ics(ordered[0], panel, now))
    for session in ordered[1:]:
        for event in Calendar.from_ical(session_ics(session, panel, now)).walk("VEVENT"):
            calendar.add_component(event)
    # The first file's VTIMEZONE covers its year and the next; a panel's sessions fit in it.
    content: bytes = calendar.to_ical()
    return Document(filename_for(panel.title, ordered[0].starts_at, tz=panel.timezone), content)
