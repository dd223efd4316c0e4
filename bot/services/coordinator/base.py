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

import aiosqlite

from bot.callbacks import CallbackData
from bot.context import AppContext, Person
from bot.model import Panel
from bot.replies import Button, Outcome, Reply
from bot.store import coordinators, panels
from bot.store.rights import coordinator_ids
from messages import label, render

PAGE_SIZE = 15


@dataclass
class CoordCtx:
    """One coordinator's action, inside one transaction."""

    app: AppContext
    tx: aiosqlite.Connection
    person: Person
    now: datetime

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
        return await panels.get(self.tx, panel_id, self.tz)

    async def panel_by_code(self, code: str) -> Panel | None:
        return await panels.get_by_code(self.tx, code, self.tz)

    async def all_panels(self) -> list[Panel]:
        return await panels.list_all(self.tx, self.tz)

    async def other_coordinators(self) -> list[int]:
        ids = await coordinator_ids(self.tx, self.app.settings)
        return [i for i in ids if i != self.person.telegram_id]


def say(template: str, /, **context: Any) -> Reply:
    return Reply(render(f"coordinator/{template}", **context))


def kbutton(label_key: str, pressed: CallbackData, **fmt: Any) -> Button:
    return Button(label(f"coord.{label_key}", **fmt), pressed.pack())


def out_of_date() -> Outcome:
    return Outcome([say("out_of_date")])
