"""A coordinator who never opened the bot is found out: `panelbot coordinator list` says so,
and the other coordinators are told once, so someone can ask them to press Start."""

from __future__ import annotations

import argparse

import pytest

from bot import coordinator_cli
from bot.standin.api import FakeUser
from tests.conftest import COORDINATOR_ID, World
from tests.coordinating import add_coordinator, said_to, texts_to
from tests.journey import sign_up
from tests.scheduler_helpers import tick

NEVER_OPENED = FakeUser(8001, "Nina")
TOLD = "Coordinator 8001 has not opened the bot yet, so they get no notices"


async def listed(world: World, capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    args = argparse.Namespace(command="coordinator", coordinator_command="list")
    assert await coordinator_cli.run(world.settings, args) == 0
    return capsys.readouterr().out.splitlines()


async def test_the_list_and_the_other_coordinators_say_who_has_not_opened_the_bot(
    world: World, sam: FakeUser, capsys: pytest.CaptureFixture[str]
) -> None:
    await add_coordinator(world, NEVER_OPENED, opened_the_bot=False)
    assert await listed(world, capsys) == [
        "8001  owner of every panel  (panelbot coordinator add)",
        f"{COORDINATOR_ID}  owner of every panel  (PANELBOT_COORDINATORS)",
    ]
    await sign_up(world, sam)  # the news of it cannot reach Nina
    await tick(world)
    assert await listed(world, capsys) == [
        "8001  owner of every panel  (panelbot coordinator add)  has not opened the bot yet, "
        "so gets no notices",
        f"{COORDINATOR_ID}  owner of every panel  (PANELBOT_COORDINATORS)",
    ]
    assert [t for t in texts_to(world, COORDINATOR_ID) if TOLD in t] != []

    # Told once: more news Nina misses brings no second warning.
    await sign_up(world, FakeUser(1002, "Alex"), name="Alex")
    await tick(world)
    assert len([t for t in texts_to(world, COORDINATOR_ID) if TOLD in t]) == 1

    # Once Nina opens the bot and writes, the list no longer says so.
    world.api.wrote_before(NEVER_OPENED.id)
    await world.harness.say(NEVER_OPENED, "/panels")
    assert said_to(world, NEVER_OPENED.id, "")
    first = (await listed(world, capsys))[0]
    assert first == "8001  owner of every panel  (panelbot coordinator add)"
