"""What every coordinator use case shares: one transaction's context, buttons, audit, panels.

Coordinator buttons carry records from bot/callbacks.py ("k:<action>:..."), never trusted:
each press is checked against the coordinator's rights and the current state inside its
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.callbacks import CallbackData
from bot.context import AppContext, Person
from bot.model import Panel
from bot.replies import Button, Outcome, Reply
from bot.store import coordinators, panels
from bot.store.rights import Rights, coordinators_of
from bot.store.tx import Tx
from messages import label, render

PAGE_SIZE = 15


@dataclass
class CoordCtx:
    """One coordinator's action, inside one transaction."""

    app: AppContext
    tx: Tx
    person: Person
    now: datetime
    rights: Rights

    @property
    def tz(self) -> ZoneInfo:
        return self.app.settings.timezone

    async def audit(
        self,
        action: str,
        panel: Panel | None = None,
        *,
        volunteer_id: int | None = None,
        detail: str = "",
    ) -> None:
        await coordinators.audit(
            self.tx,
            self.now,
            self.person.telegram_id,
            action,
            panel_code=None if panel is None else panel.code,
            volunteer_id=volunteer_id,
            detail=detail,
        )

    async def panel(self, panel_id: int) -> Panel | None:
        """None, as for a panel that does not exist, when this coordinator may not see it."""
        found = await panels.get(self.tx, panel_id, self.tz)
        return found if found is not None and self.rights.sees(found.id) else None

    async def owned_panel(self, panel_id: int) -> Panel | None:
        """The panel only for one of its owners, who may see its health data."""
        found = await self.panel(panel_id)
        return found if found is not None and self.owns(found) else None

    async def panel_by_code(self, code: str) -> Panel | None:
        found = await panels.get_by_code(self.tx, code, self.tz)
        return found if found is not None and self.rights.sees(found.id) else None

    async def all_panels(self) -> list[Panel]:
        return [p for p in await panels.list_all(self.tx, self.tz) if self.rights.sees(p.id)]

    def owns(self, panel: Panel) -> bool:
        return self.rights.owns(panel.id)

    async def other_coordinators(self, panel: Panel | None = None) -> list[int]:
        """The others who may see this panel (with none named, every other coordinator)."""
        ids = await coordinators_of(self.tx, self.app.settings, None if panel is None else panel.id)
        return [i for i in ids if i != self.person.telegram_id]


def say(template: str, /, **context: Any) -> Reply:
    return Reply(render(f"coordinator/{template}", **context))


def kbutton(label_key: str, pressed: CallbackData, **fmt: Any) -> Button:
    return Button(label(f"coord.{label_key}", **fmt), pressed.pack())


def out_of_date() -> Outcome:
    return Outcome([say("out_of_date")])
