"""Panels at a glance, the roster, one person's answers, and choosing who sits on the panel."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, get_args

from bot import views
from bot.callbacks import (
    Accept,
    CloseSignups,
    Decision,
    DeclineRest,
    HeldDecisions,
    OpenPerson,
    Propose,
    RosterFilter,
    RosterPage,
    RosterSearch,
    RosterView,
    SetStatus,
    UndoDecision,
)
from bot.model import IN_THE_RUNNING, Application, Panel, Session, Volunteer
from bot.replies import Button, Notice, Outcome, Reply, rows
from bot.rules import paging, selection
from bot.rules import panels as rules
from bot.services.coordinator import counts, decisions, need_marks, offer_chains
from bot.services.coordinator.base import PAGE_SIZE, CoordCtx, kbutton, out_of_date, say
from bot.store import applications, coordinators, need_states, outbox, panels, volunteers
from bot.text import clean
from messages import label, render

SUBMITTED = ("applied", "confirmed", "reserve", "declined", "withdrawn")
# The roster's order: waiting to hear first, then places, reserves, and those who left.
ROSTER_ORDER = {status: n for n, status in enumerate(SUBMITTED)}
# What a coordinator may do to a person from their page, in the order the buttons show.
DECISIONS: tuple[Decision, ...] = get_args(Decision)


@dataclass(frozen=True)
class Entry:
    application: Application
    volunteer: Volunteer

    @property
    def name(self) -> str:
        return self.volunteer.name or label("coord.no_name")


async def entries(c: CoordCtx, panel: Panel) -> list[Entry]:
    """Everyone who sent a sign-up for this panel, in the order they sent it."""
    found = []
    for application in await applications.for_panel(c.tx, panel.id):
        if application.status not in SUBMITTED:
            continue
        volunteer = await volunteers.get(c.tx, application.volunteer_id)
        if volunteer is not None:
            found.append(Entry(application, volunteer))
    return found


def stage_key(panel: Panel, now: datetime) -> str:
    if panel.stage == "recruiting" and not rules.is_open(panel, now):
        return "recruitment_closed"
    return panel.stage


def live_sessions(sessions: list[Session]) -> list[Session]:
    return [s for s in sessions if not s.cancelled]


# --- /panels ----------------------------------------------------------------------------------


async def overview(c: CoordCtx) -> Outcome:
    items = []
    buttons = []
    for panel in await c.all_panels():
        found = counts.count(e.application for e in await entries(c, panel))
        items.append(
            {
                "panel": views.panel_view(panel),
                "stage": label(f"stage.{stage_key(panel, c.now)}"),
                "counts": found.view(),
                "confirmed": found.confirmed,
                "reserves": found.reserve,
                "places": panel.spec.places,
                "reserve_target": selection.reserve_target(
                    panel.spec.places, panel.spec.reserve_ratio
                ),
            }
        )
        buttons.append(kbutton("open_roster", RosterPage(panel.id, 0), title=panel.spec.code))
    return Outcome([Reply(render("coordinator/panels", items=items), rows(*buttons))])


# --- /roster ----------------------------------------------------------------------------------


# The filters, in the order their buttons show.
FILTERS: tuple[RosterFilter, ...] = get_args(RosterFilter)
INPUT = "roster_search"
SEARCH_MAX = 64


@dataclass(frozen=True)
class Line:
    entry: Entry
    conflicted: bool
    to_arrange: int

    def shows_in(self, show: RosterFilter) -> bool:
        status = self.entry.application.status
        return {
            "all": True,
            "waiting": status == "applied",
            "placed": status == "confirmed",
            "reserve": status == "reserve",
            "conflicts": self.conflicted and status in IN_THE_RUNNING,
            "support": self.to_arrange > 0,
            "unreachable": self.entry.volunteer.unreachable and status in IN_THE_RUNNING,
        }[show]


async def _lines(c: CoordCtx, panel: Panel) -> list[Line]:
    people = sorted(
        await entries(c, panel),
        key=lambda e: (ROSTER_ORDER[e.application.status], e.name.casefold(), e.application.id),
    )
    bidders = len(panel.spec.bidders)
    sessions = await panels.sessions(c.tx, panel.id)
    marks = await need_states.for_applications(c.tx, [e.application.id for e in people])

    def to_arrange(entry: Entry) -> int:
        if entry.application.status not in IN_THE_RUNNING or not c.owns(panel):
            return 0
        own = marks.get(entry.application.id, {})
        found = need_marks.tallies(entry.volunteer, entry.application, sessions, own, c.now)
        return sum(t.open for t in found)

    return [
        Line(
            entry,
            selection.rules_out_most_bids(len(entry.application.conflicts), bidders),
            to_arrange(entry),
        )
        for entry in people
    ]


async def roster(
    c: CoordCtx,
    panel: Panel,
    page: int = 0,
    *,
    edit: bool = False,
    show: RosterFilter = "all",
    search: str | None = None,
) -> Outcome:
    every = await _lines(c, panel)
    matching = [line for line in every if line.shows_in(show)]
    if search is not None:
        wanted = search.casefold()
        matching = [line for line in matching if wanted in line.entry.name.casefold()]
    pages = paging.page_count(len(matching), PAGE_SIZE)
    page = min(max(page, 0), pages - 1)
    shown = matching[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [
        {
            "number": page * PAGE_SIZE + n + 1,
            "name": line.entry.name,
            "status": label(f"coord_status.{line.entry.application.status}"),
            "role": label(f"coord_role.{line.entry.volunteer.role}")
            if line.entry.volunteer.role
            else None,
            "unreachable": line.entry.volunteer.unreachable,
            "conflicted": line.conflicted,
            "to_arrange": line.to_arrange,
        }
        for n, line in enumerate(shown)
    ]
    drafts = sum(1 for a in await applications.for_panel(c.tx, panel.id) if a.status == "draft")
    buttons: list[tuple[Button, ...]] = [
        (kbutton("person", OpenPerson(line.entry.application.id), name=line.entry.name[:40]),)
        for line in shown
    ]
    if search is None:
        numbers = paging.page_numbers(page, pages)
        for at in range(0, len(numbers), 5):
            buttons.append(
                tuple(
                    kbutton(
                        "this_page" if n == page else "page_number",
                        RosterView(panel.id, show, n),
                        number=n + 1,
                    )
                    for n in numbers[at : at + 5]
                )
            )
    tally = {f: sum(1 for line in every if line.shows_in(f)) for f in FILTERS}
    others = [f for f in FILTERS if f != show and (f == "all" or tally[f])]
    filter_buttons = [
        kbutton(f"show_{f}", RosterView(panel.id, f, 0), count=tally[f]) for f in others
    ]
    filter_buttons.append(kbutton("search", RosterSearch(panel.id)))
    buttons.append((kbutton("propose", Propose(panel.id)),))
    held = await outbox.pending_decisions(c.tx, panel.id)
    if held:
        buttons.append((kbutton("held_decisions", HeldDecisions(panel.id), count=len(held)),))
    for at in range(0, len(filter_buttons), 2):
        buttons.append(tuple(filter_buttons[at : at + 2]))
    await c.audit("view_roster", panel)
    text = render(
        "coordinator/roster",
        panel=views.panel_view(panel),
        lines=lines,
        total=len(every),
        matching=len(matching),
        showing=None if show == "all" else label(f"coord.show_{show}", count=tally[show]),
        search=search,
        page=page + 1,
        pages=pages,
        drafts=drafts,
        counts=counts.count(line.entry.application for line in every).view(),
        stage=label(f"stage.{stage_key(panel, c.now)}"),
        chains=await offer_chains.chains(c, panel),
    )
    return Outcome([Reply(text, tuple(buttons), edit=edit)])


async def ask_search(c: CoordCtx, panel: Panel) -> Outcome:
    await coordinators.expect_input(
        c.tx, c.person.telegram_id, INPUT, {"panel_id": panel.id}, c.now
    )
    return Outcome([say("roster_search_ask", panel=views.panel_view(panel))])


async def typed_search(c: CoordCtx, data: dict[str, Any], typed: str) -> Outcome:
    panel_id = data.get("panel_id")
    panel = await c.panel(panel_id) if isinstance(panel_id, int) else None
    if panel is None:
        await coordinators.clear_input(c.tx, c.person.telegram_id)
        return out_of_date()
    wanted = clean(typed)
    if not wanted:
        return Outcome([say("roster_search_empty")])
    if len(wanted) > SEARCH_MAX:
        return Outcome([say("roster_search_too_long", limit=SEARCH_MAX)])
    await coordinators.clear_input(c.tx, c.person.telegram_id)
    return await roster(c, panel, search=wanted)


# --- one person -------------------------------------------------------------------------------


def person_context(
    panel: Panel, sessions: list[Session], entry: Entry, needs: list[need_marks.Tally]
) -> dict[str, Any]:
    application, volunteer = entry.application, entry.volunteer
    availability = [
        {
            "session": views.session_view(s, panel.timezone),
            "answer": label(f"answer.{application.availability[s.id]}")
            if s.id in application.availability
            else None,
        }
        for s in live_sessions(sessions)
    ]
    return {
        "panel": views.panel_view(panel),
        "name": entry.name,
        "status": label(f"coord_status.{application.status}"),
        "role": label(f"coord_role.{volunteer.role}") if volunteer.role else None,
        "contact": volunteer.contact,
        "unreachable": volunteer.unreachable,
        "submitted": application.submitted_at.astimezone(panel.timezone)
        if application.submitted_at
        else None,
        "needs": [
            {
                "need": label(f"need.{t.need}"),
                "sessions": t.sessions,
                "arranged": t.arranged,
                "cannot": t.cannot,
                "open": t.open,
            }
            for t in needs
        ],
        "needs_note": volunteer.needs_note,
        "availability": availability,
        "days": views.day_labels(application.days),
        "conflicts": list(application.conflicts),
        "conflicts_note": application.conflicts_note,
        "conflicted": selection.rules_out_most_bids(
            len(application.conflicts), len(panel.spec.bidders)
        ),
        "interviews": application.interviews,
        "payment": label(f"payment.{application.payment}") if application.payment else None,
        "future_panels": volunteer.future_panels,
    }


async def _entry(c: CoordCtx, application_id: int) -> tuple[Panel, Entry] | None:
    application = await applications.get(c.tx, application_id)
    if application is None or application.status not in SUBMITTED:
        return None
    volunteer = await volunteers.get(c.tx, application.volunteer_id)
    panel = await c.panel(application.panel_id)
    if volunteer is None or panel is None:
        return None
    return panel, Entry(application, volunteer)


async def person(c: CoordCtx, application_id: int, *, note: str | None = None) -> Outcome:
    found = await _entry(c, application_id)
    if found is None:
        return out_of_date()
    panel, entry = found
    sessions = await panels.sessions(c.tx, panel.id)
    status = entry.application.status
    app_id = entry.application.id
    buttons = [
        kbutton(f"decide_{to}", SetStatus(app_id, status, to))
        for to in DECISIONS
        if rules.can_move(status, to) and panel.stage != "closed"
    ]
    marks = (await need_states.for_applications(c.tx, [app_id])).get(app_id, {})
    needs = need_marks.tallies(entry.volunteer, entry.application, sessions, marks, c.now)
    if await outbox.pending_decision_for(c.tx, entry.application.id) is not None:
        buttons.append(kbutton("undo", UndoDecision(entry.application.id)))
    buttons.append(kbutton("back_to_roster", RosterPage(panel.id, 0)))
    if status in IN_THE_RUNNING and c.owns(panel):
        buttons += need_marks.person_buttons(app_id, marks, needs)
    await c.audit("view_person", panel, volunteer_id=entry.volunteer.id)
    context = person_context(panel, sessions, entry, needs)
    if not c.owns(panel):  # support needs are health data: for the panel's owners only
        context.update(needs=None, needs_note=None)
    text = render("coordinator/person", note=note, **context)
    return Outcome([Reply(text, rows(*buttons), edit=True)])


async def _move(c: CoordCtx, panel: Panel, entry: Entry, to: str) -> datetime | None:
    """Change one status and record it at once; the person's message waits (decisions.py).
    When it will go, or None if there is nothing to tell them."""
    await applications.update(c.tx, entry.application.id, c.now, status=to)
    await c.audit(
        "set_status",
        panel,
        volunteer_id=entry.volunteer.id,
        detail=f"{entry.application.status} -> {to}",
    )
    return await decisions.hold(
        c, panel, entry.application.id, entry.volunteer, entry.application.status, to
    )


async def set_status(c: CoordCtx, application_id: int, expected: str, to: str) -> Outcome:
    """A decision from a person's page. `expected` is the status the page showed: if another
    coordinator changed it meanwhile, nothing changes and both see where it stands."""
    if to not in DECISIONS:
        return out_of_date()
    found = await _entry(c, application_id)
    if found is None:  # erased, or never there: the same words either way
        return Outcome([say("decision_person_gone")])
    panel, entry = found
    current = entry.application.status
    if panel.stage == "closed":
        note = render("coordinator/decision_panel_closed", panel=views.panel_view(panel))
        return await person(c, application_id, note=note)
    if current == "withdrawn":
        note = render("coordinator/decision_person_left", name=entry.name)
        return await person(c, application_id, note=note)
    if current != expected or not rules.can_move(current, to):
        note = render(
            "coordinator/changed_meanwhile",
            name=entry.name,
            status=label(f"coord_status.{current}"),
        )
        return await person(c, application_id, note=note)
    goes_at = await _move(c, panel, entry, to)
    done = render(
        "coordinator/decision_done",
        name=entry.name,
        status=label(f"coord_status.{to}"),
        when=None if goes_at is None else decisions.when_words(c, panel, goes_at),
        reachable=not entry.volunteer.unreachable,
    )
    others = render(
        "coordinator/decision_by_other",
        who=c.person.first_name,
        name=entry.name,
        status=label(f"coord_status.{to}"),
        panel=views.panel_view(panel),
    )
    notices = [Notice(chat, Reply(others)) for chat in await c.other_coordinators(panel)]
    outcome = await person(c, application_id, note=done)
    outcome.notices.extend(notices)
    return outcome


async def undo(c: CoordCtx, application_id: int) -> Outcome:
    found = await _entry(c, application_id)
    if found is None:
        return out_of_date()
    panel, entry = found
    back = await decisions.undo(c, panel, application_id)
    if back is None:
        return await person(
            c, application_id, note=render("coordinator/undo_too_late", name=entry.name)
        )
    await c.audit(
        "undo_status",
        panel,
        volunteer_id=entry.volunteer.id,
        detail=f"{entry.application.status} -> {back}",
    )
    note = render(
        "coordinator/decision_undone", name=entry.name, status=label(f"coord_status.{back}")
    )
    return await person(c, application_id, note=note)


# --- the proposed selection -------------------------------------------------------------------


def candidates(people: list[Entry], sessions: list[Session]) -> list[selection.Candidate]:
    counted = [s.id for s in live_sessions(sessions) if not s.optional]
    found = []
    for order, entry in enumerate(people):
        answers = [entry.application.availability.get(session_id) for session_id in counted]
        found.append(
            selection.Candidate(
                application_id=entry.application.id,
                status=entry.application.status,
                role=entry.volunteer.role,
                yes=answers.count("yes"),
                maybe=answers.count("maybe"),
                conflicts=len(entry.application.conflicts),
                order=order,
                reachable=not entry.volunteer.unreachable,
                no=answers.count("no"),
            )
        )
    return found


async def _proposal(
    c: CoordCtx, panel: Panel
) -> tuple[selection.Proposal, dict[int, Entry], list[selection.Candidate]]:
    people = await entries(c, panel)
    sessions = await panels.sessions(c.tx, panel.id)
    found = candidates(people, sessions)
    proposal = selection.propose(
        found,
        places=panel.spec.places,
        reserve_ratio=panel.spec.reserve_ratio,
        bidders=len(panel.spec.bidders),
    )
    return proposal, {e.application.id: e for e in people}, found


async def propose(c: CoordCtx, panel: Panel, *, note: str | None = None) -> Outcome:
    proposal, by_id, found = await _proposal(c, panel)
    facts = {cand.application_id: cand for cand in found}
    counted = len(
        [s for s in live_sessions(await panels.sessions(c.tx, panel.id)) if not s.optional]
    )

    def line(application_id: int) -> dict[str, Any]:
        entry, fact = by_id[application_id], facts[application_id]
        return {
            "name": entry.name,
            "status": label(f"coord_status.{entry.application.status}"),
            "yes": fact.yes,
            "maybe": fact.maybe,
            "unreachable": not fact.reachable,
            "reason": proposal.reasons.get(application_id),
        }

    warnings = [
        {
            "kind": w.kind,
            "count": w.count,
            "name": by_id[w.application_id].name if w.application_id is not None else None,
        }
        for w in proposal.warnings
    ]
    text = render(
        "coordinator/proposal",
        panel=views.panel_view(panel),
        places=panel.spec.places,
        reserve_target=selection.reserve_target(panel.spec.places, panel.spec.reserve_ratio),
        panel_people=[line(i) for i in proposal.panel],
        reserves=[line(i) for i in proposal.reserves],
        warnings=warnings,
        sessions=counted,
        bidders=len(panel.spec.bidders),
        note=note,
    )
    await c.audit("view_proposal", panel)
    buttons = []
    if proposal.panel:
        buttons.append(kbutton("accept", Accept(panel.id, proposal.key)))
    buttons.append(kbutton("back_to_roster", RosterPage(panel.id, 0)))
    return Outcome([Reply(text, rows(*buttons), edit=True)])


def _fingerprint(ids: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:10]


async def accept(c: CoordCtx, panel: Panel, key: str) -> Outcome:
    proposal, by_id, _ = await _proposal(c, panel)
    if proposal.key != key:
        return await propose(c, panel, note=render("coordinator/proposal_changed"))
    notices: list[Notice] = []
    moved = 0
    goes_at: datetime | None = None
    for ids, to in ((proposal.panel, "confirmed"), (proposal.reserves, "reserve")):
        for application_id in ids:
            entry = by_id[application_id]
            if entry.application.status != to and rules.can_move(entry.application.status, to):
                goes_at = await _move(c, panel, entry, to) or goes_at
                moved += 1
    chosen = set(proposal.panel) | set(proposal.reserves)
    waiting = [i for i, e in by_id.items() if e.application.status == "applied" and i not in chosen]
    buttons = (
        [kbutton("decline_rest", DeclineRest(panel.id, _fingerprint(waiting)))] if waiting else []
    )
    buttons.append(kbutton("back_to_roster", RosterPage(panel.id, 0)))
    text = render(
        "coordinator/proposal_accepted",
        panel=views.panel_view(panel),
        confirmed=len(proposal.panel),
        reserves=len(proposal.reserves),
        moved=moved,
        waiting=len(waiting),
        when=None if goes_at is None else decisions.when_words(c, panel, goes_at),
    )
    others = render(
        "coordinator/proposal_accepted_by_other",
        who=c.person.first_name,
        panel=views.panel_view(panel),
        confirmed=len(proposal.panel),
        reserves=len(proposal.reserves),
    )
    notices += [Notice(chat, Reply(others)) for chat in await c.other_coordinators(panel)]
    return Outcome([Reply(text, rows(*buttons), edit=True)], notices)


async def decline_rest(c: CoordCtx, panel: Panel, key: str) -> Outcome:
    """Tell everyone still waiting that there is no place for them this time."""
    people = await entries(c, panel)
    proposal, _, _ = await _proposal(c, panel)
    chosen = set(proposal.panel) | set(proposal.reserves)
    waiting = [
        e for e in people if e.application.status == "applied" and e.application.id not in chosen
    ]
    if _fingerprint([e.application.id for e in waiting]) != key or not waiting:
        return await roster(c, panel, edit=True)
    goes_at: datetime | None = None
    for entry in waiting:
        goes_at = await _move(c, panel, entry, "declined") or goes_at
    text = render(
        "coordinator/declined_rest",
        panel=views.panel_view(panel),
        count=len(waiting),
        when=None if goes_at is None else decisions.when_words(c, panel, goes_at),
    )
    return Outcome(
        [Reply(text, rows(kbutton("back_to_roster", RosterPage(panel.id, 0))), edit=True)]
    )


# --- /close -----------------------------------------------------------------------------------


def _already_closed(panel: Panel) -> Outcome:
    return Outcome(
        [say("already_closed", panel=views.panel_view(panel), late_reserves=panel.late_reserves)]
    )


async def ask_close(c: CoordCtx, panel: Panel) -> Outcome:
    if panel.stage != "recruiting":
        return _already_closed(panel)
    people = await entries(c, panel)
    signed_up = sum(1 for e in people if e.application.status in IN_THE_RUNNING)
    return Outcome(
        [
            Reply(
                render(
                    "coordinator/close_confirm", panel=views.panel_view(panel), signed_up=signed_up
                ),
                rows(
                    kbutton("close", CloseSignups(panel.id, "closed")),
                    kbutton("close_late", CloseSignups(panel.id, "late")),
                    kbutton("keep_open", CloseSignups(panel.id, "open")),
                ),
            )
        ]
    )


async def close(c: CoordCtx, panel: Panel, choice: str) -> Outcome:
    if choice == "open":
        return Outcome([say("kept_open", panel=views.panel_view(panel))])
    if choice not in ("closed", "late"):
        return out_of_date()
    if panel.stage != "recruiting":
        return _already_closed(panel)
    late = choice == "late"
    await panels.set_stage(c.tx, panel.id, "recruitment_closed", c.now)
    await panels.set_late_reserves(c.tx, panel.id, late)
    await c.audit("close_signups", panel, detail="late reserves allowed" if late else "")
    text = render("coordinator/closed", panel=views.panel_view(panel), late_reserves=late)
    others = render(
        "coordinator/closed_by_other",
        who=c.person.first_name,
        panel=views.panel_view(panel),
        late_reserves=late,
    )
    return Outcome(
        [Reply(text, edit=True)],
        [Notice(chat, Reply(others)) for chat in await c.other_coordinators(panel)],
    )
