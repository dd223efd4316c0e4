"""Deleting a panel's personal data a set time after it closes.

Due `retention_months` (the panel file's, else PANELBOT_RETENTION) calendar months after the
panel closed, in the panel's time zone. Coordinators are told a week before; the deletion
waits until a full week after that warning, so a warning sent late (after downtime) still
gives them a week to export what they need. What was deleted is recorded as counts only.

Deleted: the panel's applications with their availability, conflicts, attendance, feedback,
replies and offers; questions asked about the panel; journeys, queued notices and news for
coordinators about it; who got each of its broadcasts; and the audit log's link to a person
(the log keeps what coordinators did, not to whom). A person left with no other panel is
deleted too, unless they asked to hear about future panels: then only their name, contact
and that wish are kept. `sweep` does the same for anyone with no application at all.
After the commit the WAL is truncated (bot.store.db.scrub_after_commit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from bot.store import volunteers
from bot.store.db import fetch_all, fetch_one, scrub_after_commit
from bot.store.tx import Tx
from bot.timeutil import from_db, from_db_optional, to_db

WARN_BEFORE = timedelta(days=7)


@dataclass(frozen=True)
class RetentionRun:
    panel_id: int
    due_at: datetime
    warned_at: datetime | None
    ran_at: datetime | None

    @property
    def warn_from(self) -> datetime:
        return self.due_at - WARN_BEFORE

    @property
    def delete_from(self) -> datetime | None:
        """When deletion may run: due, and a full week after the warning went out."""
        if self.warned_at is None:
            return None
        return max(self.due_at, self.warned_at + WARN_BEFORE)


def _run(row: aiosqlite.Row) -> RetentionRun:
    return RetentionRun(
        row["panel_id"],
        from_db(row["due_at"]),
        from_db_optional(row["warned_at"]),
        from_db_optional(row["ran_at"]),
    )


async def closed_panels(
    tx: Tx,
) -> list[tuple[int, datetime, RetentionRun | None]]:
    """Closed panels, when they closed, and their retention record if it was made yet."""
    return [
        (row["id"], from_db(row["closed_at"]), None if row["panel_id"] is None else _run(row))
        for row in await fetch_all(
            tx,
            "SELECT p.id, p.closed_at, r.panel_id, r.due_at, r.warned_at, r.ran_at "
            "FROM panels p LEFT JOIN retention_runs r ON r.panel_id = p.id "
            "WHERE p.stage = 'closed' AND p.closed_at IS NOT NULL ORDER BY p.id",
        )
    ]


async def run_for(tx: Tx, panel_id: int, due_at: datetime) -> RetentionRun:
    """The panel's retention record, created with its due date the first time it is seen."""
    await tx.execute(
        "INSERT OR IGNORE INTO retention_runs (panel_id, due_at) VALUES (?, ?)",
        (panel_id, to_db(due_at)),
    )
    row = await fetch_one(tx, "SELECT * FROM retention_runs WHERE panel_id = ?", (panel_id,))
    assert row is not None
    return _run(row)


async def mark_warned(tx: Tx, panel_id: int, now: datetime) -> None:
    await tx.execute(
        "UPDATE retention_runs SET warned_at = COALESCE(warned_at, ?) WHERE panel_id = ?",
        (to_db(now), panel_id),
    )


async def _people(tx: Tx, panel_id: int) -> list[tuple[int, int, bool]]:
    """(volunteer id, their other applications, wants future panels) for the panel's people."""
    return [
        (r["id"], r["others"], bool(r["future_panels"]))
        for r in await fetch_all(
            tx,
            "SELECT v.id, v.future_panels, (SELECT count(*) FROM applications o "
            "WHERE o.volunteer_id = v.id AND o.panel_id != ?) AS others "
            "FROM volunteers v JOIN applications a ON a.volunteer_id = v.id WHERE a.panel_id = ?",
            (panel_id, panel_id),
        )
    ]


async def counts(tx: Tx, panel_id: int) -> dict[str, int]:
    """What a deletion would do now: for the warning, and recorded when it runs."""
    people = await _people(tx, panel_id)
    return {
        "applications": len(people),
        "deleted": sum(1 for _, others, future in people if not others and not future),
        "kept_future": sum(1 for _, others, future in people if not others and future),
        "kept_other": sum(1 for _, others, _ in people if others),
    }


async def delete(tx: Tx, panel_id: int, now: datetime) -> None:
    result = await counts(tx, panel_id)
    people = await _people(tx, panel_id)
    await tx.execute(
        "UPDATE audit_log SET volunteer_id = NULL "
        "WHERE panel_code = (SELECT code FROM panels WHERE id = ?)",
        (panel_id,),
    )
    for sql in (
        "DELETE FROM applications WHERE panel_id = ?",
        "DELETE FROM questions WHERE panel_id = ?",
        "DELETE FROM journeys WHERE panel_id = ?",
        "DELETE FROM outbox WHERE panel_id = ?",
        "DELETE FROM coordinator_outbox WHERE panel_id = ?",
        "DELETE FROM broadcast_deliveries WHERE broadcast_id IN "
        "(SELECT id FROM broadcasts WHERE panel_id = ?)",
    ):
        await tx.execute(sql, (panel_id,))
    for volunteer_id, others, future in people:
        if others:
            continue  # still on another panel, which needs what they told us
        if future:
            await volunteers.keep_only_future_wish(tx, volunteer_id)
        else:
            await volunteers.erase(tx, volunteer_id, now, "retention")
    await tx.execute(
        "UPDATE retention_runs SET ran_at = ?, applications_deleted = ?, volunteers_deleted = ?, "
        "volunteers_kept = ? WHERE panel_id = ?",
        (
            to_db(now),
            result["applications"],
            result["deleted"],
            result["kept_future"] + result["kept_other"],
            panel_id,
        ),
    )
    scrub_after_commit()


async def sweep(tx: Tx, now: datetime) -> int:
    """Anyone with no application left (a sign-up withdrawn before it was sent, by an older
    version of the bot) is deleted, or kept with only name, contact and their wish to hear
    about future panels. Returns how many were found."""
    found = await volunteers.without_applications(tx)
    for volunteer_id, future in found:
        if future:
            await volunteers.keep_only_future_wish(tx, volunteer_id)
        else:
            await volunteers.erase(tx, volunteer_id, now, "retention")
    return len(found)


async def recorded(tx: Tx, panel_id: int) -> dict[str, int]:
    """What a deletion removed, as recorded (zeros if it has not run)."""
    row = await fetch_one(
        tx,
        "SELECT applications_deleted, volunteers_deleted, volunteers_kept FROM retention_runs "
        "WHERE panel_id = ?",
        (panel_id,),
    )
    assert row is not None
    return {
        "applications": row[0] or 0,
        "deleted": row[1] or 0,
        "kept": row[2] or 0,
    }
