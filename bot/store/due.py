"""What the planner reads about panels: only what can be due, a few panels at a time.

`panels_with_work` picks the panels where a tick could find something to send, with one
query; `panel_states` loads those panels with a fixed number of set-based queries, whatever
their size. Drafts, applicants and withdrawn people are never read: only confirmed people
get reminders and panel news, and the few others a place offer or an attendance thanks is
for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from zoneinfo import ZoneInfo

from bot.model import IN_THE_RUNNING, Application, Panel, Session, Volunteer
from bot.rules.needs import NeedMark
from bot.store import (
    applications,
    attendance,
    ledger,
    need_states,
    offers,
    outcomes,
    panels,
    session_versions,
    volunteers,
)
from bot.store.attendance import Mark
from bot.store.db import fetch_all
from bot.store.ledger import Entry
from bot.store.offers import PlaceOffer
from bot.store.outcomes import Feedback, PanelOutcome
from bot.store.session_versions import Snapshot
from bot.store.tx import Tx
from bot.timeutil import to_db


@dataclass
class PanelState:
    panel: Panel
    sessions: list[Session]
    snapshots: dict[tuple[int, int], Snapshot]
    ledger: dict[str, Entry]
    people: list[tuple[Application, Volunteer]]  # confirmed
    # By application id: the confirmed, and the reserves and others that `offers` and
    # `marks` are for (whoever of them is still reachable).
    reachable: dict[int, tuple[Application, Volunteer]]
    replies: dict[tuple[int, int], tuple[int, str]]
    outcome: PanelOutcome
    feedback: dict[int, Feedback]
    offers: list[PlaceOffer]  # not answered yet
    marks: list[Mark]
    need_marks: dict[int, dict[tuple[str, int], NeedMark]] = field(default_factory=dict)

    def sent(self, key: str) -> Entry | None:
        entry = self.ledger.get(key)
        return entry if entry is not None and entry.outcome == "sent" else None


# A panel can have something due only if: a reachable confirmed person and a session still
# to come (calendar files, reminders) or an outcome (thanks, award, feedback); a place offer
# not answered yet; or attendance saved (thanks). Panels whose data was deleted have none.
_WITH_WORK = """
SELECT p.id FROM panels p
WHERE p.id NOT IN (SELECT panel_id FROM retention_runs WHERE ran_at IS NOT NULL)
AND (
    (
        EXISTS (
            SELECT 1 FROM applications a JOIN volunteers v ON v.id = a.volunteer_id
            WHERE a.panel_id = p.id AND a.status = 'confirmed' AND v.unreachable = 0
        )
        AND (
            EXISTS (
                SELECT 1 FROM sessions s
                WHERE s.panel_id = p.id AND s.cancelled = 0 AND s.starts_at > :now
            )
            OR EXISTS (
                SELECT 1 FROM outcomes o WHERE o.panel_id = p.id
                AND (o.scoring_finished_at IS NOT NULL OR o.announce_at IS NOT NULL)
            )
        )
    )
    OR EXISTS (
        SELECT 1 FROM place_offers f JOIN sessions s ON s.id = f.session_id
        WHERE s.panel_id = p.id AND f.status = 'offered'
    )
    OR EXISTS (
        SELECT 1 FROM attendance t JOIN sessions s ON s.id = t.session_id
        WHERE s.panel_id = p.id AND t.attended = 1 AND t.saved_at IS NOT NULL
    )
)
ORDER BY p.closes_at, p.code
"""


async def panels_with_work(tx: Tx, now: datetime) -> list[int]:
    """Ids of the panels a tick must look at now, in the order they are planned."""
    return [row["id"] for row in await fetch_all(tx, _WITH_WORK, {"now": to_db(now)})]


async def panel_states(tx: Tx, panel_ids: Sequence[int], default_tz: ZoneInfo) -> list[PanelState]:
    """The panels (those that still exist), in the order given."""
    found = await panels.by_ids(tx, panel_ids, default_tz)
    ids = [panel_id for panel_id in panel_ids if panel_id in found]
    if not ids:
        return []
    open_offers = await offers.open_offers(tx, ids)
    marks = await attendance.for_panels(tx, ids)
    confirmed = await applications.for_panels(tx, ids, ("confirmed",))
    others = {offer.application_id for offer in chain.from_iterable(open_offers.values())} | {
        mark.application_id
        for mark in chain.from_iterable(marks.values())
        if mark.attended and mark.saved_at is not None
    }
    others -= {application.id for application in confirmed}
    extra = [
        application
        for application in (await applications.get_many(tx, others)).values()
        if application.status in IN_THE_RUNNING
    ]
    people = await volunteers.get_many(
        tx, {application.volunteer_id for application in (*confirmed, *extra)}
    )
    reachable: defaultdict[int, dict[int, tuple[Application, Volunteer]]] = defaultdict(dict)
    for application in (*confirmed, *extra):
        volunteer = people.get(application.volunteer_id)
        if volunteer is not None and not volunteer.unreachable:
            reachable[application.panel_id][application.id] = (application, volunteer)
    sessions = await panels.sessions_of(tx, ids)
    snapshots = await session_versions.for_panels(tx, ids)
    ledgers = await ledger.for_panels(tx, ids)
    replies = await offers.replies_for_panels(tx, ids)
    outcome = await outcomes.for_panels(tx, ids)
    feedback = await outcomes.feedback_for_panels(tx, ids)
    need_marks = await need_states.for_applications(tx, (a.id for a in confirmed))
    states = []
    for panel_id in ids:
        pairs = reachable.get(panel_id, {})
        states.append(
            PanelState(
                panel=found[panel_id],
                sessions=sessions.get(panel_id, []),
                snapshots=snapshots[panel_id],
                ledger=ledgers[panel_id],
                people=[pair for pair in pairs.values() if pair[0].status == "confirmed"],
                reachable=pairs,
                replies=replies[panel_id],
                outcome=outcome[panel_id],
                feedback={f.application_id: f for f in feedback[panel_id]},
                offers=open_offers[panel_id],
                marks=marks[panel_id],
                need_marks=need_marks,
            )
        )
    return states
