"""Session versions: raised once per change, whichever path made it, with a snapshot of it."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from bot.context import AppContext
from bot.store import session_versions
from bot.timeutil import to_db
from tests.services.db import rows


async def _snapshots(app: AppContext) -> list[tuple[object, ...]]:
    return await rows(
        app.db,
        "SELECT s.key, n.version, n.venue, n.cancelled, n.changed_at FROM session_snapshots n "
        "JOIN sessions s ON s.id = n.session_id ORDER BY s.position, n.version",
    )


async def test_a_change_raises_the_version_once_and_new_sessions_start_at_one(
    app: AppContext, clock: FakeClock
) -> None:
    first = clock.now()
    async with app.db.transaction() as tx:
        assert await session_versions.sync(tx, first) == []
    keys = [row[0] for row in await rows(app.db, "SELECT key FROM sessions ORDER BY position")]
    assert len(keys) > 2
    assert await _snapshots(app) == [
        (key, 1, venue, 0, to_db(first))
        for key, venue in await rows(app.db, "SELECT key, venue FROM sessions ORDER BY position")
    ]
    later = clock.advance(timedelta(hours=1))
    async with app.db.transaction() as tx:
        assert await session_versions.sync(tx, later) == []  # nothing changed: nothing new
        await tx.execute("UPDATE sessions SET venue = 'Room 2' WHERE key = ?", (keys[0],))
        await tx.execute("UPDATE sessions SET cancelled = 1 WHERE key = ?", (keys[2],))
        changed = await session_versions.sync(tx, later)
        assert await session_versions.sync(tx, later) == []
    ids = dict(await rows(app.db, "SELECT key, id FROM sessions"))
    assert changed == sorted([ids[keys[0]], ids[keys[2]]])
    versions = dict(await rows(app.db, "SELECT key, version FROM sessions"))
    assert versions == {key: 2 if key in (keys[0], keys[2]) else 1 for key in keys}
    snapshots = await _snapshots(app)
    venue = next(row[2] for row in snapshots if row[0] == keys[2])
    # The old versions' snapshots stay; each change adds one, taken at the tick that saw it.
    assert len(snapshots) == len(keys) + 2
    assert (keys[0], 2, "Room 2", 0, to_db(later)) in snapshots
    assert (keys[2], 2, venue, 1, to_db(later)) in snapshots
