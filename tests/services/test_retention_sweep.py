"""The sweep in every tick: anyone with no application left is deleted, or kept with only
name, contact and their wish to hear about future panels; nobody else is touched."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.context import AppContext
from bot.store import retention
from bot.timeutil import to_db
from tests.services.db import rows

# (telegram id, role, needs note, wants future panels, has an application, a need code)
PEOPLE = [
    (1, "carer", None, 0, False, None),  # nothing keeps them: deleted
    (2, "carer", "a ramp", 1, False, "access"),  # wants future panels: trimmed
    (3, None, None, 1, False, None),  # already only name, contact and the wish: as is
    (4, "carer", "a ramp", 0, True, "access"),  # on a panel: as is
    (5, None, None, 1, False, "access"),  # a need left behind: trimmed
]


async def test_the_sweep_deletes_or_trims_only_people_with_no_application(
    app: AppContext, clock: FakeClock
) -> None:
    stamp = to_db(clock.now())
    async with app.db.transaction() as tx:
        for telegram_id, role, note, future, applied, need in PEOPLE:
            cursor = await tx.execute(
                "INSERT INTO volunteers (telegram_id, chat_id, name, role, contact, needs_note, "
                "consented_at, future_panels, created_at) VALUES (?, ?, ?, ?, '07700 900123', "
                "?, ?, ?, ?)",
                (telegram_id, telegram_id, f"Person {telegram_id}", role, note, stamp, future,
                 stamp),
            )  # fmt: skip
            if need is not None:
                await tx.execute(
                    "INSERT INTO needs (volunteer_id, code) VALUES (?, ?)",
                    (cursor.lastrowid, need),
                )
            if applied:
                await tx.execute(
                    "INSERT INTO applications (panel_id, volunteer_id, status, created_at, "
                    "updated_at) SELECT id, ?, 'applied', ?, ? FROM panels",
                    (cursor.lastrowid, stamp, stamp),
                )
        assert await retention.sweep(tx, clock.now()) == 3
    assert await rows(
        app.db,
        "SELECT v.telegram_id, v.name, v.role, v.needs_note, v.future_panels, "
        "(SELECT count(*) FROM needs n WHERE n.volunteer_id = v.id) "
        "FROM volunteers v ORDER BY v.telegram_id",
    ) == [
        (2, "Person 2", None, None, 1, 0),
        (3, "Person 3", None, None, 1, 0),
        (4, "Person 4", "carer", "a ramp", 0, 1),
        (5, "Person 5", None, None, 1, 0),
    ]
    async with app.db.transaction() as tx:
        assert await retention.sweep(tx, clock.now()) == 0  # nothing is found twice
