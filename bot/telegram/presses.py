"""Button presses: one handler per kind of record (bot/callbacks.py), routed by the record's
own pattern, and one last handler for whatever matches none of them.

Each handler parses the data strictly before anything else; data that does not parse (and
data a use case refuses by returning None, such as a coordinator's button pressed by
someone else) gets the answer anyone gets for an old button. Nothing the press carries is
trusted: the use case checks rights and current state inside its own transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.callbacks import CallbackData
from bot.context import Person
from bot.replies import Outcome
from bot.telegram.people import person_of
from bot.telegram.send import acknowledge, deliver
from bot.telegram.unit import one_unit

R = TypeVar("R", bound=CallbackData)
AnyApplication = Application[Any, Any, Any, Any, Any, Any]
# The use case for one kind of record: None when it is not this person's to press.
Press = Callable[[Person, R, int | None], Awaitable[Outcome | None]]
OldButton = Callable[[Person], Awaitable[Outcome]]


def on_press(
    application: AnyApplication,
    kind: type[R],
    press: Press[R],
    old_button: OldButton,
    *,
    edit: bool = True,
    after: Callable[[], None] | None = None,
) -> None:
    """`edit`: the answer may replace the pressed message. `after` runs once it is sent."""

    async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await acknowledge(query)
        person = person_of(update)
        message_id = query.message.message_id if query.message else None
        # PTB passes a press with no data to any pattern: the strict parse catches it.
        pressed = kind.parse(query.data)

        async def work() -> Outcome:
            outcome = None if pressed is None else await press(person, pressed, message_id)
            return await old_button(person) if outcome is None else outcome

        outcome = await one_unit(context, work)
        await deliver(
            update.get_bot(),
            person.chat_id,
            outcome,
            pressed_message_id=message_id if edit else None,
        )
        if after is not None:
            after()

    application.add_handler(CallbackQueryHandler(handle, pattern=kind.route()))


def on_any_other_press(application: AnyApplication, old_button: OldButton) -> None:
    """Last: forged, mangled or unknown data, including none at all."""

    async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await acknowledge(query)
        person = person_of(update)
        outcome = await one_unit(context, lambda: old_button(person))
        message_id = query.message.message_id if query.message else None
        await deliver(update.get_bot(), person.chat_id, outcome, pressed_message_id=message_id)

    application.add_handler(CallbackQueryHandler(handle))
