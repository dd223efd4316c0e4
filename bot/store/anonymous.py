"""Stable positions behind "Panel member A, B, ...": once given, a person's letter stays."""

from __future__ import annotations

from collections.abc import Sequence

from bot.store.db import fetch_all
from bot.store.tx import Tx


async def positions(tx: Tx, panel_id: int, application_ids: Sequence[int]) -> dict[int, int]:
    """The position of each application, giving new ones the next free positions in order."""
    known = {
        row["application_id"]: row["position"]
        for row in await fetch_all(
            tx,
            "SELECT application_id, position FROM anonymous_labels WHERE panel_id = ?",
            (panel_id,),
        )
    }
    following = max(known.values(), default=-1) + 1
    for application_id in application_ids:
        if application_id not in known:
            await tx.execute(
                "INSERT INTO anonymous_labels (application_id, panel_id, position) "
                "VALUES (?, ?, ?)",
                (application_id, panel_id, following),
            )
            known[application_id] = following
            following += 1
    return {application_id: known[application_id] for application_id in application_ids}
