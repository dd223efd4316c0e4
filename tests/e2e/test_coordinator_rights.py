"""Rights per panel, end to end: a helper of one panel sees its roster but no health data,
no /needs and no /export; another panel does not exist for them, even from a forged button;
an owner of a panel sees its needs; news and questions about a panel reach only its
coordinators."""

from __future__ import annotations

import pytest

from bot.callbacks import NeedPage, OpenPerson, RosterPage, SetStatus
from bot.sandbox import demo
from bot.services.coordinator import panel_admin
from bot.standin.api import FakeUser
from bot.store import coordinators
from tests.conftest import COORDINATOR_ID, EXAMPLE_CODE, EXAMPLE_PANEL, START, World
from tests.coordinating import application_of, last_to, rows, seed, texts_to
from tests.journey import consent, sign_up

OTHER_CODE = "carers-hub-2027"
HELPER = FakeUser(9003, "Hana")  # helper of the example panel
OWNER = FakeUser(9004, "Omar")  # owner of the other panel
UNKNOWN_PANEL = "There is no panel with the code"


@pytest.fixture
async def other_panel(world: World) -> int:
    """A second panel, as `panelbot panel import` makes it, and the two limited coordinators."""
    path = world.settings.database.parent / "other.yaml"
    path.write_text(
        EXAMPLE_PANEL.read_text(encoding="utf-8").replace(EXAMPLE_CODE, OTHER_CODE),
        encoding="utf-8",
    )
    imported = await panel_admin.import_file(path, world.ctx)
    world.api.wrote_before(HELPER.id, OWNER.id)
    async with world.db.transaction() as tx:
        now = world.clock.now()
        await coordinators.add_to_panel(tx, HELPER.id, world.panel_id, "helper", now)
        await coordinators.add_to_panel(tx, OWNER.id, imported.panel_id, "owner", now)
    return imported.panel_id


async def test_a_helper_sees_the_roster_but_no_health_data_and_cannot_export(
    world: World, coordinator: FakeUser, other_panel: int
) -> None:
    await seed(world, 8)
    owners_roster = await world.harness.say(coordinator, f"/roster {EXAMPLE_CODE}")
    assert "🔔 support to arrange" in owners_roster.text
    roster = await world.harness.say(HELPER, f"/roster {EXAMPLE_CODE}")
    assert "Alex 1: Signed up" in roster.text
    assert "support to arrange" not in roster.text
    page = await world.harness.press_button(HELPER, "Alex 1")
    assert "When they can come" in page.last.text and "Links to bidders" in page.last.text
    assert "Help they need" not in page.last.text and "Reading stand" not in page.last.text
    assert not any("arranged" in text for text in page.last.button_texts)
    for command in ("needs", "export"):
        refused = await world.harness.say(HELPER, f"/{command} {EXAMPLE_CODE}")
        assert f"{UNKNOWN_PANEL} {EXAMPLE_CODE}. Nothing was done." in refused.text
        assert not any(m.document for m in refused.messages)
        assert "Support needs for" not in refused.text
    assert "Which panel?" not in (await world.harness.say(HELPER, "/needs")).text


async def test_another_panel_answers_like_an_unknown_one_even_from_a_forged_button(
    world: World, other_panel: int
) -> None:
    theirs = await seed(world, 3)
    others = await demo_seed(world, other_panel)
    overview = await world.harness.say(HELPER, "/panels")
    assert EXAMPLE_CODE in str(overview.last.button_texts)
    assert OTHER_CODE not in overview.text + str(overview.last.button_texts)
    for command in ("roster", "availability", "broadcast", "close"):
        reply = await world.harness.say(HELPER, f"/{command} {OTHER_CODE}")
        assert f"{UNKNOWN_PANEL} {OTHER_CODE}. Nothing was done." in reply.text
    application_id, status = await application_of(world, others[0])
    message_id = last_to(world, HELPER.id).message_id
    for forged in (
        SetStatus(application_id, "applied", "confirmed"),
        OpenPerson(application_id),
        RosterPage(other_panel, 0),
        NeedPage(application_id, "reading_stand"),
    ):
        reply = await world.harness.press(HELPER, message_id, forged.pack())
        assert "nothing was changed" in reply.last.text
        assert "Femi" not in reply.last.text and "Signed up" not in reply.last.text
    assert (await application_of(world, others[0]))[1] == status == "applied"
    assert await rows(world, "SELECT 1 FROM outbox") == []
    own, _ = await application_of(world, theirs[0])
    reply = await world.harness.press(HELPER, message_id, NeedPage(own, "reading_stand").pack())
    assert "nothing was changed" in reply.last.text  # a need is health data, even on their panel


async def test_an_owner_of_a_panel_sees_its_needs(world: World, other_panel: int) -> None:
    await demo_seed(world, other_panel)
    reply = await world.harness.say(OWNER, f"/needs {OTHER_CODE}")
    assert "Support needs for" in reply.text
    assert "⚠️ to arrange" in reply.text
    refused = await world.harness.say(OWNER, f"/needs {EXAMPLE_CODE}")
    assert f"{UNKNOWN_PANEL} {EXAMPLE_CODE}" in refused.text


async def test_news_and_questions_about_a_panel_reach_only_its_coordinators(
    world: World, sam: FakeUser, other_panel: int
) -> None:
    await sign_up(world, sam)
    signed_up = "New sign-up for"
    assert any(signed_up in text for text in texts_to(world, HELPER.id))
    assert any(signed_up in text for text in texts_to(world, COORDINATOR_ID))
    assert not any(signed_up in text for text in texts_to(world, OWNER.id))
    ben = FakeUser(1002, "Ben")
    await consent(world, ben)
    await world.harness.press_button(ben, "I have a question")
    await world.harness.say(ben, "Is there a lift?")
    assert "Is there a lift?" in last_to(world, HELPER.id).text
    assert "Is there a lift?" in last_to(world, COORDINATOR_ID).text
    assert not any("Is there a lift?" in text for text in texts_to(world, OWNER.id))
    listed = await world.harness.say(OWNER, "/questions")
    assert "Is there a lift?" not in listed.text


async def demo_seed(world: World, panel_id: int) -> list[int]:
    """Made-up sign-ups for the other panel."""
    people = await demo.seed_volunteers(world.db, panel_id, 6, START, seed=1)
    world.api.wrote_before(*people)
    return people
