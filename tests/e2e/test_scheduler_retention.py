"""Retention: a closed panel's personal data is deleted when due, with a week's warning to
coordinators; people who want to hear about future panels keep only name, contact and wish."""

from __future__ import annotations

from bot.standin.api import FakeUser
from bot.store import panels
from tests.conftest import COORDINATOR_ID, World
from tests.factories import add_panel, panel_yaml, signed_up, spec_from
from tests.scheduler_helpers import london, messages, tick, tick_at

ALEX = FakeUser(1002, "Alex")
RAE = FakeUser(1003, "Rae")
OTHER_SESSIONS = """\
  - id: briefing
    kind: briefing
    title: Briefing
    start: 2028-05-09 11:00
    end: 2028-05-09 13:00
    venue: Ashbridge Community Centre.
"""


async def rows(world: World, sql: str, *args: object) -> list[tuple[object, ...]]:
    async with world.db.transaction() as tx:
        cursor = await tx.execute(sql, args)
        return [tuple(row) for row in await cursor.fetchall()]


async def setup(world: World, sam: FakeUser) -> None:
    now = world.clock.now()
    await signed_up(world, world.panel_id, sam, now, needs=["reading_stand"],
                              future_panels=True, contact="sam@example.org")  # fmt: skip
    await signed_up(world, world.panel_id, ALEX, now, needs=["drinks"])
    await signed_up(world, world.panel_id, RAE, now, needs=["bsl"])
    spec = spec_from(panel_yaml("other-2028", OTHER_SESSIONS, closes="2028-04-01 17:00"),
                     world.settings)  # fmt: skip
    other = await add_panel(world.db, spec, now)
    await signed_up(world, other, RAE, now, status="applied")


async def close(world: World, when: object) -> None:
    async with world.db.transaction() as tx:
        await panels.set_stage(tx, world.panel_id, "closed", when)  # type: ignore[arg-type]


async def test_retention_deletes_exactly_what_it_should_when_it_should(
    world: World, sam: FakeUser
) -> None:
    await setup(world, sam)
    await close(world, london(2027, 7, 1, 10))  # the example panel keeps data 6 months
    await tick_at(world, london(2027, 12, 25, 9, 59))
    assert messages(world, COORDINATOR_ID, "I will delete") == []
    await tick_at(world, london(2027, 12, 25, 10))
    warning = messages(world, COORDINATOR_ID, "I will delete")
    assert len(warning) == 1
    for fact in (
        "Saturday 1 January 2028",
        "answers, attendance and feedback: 3",
        "delete completely: 1",
        "future panels: 1",
        "another panel: 1",
    ):
        assert fact in warning[0].text, fact
    await tick_at(world, london(2028, 1, 1, 9, 59))
    assert len(await rows(world, "SELECT * FROM applications WHERE panel_id = ?",
                          world.panel_id)) == 3  # fmt: skip
    await tick_at(world, london(2028, 1, 1, 10))
    assert await rows(world, "SELECT * FROM applications WHERE panel_id = ?", world.panel_id) == []
    kept = await rows(world, "SELECT telegram_id, name, contact, future_panels, role, needs_note, "
                             "needs_consented_at FROM volunteers ORDER BY telegram_id")  # fmt: skip
    assert kept == [
        (sam.id, "Sam", "sam@example.org", 1, None, None, None),
        (RAE.id, "Rae", None, 0, "service_user", None, kept[1][6]),
    ]
    assert await rows(
        world,
        "SELECT v.telegram_id, n.code FROM needs n JOIN volunteers v ON v.id = n.volunteer_id",
    ) == [(RAE.id, "bsl")]
    assert len(await rows(world, "SELECT * FROM applications")) == 1  # Rae's other panel
    assert await rows(
        world,
        "SELECT applications_deleted, volunteers_deleted, volunteers_kept FROM retention_runs",
    ) == [(3, 1, 2)]
    assert len(messages(world, COORDINATOR_ID, "Done: I deleted")) == 1
    await tick_at(world, london(2028, 2, 1, 10))
    assert len(messages(world, COORDINATOR_ID, "Done: I deleted")) == 1
    assert len(messages(world, COORDINATOR_ID, "I will delete")) == 1


async def test_a_late_warning_still_gives_coordinators_a_week(world: World, sam: FakeUser) -> None:
    await setup(world, sam)
    await close(world, london(2027, 7, 1, 10))
    # The bot was down over the warning date and the due date.
    await tick_at(world, london(2028, 1, 3, 10))
    warning = messages(world, COORDINATOR_ID, "I will delete")
    assert len(warning) == 1 and "Monday 10 January 2028" in warning[0].text
    await tick_at(world, london(2028, 1, 10, 9, 59))
    assert len(await rows(world, "SELECT * FROM applications WHERE panel_id = ?",
                          world.panel_id)) == 3  # fmt: skip
    await tick_at(world, london(2028, 1, 10, 10))
    assert await rows(world, "SELECT * FROM applications WHERE panel_id = ?", world.panel_id) == []


async def test_a_panel_still_open_is_never_deleted(world: World, sam: FakeUser) -> None:
    await setup(world, sam)
    await tick_at(world, london(2029, 1, 1, 10))
    await tick(world)
    assert len(await rows(world, "SELECT * FROM applications")) == 4
    assert await rows(world, "SELECT * FROM retention_runs") == []
