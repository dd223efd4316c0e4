"""Erased means gone from the disk: after /delete, a withdrawn sign-up and retention, the
database file, its -wal and its -shm hold none of what the person typed (nor their username,
which every raw update carries). The files are read byte by byte, as anyone with a copy of
the disk could read them."""

from __future__ import annotations

from pathlib import Path

from bot.standin.api import FakeUser
from bot.store import panels, volunteers
from tests.conftest import COORDINATOR_ID, World
from tests.journey import consent, read_info
from tests.scheduler_helpers import london, messages, tick_at

NAME = "Zebulon Quartermaine"
CONTACT = "07700 900123"
NEEDS_NOTE = "needs a quiet room QZX"
CONFLICT_NOTE = "my cousin works at Brightwater QZX"
QUESTION = "Is there parking near the hall QZX"
USERNAME = "zebulon_qzx"
TYPED = (NAME, CONTACT, NEEDS_NOTE, CONFLICT_NOTE, QUESTION, USERNAME)

ZEBULON = FakeUser(1201, "Zeb", username=USERNAME)
WREN = FakeUser(1202, "Wren", username="wren_wxq")
WREN_NAME, WREN_CONTACT = "Wren Amberly", "wren.amberly@example.org"
WREN_PRIVATE = ("wren needs a hearing loop WXQ", "my sister is at Brightwater WXQ",
                "Where do I claim travel WXQ")  # fmt: skip


def files_of(world: World) -> dict[str, bytes]:
    main = Path(world.settings.database)
    paths = {"main": main, "wal": Path(f"{main}-wal"), "shm": Path(f"{main}-shm")}
    return {name: path.read_bytes() for name, path in paths.items() if path.exists()}


def found_on_disk(world: World, values: tuple[str, ...]) -> list[tuple[str, str]]:
    """(value, file) for every value whose bytes are in one of the database's files."""
    return [
        (value, name)
        for name, content in files_of(world).items()
        for value in values
        if value.encode("utf-8") in content
    ]


async def sign_up_with(
    world: World,
    user: FakeUser,
    name: str,
    contact: str,
    needs_note: str,
    conflict_note: str,
    *,
    send: bool = True,
) -> None:
    h = world.harness
    await consent(world, user)
    await read_info(world, user)
    await h.say(user, name)
    await h.press_button(user, "I use services")
    await h.say(user, contact)
    await h.press_button(user, "Yes, you can keep a note")
    await h.press_button(user, "A quiet room")
    await h.press_button(user, "Done")
    await h.say(user, needs_note)
    for _ in range(6):
        await h.press_button(user, "Yes")
    await h.press_button(user, "Monday")
    await h.press_button(user, "Done")
    await h.say(user, conflict_note)
    await h.press_button(user, "Done")
    await h.press_button(user, "Yes, I'd like to")
    await h.press_button(user, "Yes, please pay me")
    if send:
        await h.press_button(user, "Send")


async def ask(world: World, user: FakeUser, question: str) -> None:
    await world.harness.say(user, "/question")
    await world.harness.say(user, question)


async def stored(world: World, sql: str) -> list[tuple[object, ...]]:
    async with world.db.transaction() as tx:
        return [tuple(r) for r in await tx.execute_fetchall(sql)]


async def test_after_delete_nothing_they_typed_is_left_in_the_database_files(
    world: World,
) -> None:
    await sign_up_with(world, ZEBULON, NAME, CONTACT, NEEDS_NOTE, CONFLICT_NOTE)
    await ask(world, ZEBULON, QUESTION)
    # What they typed really was saved, so finding none of it later means something.
    assert await stored(world, "SELECT name, contact, needs_note FROM volunteers") == [
        (NAME, CONTACT, NEEDS_NOTE)
    ]
    assert await stored(world, "SELECT conflicts_note FROM applications") == [(CONFLICT_NOTE,)]
    assert await stored(world, "SELECT text FROM questions") == [(QUESTION,)]
    assert found_on_disk(world, TYPED) != []

    await world.harness.say(ZEBULON, "/delete")
    reply = await world.harness.press_button(ZEBULON, "Yes, delete everything")
    assert "deleted" in reply.text

    assert found_on_disk(world, TYPED) == []
    assert files_of(world)["wal"] == b""  # truncated, not just checkpointed
    assert await stored(world, "SELECT count(*) FROM volunteers") == [(0,)]
    # The bot carries on as before, and can start again with them.
    assert "Yes, that's OK" in str(await world.harness.say(ZEBULON, "/start ashbridge-day-2027"))


async def test_withdrawing_a_sign_up_before_sending_deletes_the_person_too(
    world: World,
) -> None:
    await sign_up_with(world, ZEBULON, NAME, CONTACT, NEEDS_NOTE, CONFLICT_NOTE, send=False)
    await world.harness.say(ZEBULON, "/withdraw")
    reply = await world.harness.press_button(ZEBULON, "Yes, I want to leave")
    assert "We have deleted what you told us" in reply.text
    assert "/delete" not in reply.text
    assert await stored(world, "SELECT count(*) FROM volunteers") == [(0,)]
    assert await stored(world, "SELECT count(*) FROM journeys") == [(0,)]
    assert found_on_disk(world, TYPED) == []


async def test_after_retention_only_name_contact_and_wish_are_left_on_disk(
    world: World,
) -> None:
    await sign_up_with(world, ZEBULON, NAME, CONTACT, NEEDS_NOTE, CONFLICT_NOTE)
    await ask(world, ZEBULON, QUESTION)
    await sign_up_with(world, WREN, WREN_NAME, WREN_CONTACT, WREN_PRIVATE[0], WREN_PRIVATE[1])
    await ask(world, WREN, WREN_PRIVATE[2])
    async with world.db.transaction() as tx:
        wren = await volunteers.by_telegram_id(tx, WREN.id)
        assert wren is not None
        await volunteers.update(tx, wren.id, future_panels=1)  # as the feedback survey does
        await panels.set_stage(tx, world.panel_id, "closed", london(2027, 7, 1, 10))
    assert found_on_disk(world, (*TYPED, *WREN_PRIVATE)) != []

    await tick_at(world, london(2027, 12, 25, 10))  # the week's warning
    assert messages(world, COORDINATOR_ID, "I will delete")
    await tick_at(world, london(2028, 1, 1, 10))

    assert await stored(world, "SELECT telegram_id, name, contact, future_panels, role, "
                               "needs_note, needs_consented_at FROM volunteers") == [
        (WREN.id, WREN_NAME, WREN_CONTACT, 1, None, None, None)
    ]  # fmt: skip
    for table in ("needs", "questions", "journeys", "coordinator_outbox",
                  "broadcast_deliveries", "pending_prompts", "applications"):  # fmt: skip
        assert await stored(world, f"SELECT count(*) FROM {table}") == [(0,)], table
    assert await stored(
        world, "SELECT count(*) FROM audit_log WHERE volunteer_id IS NOT NULL"
    ) == [(0,)]
    assert found_on_disk(world, (*TYPED, *WREN_PRIVATE)) == []
