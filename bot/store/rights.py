"""Who is a coordinator: PANELBOT_COORDINATORS, plus those added with `panelbot coordinator add`.

Asked on every coordinator command and every press, inside the use case's own transaction.
"""

from __future__ import annotations

import aiosqlite

from bot.config import Settings
from bot.store import coordinators


async def is_coordinator(tx: aiosqlite.Connection, settings: Settings, telegram_id: int) -> bool:
    return telegram_id in settings.coordinators or await coordinators.is_listed(tx, telegram_id)


async def coordinator_ids(tx: aiosqlite.Connection, settings: Settings) -> list[int]:
    return sorted(settings.coordinators | set(await coordinators.listed(tx)))
