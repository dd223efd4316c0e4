"""The update journal's upkeep: finished updates are forgotten once Telegram can no longer
send them again, so a bot that runs for months does not keep every update it ever had."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.store.db import Database
from bot.timeutil import to_db

# Telegram keeps an unconfirmed update for 24 hours; a finished one kept longer than that
# still stops a late duplicate from being handled twice.
KEEP_FINISHED = timedelta(days=2)


async def forget_finished(db: Database, now: datetime) -> int:
    """Delete finished updates older than KEEP_FINISHED; unfinished ones always stay (they
    are replayed at start-up). Returns how many went."""
    return await db.execute_alone(
        "DELETE FROM update_journal WHERE done = 1 AND received_at < ?",
        (to_db(now - KEEP_FINISHED),),
    )
