"""Rights per panel on a real SQLite file: who owns what, who hears what, and that those who
were coordinators before per-panel rights keep every panel."""

from __future__ import annotations

from datetime import timedelta

from bot.context import AppContext
from bot.sandbox import demo
from bot.services.delivery import news
from bot.store import coordinators
from bot.store.rights import EVERY_PANEL, Rights, coordinators_of, rights_of
from bot.timeutil import from_db
from scheduler.service import tick
from tests.conftest import COORDINATOR_ID, START
from tests.services.chat import Telegram
from tests.services.test_what_is_due import tick_at

HELPER, OWNER, EVERYTHING = 9003, 9004, 9005


async def _panel_id(app: AppContext) -> int:
    async with app.db.transaction() as tx:
        cursor = await tx.execute("SELECT id FROM panels")
        (row,) = await cursor.fetchall()
        return int(row[0])


async def test_the_setting_and_add_without_a_panel_own_every_panel(app: AppContext) -> None:
    async with app.db.transaction() as tx:
        await coordinators.add(tx, EVERYTHING, START)
        assert await rights_of(tx, app.settings, COORDINATOR_ID) == EVERY_PANEL
        assert await rights_of(tx, app.settings, EVERYTHING) == EVERY_PANEL
        assert await rights_of(tx, app.settings, 1234) is None


async def test_a_coordinator_from_before_per_panel_rights_keeps_every_panel(
    app: AppContext,
) -> None:
    async with app.db.transaction() as tx:  # the row as 0002's table held it
        await tx.execute("INSERT INTO coordinators (telegram_id, added_at) VALUES (77, 'x')")
        assert await rights_of(tx, app.settings, 77) == EVERY_PANEL


async def test_a_panel_is_given_as_owner_or_helper_and_taken_away(app: AppContext) -> None:
    panel_id = await _panel_id(app)
    async with app.db.transaction() as tx:
        assert await coordinators.add_to_panel(tx, HELPER, panel_id, "helper", START)
        rights = await rights_of(tx, app.settings, HELPER)
        assert rights == Rights(every_panel=False, roles={panel_id: "helper"})
        assert rights.sees(panel_id) and not rights.owns(panel_id)
        assert not rights.sees(panel_id + 1)
        await coordinators.add_to_panel(tx, HELPER, panel_id, "owner", START)
        assert (await rights_of(tx, app.settings, HELPER) or EVERY_PANEL).owns(panel_id)
        assert await coordinators.remove_from_panel(tx, HELPER, panel_id)
        assert await rights_of(tx, app.settings, HELPER) is None  # no panel left: not one
        assert await coordinators.listed(tx) == []


async def test_add_without_a_panel_widens_and_a_panel_never_narrows_an_owner_of_all(
    app: AppContext,
) -> None:
    panel_id = await _panel_id(app)
    async with app.db.transaction() as tx:
        await coordinators.add_to_panel(tx, HELPER, panel_id, "helper", START)
        assert await coordinators.add(tx, HELPER, START)
        assert await rights_of(tx, app.settings, HELPER) == EVERY_PANEL
        assert not await coordinators.add_to_panel(tx, HELPER, panel_id, "helper", START)
        assert await rights_of(tx, app.settings, HELPER) == EVERY_PANEL


async def test_health_details_go_to_owners_and_news_to_all_of_the_panels_coordinators(
    app: AppContext,
) -> None:
    panel_id = await _panel_id(app)
    people = await demo.seed_volunteers(app.db, panel_id, 2, START)
    async with app.db.transaction() as tx:
        await coordinators.add_to_panel(tx, HELPER, panel_id, "helper", START)
        await coordinators.add_to_panel(tx, OWNER, panel_id, "owner", START)
        assert await coordinators_of(tx, app.settings, panel_id) == [COORDINATOR_ID, HELPER, OWNER]
        owners = await coordinators_of(tx, app.settings, panel_id, owners_only=True)
        assert owners == [COORDINATOR_ID, OWNER]
        assert await coordinators_of(tx, app.settings, panel_id + 1) == [COORDINATOR_ID]
        cursor = await tx.execute("SELECT id FROM volunteers WHERE telegram_id = ?", (people[0],))
        (volunteer_id,) = await cursor.fetchone() or (0,)
        needs_news = await news.record(tx, app.settings, "needs", panel_id, volunteer_id, START)
        assert sorted(n.chat_id for n in needs_news) == [COORDINATOR_ID, OWNER]
        signup = await news.record(tx, app.settings, "signup", panel_id, volunteer_id, START)
        assert sorted(n.chat_id for n in signup) == [COORDINATOR_ID, HELPER, OWNER]


async def test_needs_flags_before_a_session_go_to_the_panels_owners_only(
    app: AppContext,
) -> None:
    panel_id = await _panel_id(app)
    await demo.seed_volunteers(app.db, panel_id, 8, START)
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE applications SET status = 'confirmed'")
        await coordinators.add_to_panel(tx, HELPER, panel_id, "helper", START)
        await coordinators.add_to_panel(tx, OWNER, panel_id, "owner", START)
        cursor = await tx.execute("SELECT min(starts_at) FROM sessions WHERE panel_id = ?",
                                  (panel_id,))  # fmt: skip
        (first,) = await cursor.fetchone() or ("",)
    telegram = Telegram()
    await tick(app, telegram.send)
    report = await tick_at(app, telegram, from_db(first) - timedelta(days=2))
    told = {item.chat_id for item in report.sent if item.kind == "needs_flag"}
    assert told == {COORDINATOR_ID, OWNER}
