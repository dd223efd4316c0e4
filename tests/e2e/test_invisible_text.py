"""Invisible and direction-override characters never reach coordinators or CSV files: they
are removed from what people type, a name made only of them is asked for again, and a broken
character (a lone surrogate) is dropped rather than failing the save."""

from __future__ import annotations

import csv
import io

from bot.standin.api import FakeUser
from tests.conftest import COORDINATOR_ID, EXAMPLE_CODE, World
from tests.coordinating import rows, seed
from tests.journey import consent, read_info

SPOOF = "\u202eSam\u200b \u2066Jones\u2069\ufeff\u2060\u200c\u202a"
NAME_EMPTY = "I didn't get a name there."


async def test_a_name_loses_its_invisible_characters(world: World, sam: FakeUser) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    asked = await world.harness.say(sam, SPOOF)
    assert "Sam Jones" in asked.text and "\u202e" not in asked.last.raw_text
    assert await rows(world, "SELECT name FROM volunteers") == [("Sam Jones",)]


async def test_a_name_of_only_invisible_characters_is_asked_for_again(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    for typed in ("\u200b\u200d\u202e", "\u2066\u2069 \ufeff"):
        assert NAME_EMPTY in (await world.harness.say(sam, typed)).text
    assert await rows(world, "SELECT name FROM volunteers") == [(None,)]
    assert "Sam" in (await world.harness.say(sam, "Sam")).text


async def test_a_lone_surrogate_is_dropped_and_the_answer_kept(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam)
    await read_info(world, sam)
    reply = await world.harness.say(sam, "Sa\ud800m")
    assert "Sorry, something went wrong" not in reply.text
    assert await rows(world, "SELECT name FROM volunteers") == [("Sam",)]


async def test_a_question_shown_to_coordinators_has_no_hidden_characters(
    world: World, sam: FakeUser
) -> None:
    await consent(world, sam, EXAMPLE_CODE)
    await world.harness.press_button(sam, "I have a question")
    await world.harness.say(sam, "Is the \u202eroom\u202c step-free?\u200b\nThanks 🧑🏽‍🦽")
    notice = world.api.last_message_to(COORDINATOR_ID)
    assert notice is not None
    assert "Is the room step-free?\nThanks 🧑🏽‍🦽" in notice.text  # line break and emoji kept
    assert not any(ch in notice.raw_text for ch in "\u202e\u202c\u200b")


async def test_a_csv_has_no_hidden_characters_even_from_older_rows(
    world: World, coordinator: FakeUser
) -> None:
    [telegram_id] = await seed(world, 1)
    await rows(world, "UPDATE volunteers SET name = ? WHERE telegram_id = ?", SPOOF, telegram_id)
    await world.harness.say(coordinator, f"/export {EXAMPLE_CODE}")
    files = [m.document for m in world.api.messages_to(COORDINATOR_ID) if m.document]
    text = "".join(content.decode("utf-8-sig") for _, content in files)
    assert "Sam Jones" in text
    assert not any(ch in text for ch in SPOOF if not ch.isalpha() and ch != " ")
    assert list(csv.reader(io.StringIO(text)))
