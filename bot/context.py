"""What every use case needs: the database, the settings and the clock."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.store.db import Database


@dataclass(frozen=True)
class AppContext:
    db: Database
    settings: Settings
    clock: Clock


@dataclass(frozen=True)
class Person:
    """Whoever sent the update, as the chat app tells us."""

    telegram_id: int
    chat_id: int
    first_name: str = ""
