"""What the bot tells a person about one fact is the same wherever it says it: the
retention period they consent on is the one /privacy gives, and a person half-way through
signing up is never told they are "still on the panel"."""

from __future__ import annotations

import re

from bot.standin.api import FakeUser
from tests.conftest import EXAMPLE_CODE, World
from tests.journey import consent, read_info, sign_up

MONTHS = re.compile(r"(\d+) months after the panel ends")


async def test_privacy_gives_the_period_the_person_consented_on(
    world: World, sam: FakeUser
) -> None:
    welcome = await world.harness.say(sam, f"/start {EXAMPLE_CODE}")
    before = await world.harness.say(sam, "/privacy")
    await world.harness.press_button(sam, "Yes, that's OK")
    during = await world.harness.say(sam, "/privacy")

    consented_on = MONTHS.findall(welcome.text)
    assert consented_on == ["6"]  # the example panel keeps data for 6 months
    assert MONTHS.findall(before.text) == consented_on
    assert MONTHS.findall(during.text) == consented_on


async def test_privacy_after_signing_up_gives_the_panels_period(
    world: World, sam: FakeUser
) -> None:
    await sign_up(world, sam)
    after = await world.harness.say(sam, "/privacy")
    assert MONTHS.findall(after.text) == ["6"]


async def test_keeping_on_mid_sign_up_does_not_say_you_are_on_the_panel(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    await world.harness.say(sam, "/withdraw")
    kept = await world.harness.press_button(sam, "No")
    assert "still on the panel" not in kept.text
    assert "carry on signing up" in kept.text


async def test_after_sign_up_closed_no_message_gives_a_closing_date_still_to_come(
    world: World, sam: FakeUser, coordinator: FakeUser
) -> None:
    await world.harness.say(coordinator, f"/close {EXAMPLE_CODE}")
    await world.harness.press_button(coordinator, "let late sign-ups be reserves")
    first = await world.harness.say(sam, f"/start {EXAMPLE_CODE}")
    assert "Sign-up for the Ashbridge day services panel has closed." in first.text
    assert "You can still join as a reserve." in first.text
    sent = await sign_up(world, sam)
    assert "you are now a reserve" in sent.text
    said = [m.text for m in world.api.messages_to(sam.id)]
    assert not any("closes on" in text for text in said)
