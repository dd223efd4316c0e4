"""Long text that Telegram always accepts: a reply split into parts never cuts inside a tag or
an entity, and every part fits Telegram's 4,096 characters as it counts them."""

from __future__ import annotations

from bot.standin.api import FakeUser
from bot.text import QUESTION_MAX
from tests.conftest import COORDINATOR_ID, World
from tests.coordinating import seed

PIECES = ("Is <b>lunch</b> included & is it free? 🙂🧑🏽‍🦽 ", "I care for my mum &amp; dad. ",
          "Can I bring <i>notes</i>? ", "x<y & z>w ")  # fmt: skip


def long_question(number: int, *, line_breaks: bool) -> str:
    text = f"Question {number}: "
    piece = 0
    while True:
        words = PIECES[(number + piece) % len(PIECES)]
        if line_breaks and piece % 7 == 6:
            words += "\n"
        if len(text) + len(words) > QUESTION_MAX:
            return text.strip()
        text += words
        piece += 1


def squeezed(text: str) -> str:
    return "".join(text.split())


async def test_questions_list_with_long_marked_up_questions_arrives_whole(
    world: World, coordinator: FakeUser
) -> None:
    asked = []
    for number, telegram_id in enumerate(await seed(world, 6), start=1):
        question = long_question(number, line_breaks=number % 2 == 0)
        volunteer = FakeUser(telegram_id, "V")
        await world.harness.say(volunteer, "/question")
        assert "has gone to the panel team" in (await world.harness.say(volunteer, question)).text
        asked.append(question)

    tries_before = len(world.api.calls("sendMessage"))
    reply = await world.harness.say(coordinator, "/questions")

    tries = len(world.api.calls("sendMessage")) - tries_before
    assert len(reply.messages) >= 3  # about 12,000 characters: it had to be split
    assert tries == len(reply.messages)  # every part accepted, none refused
    assert all(len(m.text) <= 4096 for m in reply.messages)
    shown = squeezed("".join(m.text for m in reply.messages))
    for question in asked:
        assert squeezed(question) in shown
    assert reply.messages[-1].find_button("Reply to question 1")
    assert all(m.chat_id == COORDINATOR_ID for m in reply.messages)
