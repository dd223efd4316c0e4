"""Forged and mangled button data, of every shape, from a volunteer and from a coordinator:
each press gets the old-button reply, never an error and never silence, and changes nothing
that is stored."""

from __future__ import annotations

from typing import Any

from bot.standin.api import FakeUser
from tests.conftest import World
from tests.coordinating import application_of, rows, seed
from tests.journey import consent, read_info

OLD_BUTTON = "That button is from an earlier message"
SOMETHING_WRONG = "something went wrong"


def forged(panel_id: int, application_id: int, session_id: int) -> list[str]:
    """Malformed data built around ids that exist, and junk of every kind."""
    return [
        "",
        ":",
        "nonsense",
        "v::",
        "v:role:admin",
        "v:role:carer:extra",
        "v:nosuchstep:carer",
        "c:agree:bad code!",
        "c:erase:yes" + "x" * 40,
        "c:withdraw_yes:²",
        "k:nonsense",
        "k:confirm:1:1",
        f"k:person:{application_id}:1",
        f"k:set:{application_id}:applied:admin",
        f"k:roster:{panel_id}:٣",
        f"k:pick:delete:{panel_id}",
        f"k:close:{panel_id}:maybe",
        "att:p:²",
        "att:p:٣",
        f"att:p:{'9' * 20}",
        f"att:s:{2**63}",
        "att:csv:-1",
        "att:csv:0",
        f"att:t:{session_id}",
        f"att:t:{session_id}:{application_id}:1",
        f"att:save:{session_id}x",
        f"out:score_yes:{panel_id}:x",
        f"out:score_yes:0{panel_id}",
        f"out:to:{panel_id}:someone",
        f"out:nosuch:{panel_id}",
        f"r:yes:{application_id}:{session_id}",
        f"r:take:{'1' * 25}",
        f"fb:{application_id}:fp:maybe",
        f"fb:{application_id}:²:good",
        f"ch:{'9' * 20}:yes",
        "ch:1:perhaps",
        "x" * 5000,
        "😀:😀",
    ]


async def snapshot(world: World) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored row, except the journal of updates handled (which a press always adds
    to)."""
    tables = await rows(
        world,
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND name != 'update_journal' ORDER BY name",
    )
    return {name: sorted(await rows(world, f"SELECT * FROM {name}"), key=repr)
            for (name,) in tables}


async def first_session(world: World) -> int:
    [(session_id,)] = await rows(
        world, "SELECT min(id) FROM sessions WHERE panel_id = ?", world.panel_id
    )
    return int(session_id)


async def press_all(world: World, user: FakeUser, data: list[str]) -> None:
    message_id = world.api.messages_to(user.id)[-1].message_id
    for one in data:
        reply = await world.harness.press(user, message_id, one)
        assert OLD_BUTTON in reply.text, one
        assert SOMETHING_WRONG not in reply.text, one


async def test_forged_presses_from_a_volunteer_mid_journey(world: World, sam: FakeUser) -> None:
    [someone] = await seed(world, 1)
    application_id, _ = await application_of(world, someone)
    await consent(world, sam)
    await read_info(world, sam)
    await world.harness.say(sam, "Sam")
    before = await snapshot(world)
    data = forged(world.panel_id, application_id, await first_session(world))
    await press_all(world, sam, data)
    assert await snapshot(world) == before
    # Mid-journey, the old-button reply comes with the question the person is on.
    last = await world.harness.press(sam, 1, "att:p:²")
    assert "Which of these fits you best?" in last.last.text


async def test_forged_presses_from_a_coordinator(world: World, coordinator: FakeUser) -> None:
    [someone] = await seed(world, 1)
    application_id, _ = await application_of(world, someone)
    await world.harness.say(coordinator, "/help")
    before = await snapshot(world)
    await press_all(world, coordinator, forged(world.panel_id, application_id,
                                               await first_session(world)))
    assert await snapshot(world) == before
    assert world.api.messages_to(someone) == []


async def test_a_coordinators_buttons_pressed_by_someone_else(
    world: World, sam: FakeUser
) -> None:
    """Well-formed coordinator data from a volunteer: refused before any id is looked up,
    with the answer anyone gets for an old button."""
    [someone] = await seed(world, 1)
    application_id, _ = await application_of(world, someone)
    session_id = await first_session(world)
    await world.harness.say(sam, "/help")
    before = await snapshot(world)
    await press_all(world, sam, [
        f"att:p:{world.panel_id}",
        f"att:csv:{world.panel_id}",
        f"att:t:{session_id}:{application_id}",
        f"att:save:{session_id}",
        f"out:score:{world.panel_id}",
        f"out:score_yes:{world.panel_id}",
        f"out:to:{world.panel_id}:0",
        f"out:to:{world.panel_id}:other",
        f"k:set:{application_id}:applied:confirmed",
        f"k:roster:{world.panel_id}:0",
        f"k:pick:export:{world.panel_id}",
    ])
    assert await snapshot(world) == before
    assert world.api.messages_to(someone) == []


async def test_typing_a_digit_that_is_not_ascii_where_buttons_are(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    await world.harness.say(sam, "Sam")
    for typed in ("²", "٣", "\uff11"):
        reply = await world.harness.say(sam, typed)
        assert SOMETHING_WRONG not in reply.text, typed
        assert "Which of these fits you best?" in reply.last.text
