"""A roster that works at 40 and at 400: page numbers to jump with, filters as buttons, and a
search by name that the coordinator types after pressing Search."""

from __future__ import annotations

from html import unescape

from bot.standin.api import FakeUser
from bot.store import applications
from tests.conftest import EXAMPLE_CODE, World
from tests.coordinating import seed


async def _first_names_confirmed(world: World, count: int) -> None:
    async with world.db.transaction() as tx:
        found = await applications.for_panel(tx, world.panel_id)
        for application in found[:count]:
            await applications.update(tx, application.id, world.clock.now(), status="confirmed")


async def test_forty_people_have_page_numbers_filters_and_a_search(
    world: World, coordinator: FakeUser
) -> None:
    await seed(world, 40)
    await _first_names_confirmed(world, 5)
    h = world.harness
    first = await h.say(coordinator, f"/roster {EXAMPLE_CODE}")
    text = unescape(first.last.text)
    assert "Page 1 of 3" in text
    assert "Counted: the 40 people in the running (5 with a place ✅" in text
    assert {"· Page 1 ·", "Page 2", "Page 3"} <= set(first.last.button_texts)
    third = await h.press_button(coordinator, "Page 3")
    assert "Page 3 of 3" in unescape(third.last.text)
    assert "31. " in third.last.text and "40. " in third.last.text
    # Only those with a place, on one page.
    placed = await h.press_button(coordinator, "Has a place (5)")
    shown = unescape(placed.last.text)
    assert "Showing: Has a place (5)" in shown and "Page 1 of" not in shown
    people = [line for line in shown.splitlines() if line[:1].isdigit() and ". " in line]
    assert len(people) == 5 and all(": Has a place" in line for line in people)
    waiting = await h.press_button(coordinator, "Waiting to hear (35)")
    assert "Page 1 of 3" in unescape(waiting.last.text)
    # Search: press, type part of a name, see only those.
    asked = await h.press_button(coordinator, "🔎 Search by name")
    assert "Type part of a name" in asked.last.text
    found = unescape((await h.say(coordinator, "alex")).last.text)
    assert "Names with “alex”:" in found
    lines = [line for line in found.splitlines() if line[:1].isdigit() and ". " in line]
    assert len(lines) == 2  # Alex 1 and Alex 2 of the 40
    assert lines and all("alex" in line.casefold() for line in lines)
    nobody = unescape((await h.say(coordinator, "/roster " + EXAMPLE_CODE)).last.text)
    assert "Page 1 of 3" in nobody  # typing again is not a search: the search was answered
    await h.press_button(coordinator, "🔎 Search by name")
    missing = unescape((await h.say(coordinator, "Zzyzx")).last.text)
    assert "Names with “Zzyzx”: 0" in missing and "Nobody here." in missing
