"""Who a person can reach: the team of the panel they are on, or else of the open panels.

Every "I didn't understand", every error, /help and the first screen name a human; the
care reply adds the crisis lines. A person with no panel yet gets the team of the panel
that closes soonest, and the UK's crisis lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.context import AppContext
from bot.model import Panel
from bot.panelfile.schema import UK_CRISIS_LINES, Contact, CrisisLine
from bot.rules import panels as rules
from bot.store import applications, journeys, panels, volunteers
from bot.store.tx import Tx


@dataclass(frozen=True)
class Team:
    contact: Contact | None
    crisis_lines: tuple[CrisisLine, ...] = UK_CRISIS_LINES

    def view(self) -> dict[str, Any]:
        return {"contact": self.contact, "crisis_lines": self.crisis_lines}


def of_panel(panel: Panel | None) -> Team:
    return Team(None) if panel is None else Team(panel.spec.contact, panel.spec.crisis_lines)


async def panel_of(app: AppContext, tx: Tx, telegram_id: int) -> Panel | None:
    """The panel this person is on now, or the one they joined last, or an open one."""
    tz = app.settings.timezone
    journey = await journeys.get(tx, telegram_id)
    if journey is not None and journey.panel_id is not None:
        return await panels.get(tx, journey.panel_id, tz)
    volunteer = await volunteers.by_telegram_id(tx, telegram_id)
    if volunteer is not None:
        theirs = await applications.for_volunteer(tx, volunteer.id)
        if theirs:
            return await panels.get(tx, theirs[-1].panel_id, tz)
    now = app.clock.now()
    open_panels = [p for p in await panels.list_all(tx, tz) if rules.is_open(p, now)]
    return min(open_panels, key=lambda p: p.closes_at, default=None)


async def for_person(app: AppContext, tx: Tx, telegram_id: int) -> Team:
    return of_panel(await panel_of(app, tx, telegram_id))
