"""What the venue must arrange (/needs), who can come when (/availability), and /export."""

from __future__ import annotations

from collections import Counter

from bot import views
from bot.callbacks import MarkNeed, NeedPage
from bot.csvfile import to_csv
from bot.model import IN_THE_RUNNING, Panel
from bot.needs import NEED_CODES
from bot.replies import Document, Outcome, Reply
from bot.rules.needs import ALL_SESSIONS, SETTLED, needs_for_session, shown_state, status_of
from bot.services.coordinator import availability_picture
from bot.services.coordinator.base import CoordCtx, kbutton
from bot.services.coordinator.roster import Entry, entries, live_sessions
from bot.store import anonymous, need_states, panels
from messages import label, render


def _marker(entry: Entry) -> str:
    return label(f"coord_marker.{entry.application.status}")


async def _candidates(c: CoordCtx, panel: Panel) -> list[Entry]:
    people = [e for e in await entries(c, panel) if e.application.status in IN_THE_RUNNING]
    order = {status: n for n, status in enumerate(("confirmed", "reserve", "applied"))}
    return sorted(people, key=lambda e: order[e.application.status])


# At most this many "still to arrange" pairs get buttons on /needs; the rest are on /roster.
NEED_BUTTONS = 8


async def needs(c: CoordCtx, panel: Panel) -> Outcome:
    """Per coming session, each need counted over everyone in the running who has not said
    they can't come, with how many are arranged and who is still to arrange."""
    everyone = await entries(c, panel)
    people = await _candidates(c, panel)
    counted = Counter(e.application.status for e in people)
    marks = await need_states.for_applications(c.tx, [e.application.id for e in people])
    sessions = [s for s in live_sessions(await panels.sessions(c.tx, panel.id))
                if s.starts_at > c.now]  # fmt: skip
    items = []
    to_arrange: dict[tuple[int, str], Entry] = {}
    for session in sessions:
        there = [e for e in people if e.application.availability.get(session.id) != "no"]
        totals = []
        for code in NEED_CODES:
            asking = [e for e in there if code in needs_for_session(e.volunteer, session)]
            if not asking:
                continue
            states = {
                e.application.id: status_of(marks.get(e.application.id, {}), code, session).state
                for e in asking
            }
            still = [e for e in asking if states[e.application.id] not in SETTLED]
            for e in still:
                to_arrange.setdefault((e.application.id, code), e)
            totals.append(
                {
                    "need": label(f"need.{code}"),
                    "count": len(asking),
                    "arranged": sum(1 for v in states.values() if v == "arranged"),
                    "cannot": sum(1 for v in states.values() if v == "cannot"),
                    "still": [f"{e.name}{_marker(e)}" for e in still],
                }
            )
        items.append(
            {
                "session": views.session_view(session, panel.timezone),
                "online": session.venue is None,
                "at_home": session.kind == "evaluation_window",
                "there": len(there),
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
        people=len(people),
        confirmed=counted["confirmed"],
        reserve=counted["reserve"],
        applied=counted["applied"],
        left_out=len(everyone) - len(people),
        none_told=none_told,
        pairs=len(pairs),
        shown=min(len(pairs), NEED_BUTTONS),
    )
    buttons = []
    for (application_id, code), entry in pairs[:NEED_BUTTONS]:
        own = marks.get(application_id, {})
        every = shown_state(own, code, ALL_SESSIONS, [])
        need, name = label(f"need.{code}"), entry.name[:30]
        quick = MarkNeed(application_id, code, ALL_SESSIONS, 0, every, "arranged")
        buttons.append(
            (
                kbutton("need_quick_for", quick, name=name, need=need),
                kbutton("need_open_for", NeedPage(application_id, code), name=name, need=need),
            )
        )
    return Outcome([Reply(text, tuple(buttons))])


async def availability(c: CoordCtx, panel: Panel) -> Outcome:
    people = await _candidates(c, panel)
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
        "coordinator/availability", panel=views.panel_view(panel), items=items, people=len(people)
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
