"""Which panels are open, read in SQL, agrees with the rule (bot.rules.panels.is_open); and a
person on no panel is pointed to the team of the one that closes soonest."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.context import AppContext
from bot.rules import panels as rules
from bot.services.volunteer import team
from bot.store import panels
from bot.timeutil import to_db
from tests.conftest import START

# (code, stage, closes this long after START, the team's phone number)
OTHERS = [
    ("gone-by", "recruiting", timedelta(seconds=-1), "020 7946 0001"),
    ("on-the-dot", "recruiting", timedelta(0), "020 7946 0002"),
    ("a-second-on", "recruiting", timedelta(seconds=1), "020 7946 0003"),
    ("stopped-early", "recruitment_closed", timedelta(hours=1), "020 7946 0004"),
    ("next-week", "recruiting", timedelta(days=7), "020 7946 0005"),
    ("also-next-week", "recruiting", timedelta(days=7), "020 7946 0006"),
]


async def _add_others(app: AppContext) -> None:
    """Copies of the example panel, each with its own stage, closing time and phone number."""
    async with app.db.transaction() as tx:
        example = (await panels.list_all(tx, app.settings.timezone))[0]
        for code, stage, after, phone in OTHERS:
            spec = example.spec.model_copy(
                update={
                    "code": code,
                    "contact": example.spec.contact.model_copy(update={"phone": phone}),
                }
            )
            await tx.execute(
                "INSERT INTO panels (code, title, spec_json, stage, closes_at, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (code, code, spec.to_json(), stage, to_db(START + after), to_db(START),
                 to_db(START)),
            )  # fmt: skip


@pytest.mark.parametrize(
    "moment",
    [
        timedelta(0),
        timedelta(microseconds=500_000),
        timedelta(seconds=1),
        timedelta(days=30),
        timedelta(days=60),  # after every panel has closed
    ],
)
async def test_the_open_panels_read_in_sql_are_those_the_rule_says(
    app: AppContext, clock: FakeClock, moment: timedelta
) -> None:
    await _add_others(app)
    now = START + moment
    async with app.db.transaction() as tx:
        every = await panels.list_all(tx, app.settings.timezone)
        by_rule = [p.code for p in every if rules.is_open(p, now)]
        soonest = min(
            (p for p in every if rules.is_open(p, now)), key=lambda p: p.closes_at, default=None
        )
        read = [p.code for p in await panels.open_at(tx, now, app.settings.timezone)]
        first = await panels.soonest_open(tx, now, app.settings.timezone)
    assert read == by_rule
    assert (first and first.code) == (soonest and soonest.code)


async def test_someone_on_no_panel_is_given_the_team_of_the_panel_closing_soonest(
    app: AppContext, clock: FakeClock
) -> None:
    await _add_others(app)
    async with app.db.transaction() as tx:
        right_now = await team.for_person(app, tx, 555)
        clock.set(START + timedelta(seconds=1))
        a_second_later = await team.for_person(app, tx, 555)
        clock.set(START + timedelta(days=7, seconds=1))
        later = await team.for_person(app, tx, 555)
    assert right_now.contact is not None and right_now.contact.phone == "020 7946 0003"
    # Two close at the same time: the first by code, as the list of open panels shows them.
    assert a_second_later.contact is not None and a_second_later.contact.phone == "020 7946 0006"
    # Only the example panel is still open (it closes on 26 February).
    assert later.contact is not None and later.contact.phone == "020 7946 0456"
