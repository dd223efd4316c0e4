"""/mydata says everything we keep, checked against the database, in the person's own words
or readable labels; the file keeps the codes, with a key to them."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.rules.needs import ALL_SESSIONS
from bot.standin.api import FakeUser
from bot.store import need_states
from tests.conftest import World
from tests.e2e.test_change_keeps_answers import NOTE, at_summary_with_a_conflict

CODES = ("service_user", "draft", "applied", "reading_stand", "undecided", "unpaid",
         "arranging", "True", "False", "None")  # fmt: skip


async def rows(world: World, sql: str) -> list[Any]:
    async with world.db.transaction() as tx:
        cursor = await tx.execute(sql)
        return [tuple(row) for row in await cursor.fetchall()]


async def signed_up_with_a_need_booked(world: World, sam: FakeUser) -> None:
    await at_summary_with_a_conflict(world, sam)
    await world.harness.press_button(sam, "Send")
    [(application_id,)] = await rows(world, "SELECT id FROM applications")
    async with world.db.transaction() as tx:
        await need_states.mark(
            tx, application_id=application_id, need="reading_stand", session_id=ALL_SESSIONS,
            session_version=0, state="arranged", note=None, marked_by=1, now=world.clock.now(),
        )  # fmt: skip


async def test_mydata_says_every_stored_answer_in_plain_words(
    world: World, sam: FakeUser
) -> None:
    await signed_up_with_a_need_booked(world, sam)
    reply = await world.harness.say(sam, "/mydata")
    text = reply.messages[0].text

    [(name, role, needs_note)] = await rows(world, "SELECT name, role, needs_note FROM volunteers")
    [(days, conflicts_note, interviews, payment)] = await rows(
        world, "SELECT days, conflicts_note, interviews, payment FROM applications"
    )
    conflicts = [org for (org,) in await rows(world, "SELECT organisation FROM conflicts")]
    availability = await rows(world, "SELECT answer FROM availability")

    assert f"Name: {name}" in text
    assert role == "service_user" and "You are: someone who uses services" in text
    assert days == "mon" and "Days for reading: Monday" in text
    assert conflicts
    assert all(org in text for org in conflicts)
    assert conflicts_note == NOTE and NOTE in text
    assert interviews == 1 and "Interviews: Yes, I'd like to" in text
    assert payment == "paid" and "Payment: Yes, please pay me" in text
    assert len(availability) == 6 and len(re.findall(r": Yes\b", text)) >= 6
    assert "Reading stand: booked." in text
    assert needs_note is None or needs_note in text
    for code in CODES:
        assert code not in text, code
    assert not re.search(r": (yes|maybe|no)$", text, re.MULTILINE)


async def test_the_mydata_file_keeps_the_codes_with_a_key(world: World, sam: FakeUser) -> None:
    await signed_up_with_a_need_booked(world, sam)
    reply = await world.harness.say(sam, "/mydata")
    document = reply.messages[1].document
    assert document is not None
    record = json.loads(document[1])
    panel = record["panels"][0]
    assert record["role"] == "service_user" and panel["status"] == "applied"
    assert panel["days"] == ["mon"] and panel["payment"] == "paid" and panel["interviews"]
    assert panel["need_states"] == [
        {"need": "reading_stand", "session": "every session", "state": "arranged", "note": None}
    ]
    assert record["key"]["status"]["applied"].startswith("You have signed up")
    assert record["key"]["payment"]["paid"] == "Yes, please pay me"
