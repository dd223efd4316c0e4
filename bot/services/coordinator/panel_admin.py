"""Checking and importing panel files (for the command line)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.panelfile import PanelSpec, load_panel_file

__all__ = ["Imported", "check", "deep_link", "import_file", "load_panel_file"]
from bot.context import AppContext
from bot.services.coordinator import session_changes
from bot.store import panels
from bot.store.panels import SessionChange


@dataclass(frozen=True)
class Imported:
    panel_id: int
    spec: PanelSpec
    created: bool
    changes: list[SessionChange]


def check(path: Path, ctx: AppContext) -> PanelSpec:
    """Load and validate; raises PanelFileError listing every problem."""
    return load_panel_file(path, default_timezone=ctx.settings.timezone.key)


async def import_file(path: Path, ctx: AppContext) -> Imported:
    spec = check(path, ctx)
    async with ctx.db.transaction() as tx:
        existed = await panels.get_by_code(tx, spec.code, ctx.settings.timezone) is not None
        panel_id, changes = await panels.upsert(tx, spec, ctx.clock.now())
        # The running bot asks coordinators before telling anyone (bot/services/session_changes).
        await session_changes.record_import(tx, changes, ctx.clock.now())
    return Imported(panel_id, spec, not existed, changes)


def deep_link(bot_username: str | None, code: str) -> str:
    return f"https://t.me/{bot_username or '<bot>'}?start={code}"
