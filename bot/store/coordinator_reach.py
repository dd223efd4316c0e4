"""Whether each coordinator can be reached: when they last wrote to the bot and when a
notice to them last could not go. A coordinator who never opened the bot cannot be sent
anything (Telegram: chat not found) until they press Start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.config import Settings
from bot.store.db import fetch_all
from bot.store.rights import is_coordinator
from bot.store.tx import Tx
from bot.timeutil import from_db_optional, to_db


@dataclass(frozen=True)
class Reach:
    wrote_at: datetime | None
    missed_at: datetime | None
    missed: str | None  # bot/delivery.py's word: "blocked" or "not_reachable"

    @property
    def unreached(self) -> bool:
        """A notice could not go, and they have not written since."""
        return self.missed_at is not None and (
            self.wrote_at is None or self.wrote_at < self.missed_at
        )


async def wrote(tx: Tx, telegram_id: int, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO coordinator_reach (telegram_id, wrote_at) VALUES (?, ?) "
        "ON CONFLICT (telegram_id) DO UPDATE SET wrote_at = excluded.wrote_at",
        (telegram_id, to_db(now)),
    )


async def missed(tx: Tx, telegram_id: int, kind: str, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO coordinator_reach (telegram_id, missed_at, missed) VALUES (?, ?, ?) "
        "ON CONFLICT (telegram_id) DO UPDATE SET missed_at = excluded.missed_at, "
        "missed = excluded.missed",
        (telegram_id, to_db(now), kind),
    )


async def missed_if_coordinator(
    tx: Tx, settings: Settings, chat_id: int, kind: str, now: datetime
) -> None:
    """A send to this chat could not go: noted if the chat is a coordinator's."""
    if await is_coordinator(tx, settings, chat_id):
        await missed(tx, chat_id, kind, now)


async def everyone(tx: Tx) -> dict[int, Reach]:
    return {
        int(row["telegram_id"]): Reach(
            from_db_optional(row["wrote_at"]),
            from_db_optional(row["missed_at"]),
            row["missed"],
        )
        for row in await fetch_all(tx, "SELECT * FROM coordinator_reach")
    }
