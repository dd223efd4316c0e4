"""Where typed text goes. A coordinator the bot is waiting on (writing a broadcast, answering
a question, typing a new time or place) comes first; everyone else goes to the volunteer
journey. One handler decides, so no handler has to stop the others."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.context import Person
from bot.replies import Outcome
from bot.telegram.people import person_of
from bot.telegram.send import deliver
from bot.telegram.unit import one_unit

# Returns None when the text is not for it.
TextTaker = Callable[[Person, str], Awaitable[Outcome | None]]
Fallback = Callable[[Person, str], Awaitable[Outcome]]


def register(
    application: Application[Any, Any, Any, Any, Any, Any],
    takers: Sequence[TextTaker],
    fallback: Fallback,
) -> None:
    async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        person, typed = person_of(update), update.message.text

        async def work() -> Outcome:
            for take in takers:
                outcome = await take(person, typed)
                if outcome is not None:
                    return outcome
            return await fallback(person, typed)

        outcome = await one_unit(context, work)
        await deliver(update.get_bot(), person.chat_id, outcome)

    typed_text = (
        filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    )
    application.add_handler(MessageHandler(typed_text, text))
