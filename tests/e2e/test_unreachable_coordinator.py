"""A coordinator who never opened the bot (Telegram: 400 chat not found) costs nobody else
their message: the other coordinators are told, and the volunteer gets their usual reply."""

from __future__ import annotations

import logging

import pytest

from bot.standin.api import FakeUser
from tests.conftest import COORDINATOR_ID, World
from tests.coordinating import add_coordinator
from tests.journey import consent, sign_up

# A lower id than the settings' coordinator, so their notice is tried first.
NEVER_OPENED = FakeUser(8001, "Nina")
SORRY = "something went wrong"


async def test_a_sign_up_still_reaches_the_other_coordinator(
    world: World, sam: FakeUser, caplog: pytest.LogCaptureFixture
) -> None:
    await add_coordinator(world, NEVER_OPENED, opened_the_bot=False)
    reply = await sign_up(world, sam)
    assert "You have signed up" in reply.text
    assert all(SORRY not in m.text for m in world.api.messages_to(sam.id))
    told = world.api.messages_to(COORDINATOR_ID)
    assert any("New sign-up" in m.text and "Sam" in m.text for m in told)
    assert world.api.messages_to(NEVER_OPENED.id) == []
    tried = [p for p in world.api.calls("sendMessage") if int(p["chat_id"]) == NEVER_OPENED.id]
    assert tried, "the notice to the coordinator who never opened the bot was not even tried"
    _logged_without_details(caplog, NEVER_OPENED.id)


async def test_a_question_still_reaches_the_other_coordinator(
    world: World, sam: FakeUser, caplog: pytest.LogCaptureFixture
) -> None:
    await add_coordinator(world, NEVER_OPENED, opened_the_bot=False)
    await consent(world, sam)
    await world.harness.press_button(sam, "Next")
    await world.harness.press_button(sam, "I have a question")
    reply = await world.harness.say(sam, "Is there parking?")
    assert "Your question has gone to the panel team" in reply.text
    assert "What the panel does" in reply.last.text
    assert SORRY not in reply.text
    question = world.api.last_message_to(COORDINATOR_ID)
    assert question is not None and "Is there parking?" in question.text
    assert world.api.messages_to(NEVER_OPENED.id) == []
    _logged_without_details(caplog, NEVER_OPENED.id)


def _logged_without_details(caplog: pytest.LogCaptureFixture, chat_id: int) -> None:
    """A warning with the chat's id and what happened; nothing a person typed or is called."""
    lines = [r for r in caplog.records if str(chat_id) in r.getMessage()]
    assert lines and all(r.levelno == logging.WARNING for r in lines)
    assert any("not_reachable" in r.getMessage() for r in lines)
    for record in caplog.records:
        text = record.getMessage()
        assert "Sam" not in text and "parking" not in text and "Nina" not in text
