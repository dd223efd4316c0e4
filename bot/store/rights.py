"""Who is a coordinator, and of which panels: PANELBOT_COORDINATORS and those added with
`panelbot coordinator add ID` own every panel; `add ID --panel CODE --role owner|helper`
gives one panel. An owner sees everything; a helper sees the roster and sends messages, but
never health data (support needs and their note) and cannot export.

Asked on every coordinator command and every press, inside the use case's own transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.config import Settings
from bot.store import coordinators
from bot.store.tx import Tx

Role = Literal["owner", "helper"]
ROLES: tuple[Role, ...] = ("owner", "helper")


@dataclass(frozen=True)
class Rights:
    """One coordinator's rights: every panel as owner, or the panels listed with a role."""

    every_panel: bool
    roles: Mapping[int, str] = field(default_factory=dict)

    def sees(self, panel_id: int) -> bool:
        return self.every_panel or panel_id in self.roles

    def owns(self, panel_id: int) -> bool:
        return self.every_panel or self.roles.get(panel_id) == "owner"


EVERY_PANEL = Rights(every_panel=True)


async def rights_of(tx: Tx, settings: Settings, telegram_id: int) -> Rights | None:
    """None for someone who is not a coordinator."""
    if telegram_id in settings.coordinators or await coordinators.owns_every_panel(tx, telegram_id):
        return EVERY_PANEL
    roles = await coordinators.panel_roles(tx, telegram_id)
    return Rights(every_panel=False, roles=roles) if roles else None


async def is_coordinator(tx: Tx, settings: Settings, telegram_id: int) -> bool:
    return await rights_of(tx, settings, telegram_id) is not None


async def coordinator_ids(tx: Tx, settings: Settings) -> list[int]:
    return sorted(settings.coordinators | set(await coordinators.listed(tx)))


async def coordinators_of(
    tx: Tx, settings: Settings, panel_id: int | None, *, owners_only: bool = False
) -> list[int]:
    """Who may hear about this panel (with owners_only: about its health data). What belongs
    to no panel goes to every coordinator, so that it reaches someone."""
    if panel_id is None:
        return await coordinator_ids(tx, settings)
    listed = await coordinators.with_panel(tx, panel_id, owners_only=owners_only)
    return sorted(settings.coordinators | set(listed))
