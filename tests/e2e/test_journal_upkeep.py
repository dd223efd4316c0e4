"""The update journal does not grow for ever on a bot that runs for months: the scheduler's
tick forgets finished updates once Telegram can no longer send them again."""

from __future__ import annotations

from datetime import timedelta

from bot.standin.api import FakeUser
from tests.conftest import World
from tests.coordinating import rows
from tests.journey import consent
from tests.scheduler_helpers import tick_at


async def journal(world: World) -> list[tuple[object, ...]]:
    return await rows(world, "SELECT update_id, done FROM update_journal ORDER BY update_id")


async def test_finished_updates_are_forgotten_after_two_days_and_unfinished_ones_kept(
    world: World, sam: FakeUser
) -> None:
    started = world.clock.now()
    await consent(world, sam)
    finished = await journal(world)
    assert len(finished) == 2 and all(done == 1 for _, done in finished)
    # One a crash left unfinished: kept for the replay at start-up, however old.
    async with world.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO update_journal (update_id, payload, received_at, done) "
            "VALUES (0, '{}', ?, 0)", (started.isoformat(),),
        )

    await tick_at(world, started + timedelta(days=1))
    assert len(await journal(world)) == 3  # Telegram could still send these again
    await tick_at(world, started + timedelta(days=2, minutes=1))
    assert await journal(world) == [(0, 0)]
