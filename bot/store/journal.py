"""The update journal: every incoming update saved before it is accepted, and marked done in
the same transaction as the work it caused (bot.store.db). Finished updates are forgotten once
Telegram can no longer send them again, so a bot that runs for months does not keep every
update it ever had."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.store.db import Database, fetch_all, fetch_one
from bot.store.tx import Tx
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


async def record(db: Database, update_id: int, payload: str, now: datetime) -> bool:
    """Save an incoming update before it is accepted, as one statement (SQLite commits it by
    itself). False if it was there already: Telegram sent it again."""
    saved = await db.execute_alone(
        "INSERT OR IGNORE INTO update_journal (update_id, payload, received_at) VALUES (?, ?, ?)",
        (update_id, payload, to_db(now)),
    )
    return bool(saved)


# Every update of a getUpdates answer, as Telegram sent it: SQLite splits the JSON, so nothing
# is parsed or serialised again to save it. Returns the ids that were not there before.
_SAVE_BATCH = (
    "INSERT OR IGNORE INTO update_journal (update_id, payload, received_at) "
    "SELECT json_extract(value, '$.update_id'), value, ? FROM json_each(?, '$.result') "
    "RETURNING update_id"
)
_DONE_IN_BATCH = (
    "SELECT update_id FROM update_journal WHERE done = 1 AND update_id IN "
    "(SELECT json_extract(value, '$.update_id') FROM json_each(?, '$.result'))"
)


async def record_batch(tx: Tx, answer: str, now: datetime) -> tuple[set[int], set[int]]:
    """Save the updates of one getUpdates answer (its JSON text, whole) before any is
    accepted. Returns (the ids saved now, the ids already handled: Telegram sent them again).
    An id in neither was saved before and is not handled yet."""
    done = {row[0] for row in await fetch_all(tx, _DONE_IN_BATCH, (answer,))}
    saved = {row[0] for row in await fetch_all(tx, _SAVE_BATCH, (to_db(now), answer))}
    return saved, done


async def is_unfinished(tx: Tx, update_id: int) -> bool:
    row = await fetch_one(tx, "SELECT done FROM update_journal WHERE update_id = ?", (update_id,))
    return row is not None and not row[0]


async def unfinished_payloads(tx: Tx) -> list[str]:
    """What a crash left unhandled, oldest first."""
    rows = await fetch_all(
        tx, "SELECT payload FROM update_journal WHERE done = 0 ORDER BY update_id"
    )
    return [row[0] for row in rows]
