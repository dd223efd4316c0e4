"""What the venue must arrange (/needs), who can come when (/availability), and /export."""

from __future__ import annotations

from bot import views
from bot.callbacks import MarkNeed, NeedPage, VenueCopy
from bot.csvfile import to_csv
from bot.model import Panel
from bot.replies import Button, Document, Outcome, Reply
from bot.rules.needs import ALL_SESSIONS, shown_state
from bot.services.coordinator import availability_picture, counts, need_counts
from bot.services.coordinator.base import CoordCtx, kbutton
from bot.services.coordinator.roster import Entry, entries, live_sessions
from bot.store import anonymous, panels
from messages import label, render


def _marker(entry: Entry) -> str:
    return label(f"coord_marker.{entry.application.status}")


# At most this many "still to arrange" pairs get buttons on /needs; the rest are on /roster.
NEED_BUTTONS = 8


async def needs(c: CoordCtx, panel: Panel) -> Outcome:
    """Per coming session, each need counted over everyone in the running who has not said
    they can't come, with how many are arranged and who is still to arrange."""
    counted = await need_counts.count(c, panel)
    people, marks = counted.people, counted.marks
    items = []
    to_arrange: dict[tuple[int, str], Entry] = {}
    for at in counted.sessions:
        totals = []
        for need in at.needs:
            for e in need.still:
                to_arrange.setdefault((e.application.id, need.need), e)
            totals.append(
                {
                    "need": label(f"need.{need.need}"),
                    "count": len(need.asking),
                    "arranged": need.arranged,
                    "cannot": need.cannot,
                    "still": [f"{e.name}{_marker(e)}" for e in need.still],
                }
            )
        items.append(
            {
                "session": views.session_view(at.session, panel.timezone),
                "online": at.session.venue is None,
                "at_home": at.session.kind == "evaluation_window",
                "there": len(at.there),
                "totals": totals,
            }
        )
    notes = [
        {"name": f"{e.name}{_marker(e)}", "note": e.volunteer.needs_note}
        for e in people
        if e.volunteer.needs_note
    ]
    none_told = sum(1 for e in people if not e.volunteer.needs and not e.volunteer.needs_note)
    await c.audit("view_needs", panel)
    pairs = list(to_arrange.items())
    text = render(
        "coordinator/needs",
        panel=views.panel_view(panel),
        items=items,
        notes=notes,
        counts=counts.count(e.application for e in counted.everyone).view(),
        none_told=none_told,
        pairs=len(pairs),
        shown=min(len(pairs), NEED_BUTTONS),
    )
    buttons: list[tuple[Button, ...]] = []
    for (application_id, code), entry in pairs[:NEED_BUTTONS]:
        own = marks.get(application_id, {})
        every = shown_state(own, code, ALL_SESSIONS, [])
        shown_need, name = label(f"need.{code}"), entry.name[:30]
        quick = MarkNeed(application_id, code, ALL_SESSIONS, 0, every, "arranged")
        buttons.append(
            (
                kbutton("need_quick_for", quick, name=name, need=shown_need),
                kbutton(
                    "need_open_for", NeedPage(application_id, code), name=name, need=shown_need
                ),
            )
        )
    buttons.append((kbutton("needs_venue_copy", VenueCopy(panel.id)),))
    return Outcome([Reply(text, tuple(buttons))])


async def availability(c: CoordCtx, panel: Panel) -> Outcome:
    people = await need_counts.candidates(c, panel)
    sessions = live_sessions(await panels.sessions(c.tx, panel.id))
    items = []
    for session in sessions:
        answers: dict[str, list[str]] = {"yes": [], "maybe": [], "no": [], "none": []}
        for entry in people:
            answer = entry.application.availability.get(session.id, "none")
            answers[answer].append(f"{entry.name}{_marker(entry)}")
        items.append({"session": views.session_view(session, panel.timezone), **answers})
    await c.audit("view_availability", panel)
    text = render(
        "coordinator/availability",
        panel=views.panel_view(panel),
        items=items,
        counts=counts.count(e.application for e in await entries(c, panel)).view(),
    )
    return Outcome([Reply(text), availability_picture.picture(panel, people, sessions)])


# --- /export ----------------------------------------------------------------------------------


def member_letters(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: as spreadsheet columns are named."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _yes_no(value: bool | None) -> str:
    return "" if value is None else label("answer.yes") if value else label("answer.no")


async def full_roster(c: CoordCtx, panel: Panel) -> bytes:
    people = await entries(c, panel)
    sessions = live_sessions(await panels.sessions(c.tx, panel.id))
    header = [
        label("roster_csv.name"),
        label("roster_csv.status"),
        label("roster_csv.role"),
        label("roster_csv.contact"),
        label("roster_csv.signed_up"),
        label("roster_csv.unreachable"),
        label("roster_csv.needs"),
        label("roster_csv.needs_note"),
        *[
            f"{views.session_title(s)} ({s.starts_at.astimezone(panel.timezone):%d %b})"
            for s in sessions
        ],
        label("roster_csv.days"),
        label("roster_csv.conflicts"),
        label("roster_csv.conflicts_note"),
        label("roster_csv.interviews"),
        label("roster_csv.payment"),
        label("roster_csv.future_panels"),
    ]
    rows = []
    for entry in people:
        a, v = entry.application, entry.volunteer
        submitted = a.submitted_at.astimezone(panel.timezone) if a.submitted_at else None
        rows.append(
            [
                entry.name,
                label(f"coord_status.{a.status}"),
                label(f"coord_role.{v.role}") if v.role else "",
                v.contact or "",
                f"{submitted:%Y-%m-%d %H:%M}" if submitted else "",
                _yes_no(v.unreachable),
                "; ".join(views.need_labels(v.needs)),
                v.needs_note or "",
                *[
                    label(f"answer.{a.availability[s.id]}") if s.id in a.availability else ""
                    for s in sessions
                ],
                ", ".join(views.day_labels(a.days)),
                "; ".join(a.conflicts),
                a.conflicts_note or "",
                _yes_no(a.interviews),
                label(f"payment.{a.payment}") if a.payment else "",
                _yes_no(v.future_panels),
            ]
        )
    return to_csv(header, rows)


async def anonymised(c: CoordCtx, panel: Panel) -> tuple[bytes, int]:
    """Panel members and reserves as "Panel member A, B, ...": no name, id or contact."""
    people = [
        e for e in await entries(c, panel) if e.application.status in ("confirmed", "reserve")
    ]
    people.sort(key=lambda e: e.application.status != "confirmed")
    position = await anonymous.positions(c.tx, panel.id, [e.application.id for e in people])
    people.sort(key=lambda e: position[e.application.id])
    rows = [
        [
            label("roster_csv.member", letters=member_letters(position[e.application.id])),
            label(f"roster_csv.place_{e.application.status}"),
        ]
        for e in people
    ]
    return to_csv([label("roster_csv.member_header"), label("roster_csv.place")], rows), len(rows)


async def export(c: CoordCtx, panel: Panel) -> Outcome:
    full = await full_roster(c, panel)
    anon, members = await anonymised(c, panel)
    await c.audit("export", panel)
    view = views.panel_view(panel)
    return Outcome(
        [
            Reply(
                render("coordinator/export_full", panel=view),
                document=Document(f"{panel.code}-roster.csv", full),
            ),
            Reply(
                render("coordinator/export_anonymised", panel=view, members=members),
                document=Document(f"{panel.code}-anonymised.csv", anon),
            ),
        ]
    )
