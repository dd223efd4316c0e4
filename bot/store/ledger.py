"""The sent-message ledger: every reminder and notice key, recorded once.

A key is recorded right after its message was sent (outcome "sent"), or when it was
deliberately not sent ("skipped": overtaken by a later reminder or by the session starting),
or when it could not go (bot/delivery.py's words: "blocked", "not_reachable", "refused";
rows from before those words say "failed" for refused). Recorded keys are never sent again.
See scheduler/service.py for what a crash can do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.store.db import fetch_all, fetch_one
from bot.store.sql import chunked, marks
from bot.store.tx import Tx
from bot.timeutil import from_db, to_db


@dataclass(frozen=True)
class Entry:
    outcome: str
    at: datetime


async def for_panels(tx: Tx, panel_ids: Sequence[int]) -> dict[int, dict[str, Entry]]:
    """Every key recorded for each panel, by panel id (an empty dict for a panel with none)."""
    found: dict[int, dict[str, Entry]] = {panel_id: {} for panel_id in panel_ids}
    for ids in chunked(panel_ids):
        for r in await fetch_all(
            tx,
            "SELECT panel_id, key, outcome, at FROM sent_ledger "
            f"WHERE panel_id IN ({marks(len(ids))})",
            ids,
        ):
            found[r["panel_id"]][r["key"]] = Entry(r["outcome"], from_db(r["at"]))
    return found


async def recorded(tx: Tx, keys: Iterable[str]) -> set[str]:
    """Which of these keys are in the ledger, whatever their outcome."""
    found: set[str] = set()
    for batch in chunked(sorted(set(keys))):
        found.update(
            r["key"]
            for r in await fetch_all(
                tx, f"SELECT key FROM sent_ledger WHERE key IN ({marks(len(batch))})", batch
            )
        )
    return found


async def get(tx: Tx, key: str) -> Entry | None:
    row = await fetch_one(tx, "SELECT outcome, at FROM sent_ledger WHERE key = ?", (key,))
    return None if row is None else Entry(row["outcome"], from_db(row["at"]))


async def record(
    tx: Tx,
    keys: Iterable[str],
    *,
    kind: str,
    panel_id: int | None,
    outcome: str,
    now: datetime,
) -> None:
    await tx.executemany(
        # Not OR IGNORE: that would also drop, silently, an outcome the table does not allow.
        "INSERT INTO sent_ledger (key, kind, panel_id, outcome, at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
        [(key, kind, panel_id, outcome, to_db(now)) for key in keys],
    )
