"""Who a place goes to next when someone can't come, and how long a reserve has to answer."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from bot.model import Application


def next_reserve(
    reserves: Iterable[Application], asked: Collection[int], session_id: int
) -> Application | None:
    """The first reserve, in the order they signed up, not yet asked about this session and
    who did not say No to it. Each reserve is asked at most once per session."""
    for application in reserves:
        if (
            application.status == "reserve"
            and application.id not in asked
            and application.availability.get(session_id) != "no"
        ):
            return application
    return None


def answer_by(sent_at: datetime, hours: int) -> datetime:
    """When an offer sent at `sent_at` passes to the next reserve if unanswered."""
    return sent_at + timedelta(hours=hours)
