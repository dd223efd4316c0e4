"""Calendar files (.ics) for panel sessions, sent as a document in the chat.

Built with the ``icalendar`` library, which handles escaping (commas, semicolons,
newlines), line folding and the VTIMEZONE block; needs icalendar >= 6.1 for
``Calendar.add_missing_timezones``.

Why METHOD:PUBLISH, also for cancellations: the file is opened by hand from a chat, not
delivered by a mail server. REQUEST and CANCEL are iTIP scheduling messages; they need an
ORGANIZER and ATTENDEEs, and Outlook, Google and Apple Calendar then treat the file as a
meeting invitation (RSVP buttons, replies mailed to the organizer, or a refusal to import
because the user is not an attendee). PUBLISH is plain "add this event", which every app
imports. Updates still replace the earlier copy because the UID stays the same and
SEQUENCE goes up (Apple Calendar and Outlook honour this; Google's import skips a UID it
already has, which nothing in the file can change). A cancellation is the same event with
STATUS:CANCELLED, TRANSP:TRANSPARENT and "Cancelled: " in front of the title, so it reads
as cancelled even in apps that ignore STATUS.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot import views
from bot.model import Panel, Session
from bot.replies import Document
from bot.rules.timing import ledger_key

PRODID = "-//panelbot//panel sessions//EN"
CANCELLED_PREFIX = "Cancelled: "
_MAX_SLUG = 60


def _aware_utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC)


def session_event_ics(
    *,
    uid: str,
    sequence: int,
    title: str,
    start_utc: datetime,
    end_utc: datetime,
    tz: ZoneInfo,
    location: str | None,
    description: str | None,
    url: str | None,
    status: Literal["CONFIRMED", "CANCELLED"],
    now_utc: datetime,
) -> bytes:
    """One VEVENT in a VCALENDAR, times in ``tz`` with TZID and a matching VTIMEZONE.

    Keep ``uid`` the same for every version of a session (e.g. "session-34@panelbot")
    and raise ``sequence`` with each change (the session version works), so the new
    file replaces the old event instead of adding a second one.
    """
    if not uid.strip():
        raise ValueError("uid must not be empty")
    if sequence < 0:
        raise ValueError(f"sequence must be 0 or more, got {sequence}")
    if status not in ("CONFIRMED", "CANCELLED"):
        raise ValueError(f"status must be CONFIRMED or CANCELLED, got {status!r}")
    start = _aware_utc(start_utc, "start_utc")
    end = _aware_utc(end_utc, "end_utc")
    stamp = _aware_utc(now_utc, "now_utc")
    if end <= start:
        raise ValueError("end_utc must be after start_utc")

    cancelled = status == "CANCELLED"
    # Imported when a file is made, not at start-up: icalendar costs about 8 MB and 60 ms.
    from icalendar import Calendar, Event

    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("summary", f"{CANCELLED_PREFIX}{title}" if cancelled else title)
    event.add("dtstart", start.astimezone(tz))
    event.add("dtend", end.astimezone(tz))
    event.add("status", status)
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    # A VTIMEZONE covering the event's years (plus the next), not 1970-2038: smaller file.
    local_start = start.astimezone(tz)
    local_end = end.astimezone(tz)
    calendar.add_missing_timezones(
        first_date=date(local_start.year, 1, 1), last_date=date(local_end.year + 2, 1, 1)
    )
    ical: bytes = calendar.to_ical()  # typed Any in icalendar
    return ical


def filename_for(title: str, start: date | datetime, *, tz: ZoneInfo | None = None) -> str:
    """A safe ASCII file name such as "2027-03-29-commissioning-panel.ics".

    ``start`` should be the local start; pass ``tz`` to convert an aware UTC start first,
    so a session at 00:30 BST is not filed under the previous day.
    """
    if isinstance(start, datetime) and tz is not None:
        start = _aware_utc(start, "start").astimezone(tz)
    day = start.date() if isinstance(start, datetime) else start
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    slug = slug[:_MAX_SLUG].rstrip("-") or "session"
    return f"{day.isoformat()}-{slug}.ics"


# One session, or all of a person's sessions in one file, as documents for the chat.
# Every version of a session keeps the UID "session-<id>@panelbot" and uses the session's
# version as SEQUENCE, so an updated or cancelled file replaces the earlier event in the
# person's calendar. The scheduler sends the first file when a place is confirmed;
# bot/services/delivery/changes.py sends updated ones.
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
    from icalendar import Calendar

    ordered = sorted(sessions, key=lambda s: s.starts_at)
    calendar = Calendar.from_ical(session_ics(ordered[0], panel, now))
    for session in ordered[1:]:
        for event in Calendar.from_ical(session_ics(session, panel, now)).walk("VEVENT"):
            calendar.add_component(event)
    # The first file's VTIMEZONE covers its year and the next; a panel's sessions fit in it.
    content: bytes = calendar.to_ical()
    return Document(filename_for(panel.title, ordered[0].starts_at, tz=panel.timezone), content)
