"""Where each place someone couldn't take has gone: offered to A (no answer by ...), then B."""

from __future__ import annotations

from typing import Any

from bot import views
from bot.model import Panel
from bot.rules.offers import answer_by
from bot.rules.timing import ledger_key
from bot.services.coordinator.base import CoordCtx
from bot.store import applications, ledger, offers, panels, volunteers
from messages import label


async def chains(c: CoordCtx, panel: Panel) -> list[dict[str, Any]]:
    """One chain per session still to come that has had a place offered, oldest offer first."""
    made = await offers.offers_for_panel(c.tx, panel.id)
    if not made:
        return []
    sessions = {s.id: s for s in await panels.sessions(c.tx, panel.id)}
    people = await applications.get_many(c.tx, {o.application_id for o in made})
    names = await volunteers.get_many(c.tx, {a.volunteer_id for a in people.values()})
    found: dict[int, list[dict[str, Any]]] = {}
    for offer in made:
        session = sessions[offer.session_id]
        if session.cancelled or session.starts_at <= c.now:
            continue
        application = people.get(offer.application_id)
        volunteer = None if application is None else names.get(application.volunteer_id)
        name = (volunteer.name if volunteer else None) or label("coord.no_name")
        until = None
        if offer.status == "offered":
            sent = await ledger.get(c.tx, ledger_key("offer", offer.id))
            if sent is not None and sent.outcome == "sent":
                until = answer_by(sent.at, panel.spec.offer_hours).astimezone(panel.timezone)
        found.setdefault(session.id, []).append(
            {
                "name": name,
                "status": offer.status,
                "until": until,
                "answered": offer.answered_at.astimezone(panel.timezone)
                if offer.answered_at
                else None,
            }
        )
    return [
        {"session": views.session_view(sessions[sid], panel.timezone), "offers": chain}
        for sid, chain in found.items()
    ]
