"""A place someone can't take moves on: a reserve who doesn't answer by the deadline (the
panel file's `offer_hours`, 48 by default) or says no, and the next reserve is offered it,
each once, never in quiet hours; coordinators see the chain on the roster."""

from __future__ import annotations

from html import unescape

from bot.standin.api import FakeUser
from tests.conftest import EXAMPLE_CODE, World
from tests.factories import signed_up
from tests.scheduler_helpers import london, messages, tick, tick_at

RAE = FakeUser(1003, "Rae")
LOU = FakeUser(1004, "Lou")
OFFER = "A place has come up"


async def test_an_unanswered_offer_moves_to_the_next_reserve_after_its_deadline_never_at_night(
    world: World, sam: FakeUser, coordinator: FakeUser
) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now())
    for user in (RAE, LOU):
        world.clock.set(world.clock.now().replace(minute=world.clock.now().minute + 1))
        await signed_up(world, world.panel_id, user, world.clock.now(), status="reserve")
    await tick(world)
    await tick_at(world, london(2027, 3, 2, 11))  # the 7-day reminder for the briefing
    h = world.harness
    world.clock.set(london(2027, 3, 2, 20, 59))
    await h.press_button(sam, "I can't make it")
    await h.press_button(sam, "Yes, I can't come")
    await tick(world)
    offered = messages(world, RAE.id, OFFER)
    assert len(offered) == 1
    assert "Please tell us by Thursday 4 March 2027, 8:59pm" in unescape(offered[0].text)
    await tick_at(world, london(2027, 3, 4, 20, 58))
    assert messages(world, LOU.id, OFFER) == []
    # The deadline passes in quiet hours: Rae's offer is gone, Lou's waits for the morning.
    await tick_at(world, london(2027, 3, 4, 21, 30))
    assert messages(world, LOU.id, OFFER) == []
    late = await h.press_button(RAE, "Yes, I'll take the place")
    assert "no longer free" in late.text
    await tick_at(world, london(2027, 3, 5, 8, 0))
    assert len(messages(world, LOU.id, OFFER)) == 1
    await tick(world)
    assert len(messages(world, LOU.id, OFFER)) == 1 and len(messages(world, RAE.id, OFFER)) == 1
    roster = unescape((await h.say(coordinator, f"/roster {EXAMPLE_CODE}")).last.text)
    assert (
        "Welcome and briefing, Tuesday 9 March 2027: offered to Rae (no answer by "
        "Thursday 4 March 2027, 8:59pm), then Lou (waiting for an answer until "
        "Sunday 7 March 2027, 8am)." in roster
    )
    await h.press_button(LOU, "No, thank you")
    roster = unescape((await h.say(coordinator, f"/roster {EXAMPLE_CODE}")).last.text)
    assert "then Lou (said no)." in roster
