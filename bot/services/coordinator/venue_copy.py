"""/needs for the venue: per venue and session, how many people need each kind of help,
counted as /needs counts them (everyone in the running, arranged or not). Nothing in it
names anyone: no name, contact, note or status of a person, only numbers. A message to
forward and the same as a CSV file."""

from __future__ import annotations

from bot import views
from bot.csvfile import to_csv
from bot.model import Panel
from bot.replies import Document, Outcome, Reply
from bot.services.coordinator import need_counts
from bot.services.coordinator.base import CoordCtx
from bot.services.coordinator.need_counts import SessionCount
from messages import label, render


def at_a_venue(counted: list[SessionCount]) -> dict[str, list[SessionCount]]:
    """Sessions held somewhere a venue must get ready, by venue in date order; online
    sessions and reading at home have none."""
    venues: dict[str, list[SessionCount]] = {}
    for at in counted:
        session = at.session
        if session.venue and session.kind != "evaluation_window":
            venues.setdefault(" ".join(session.venue.split()), []).append(at)
    return venues


def _csv(panel: Panel, venues: dict[str, list[SessionCount]]) -> bytes:
    header = [
        label("venue_csv.venue"),
        label("venue_csv.session"),
        label("venue_csv.date"),
        label("venue_csv.time"),
        label("venue_csv.up_to"),
        label("venue_csv.need"),
        label("venue_csv.people"),
    ]
    rows = []
    for venue, sessions in venues.items():
        for at in sessions:
            start = at.session.starts_at.astimezone(panel.timezone)
            end = at.session.ends_at.astimezone(panel.timezone)
            where = [
                venue,
                views.session_title(at.session),
                f"{start:%Y-%m-%d}",
                f"{start:%H:%M}-{end:%H:%M}",
                len(at.there),
            ]
            if not at.needs:
                rows.append([*where, label("venue_csv.no_needs"), 0])
            rows += [[*where, label(f"need.{n.need}"), len(n.asking)] for n in at.needs]
    return to_csv(header, rows)


async def copy(c: CoordCtx, panel: Panel) -> Outcome:
    counted = await need_counts.count(c, panel)
    venues = at_a_venue(counted.sessions)
    shown = [
        {
            "venue": venue,
            "sessions": [
                {
                    "session": views.session_view(at.session, panel.timezone),
                    "there": len(at.there),
                    "needs": [
                        {"need": label(f"need.{n.need}"), "count": len(n.asking)} for n in at.needs
                    ],
                }
                for at in sessions
            ],
        }
        for venue, sessions in venues.items()
    ]
    left_out = len(counted.sessions) - sum(len(s) for s in venues.values())
    await c.audit("venue_copy", panel)
    view = views.panel_view(panel)
    text = render("coordinator/venue_copy", panel=view, venues=shown, left_out=left_out)
    if not venues:
        return Outcome([Reply(text)])
    return Outcome(
        [
            Reply(text),
            Reply(
                render("coordinator/venue_copy_file", panel=view),
                document=Document(f"{panel.code}-needs-for-venue.csv", _csv(panel, venues)),
            ),
        ]
    )
