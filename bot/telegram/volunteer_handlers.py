"""The volunteer's side of the chat: each handler turns an update into one service call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import callbacks
from bot.context import Person
from bot.replies import Outcome
from bot.services.volunteer.service import VolunteerPress, VolunteerService
from bot.telegram import journal
from bot.telegram.people import person_of
from bot.telegram.presses import on_any_other_press, on_press
from bot.telegram.send import deliver
from bot.telegram.unit import one_unit
from messages import render

Context = ContextTypes.DEFAULT_TYPE
PRIVATE = filters.ChatType.PRIVATE
VOLUNTEER_COMMANDS = (
    "start",
    "help",
    "status",
    "needs",
    "availability",
    "question",
    "withdraw",
    "mydata",
    "delete",
    "privacy",
    "settings",
    "cancel",
)


def register(application: Application, service: VolunteerService) -> None:  # type: ignore[type-arg]
    async def answer(
        update: Update, context: Context, work: Callable[[Person], Awaitable[Outcome]]
    ) -> None:
        person = person_of(update)
        outcome = await one_unit(context, lambda: work(person))
        await deliver(update.get_bot(), person.chat_id, outcome)

    def command(
        call: Callable[[Person], Awaitable[Outcome]],
    ) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
        async def handle(update: Update, context: Context) -> None:
            await answer(update, context, call)

        return handle

    async def start(update: Update, context: Context) -> None:
        payload = context.args[0] if context.args else None
        await answer(update, context, lambda person: service.start(person, payload))

    async def text(update: Update, context: Context) -> None:
        assert update.message is not None and update.message.text is not None
        typed = update.message.text
        await answer(update, context, lambda person: service.text(person, typed))

    async def pressed(person: Person, pressed: VolunteerPress, message_id: int | None) -> Outcome:
        return await service.button(person, pressed)

    async def not_text(update: Update, context: Context) -> None:
        message = update.effective_message
        kind = "other"
        if message is not None:
            kind = next(
                (
                    name
                    for name in (
                        "sticker",
                        "photo",
                        "voice",
                        "video",
                        "document",
                        "audio",
                        "location",
                        "contact",
                        "animation",
                        "video_note",
                        "poll",
                    )
                    if getattr(message, name, None)
                ),
                "other",
            )
        message_id = message.message_id if message is not None else None
        await answer(update, context, lambda person: service.not_text(person, kind, message_id))

    async def edited(update: Update, context: Context) -> None:
        await answer(update, context, service.edited)

    async def unknown(update: Update, context: Context) -> None:
        await answer(update, context, service.unknown_command)

    async def heard_from(update: Update, context: Context) -> None:
        if update.effective_user is not None:
            service.heard_from(update.effective_user.id)

    async def group_command(update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None
        await message.reply_text(render("common/private_only"))

    handlers = {
        "help": service.help,
        "status": service.status,
        "needs": service.needs,
        "availability": service.availability,
        "question": service.ask_question,
        "withdraw": service.withdraw,
        "mydata": service.my_data,
        "delete": service.delete,
        "privacy": service.privacy,
        "cancel": service.cancel,
        "settings": service.settings,
    }
    new_messages = PRIVATE & filters.UpdateType.MESSAGE
    # Before anything else handles the update (and after the journal has marked it).
    application.add_handler(TypeHandler(Update, heard_from), group=journal.FIRST_GROUP + 1)
    application.add_handler(CommandHandler("start", start, filters=new_messages))
    for name, call in handlers.items():
        application.add_handler(CommandHandler(name, command(call), filters=new_messages))
    on_press(application, callbacks.StepButton, pressed, service.old_button)
    on_press(application, callbacks.PanelByCode, pressed, service.old_button)
    on_press(application, callbacks.PanelById, pressed, service.old_button)
    on_press(application, callbacks.Erase, pressed, service.old_button)
    on_press(application, callbacks.Setting, service.settings_press, service.old_button)
    # After every other button handler, the coordinators' and the scheduler's too.
    on_any_other_press(application, service.old_button)
    application.add_handler(MessageHandler(PRIVATE & filters.UpdateType.EDITED, edited))
    application.add_handler(MessageHandler(new_messages & filters.COMMAND, unknown))
    application.add_handler(MessageHandler(new_messages & filters.TEXT, text))
    application.add_handler(MessageHandler(new_messages, not_text))
    # In a group, what people share is not private: answer commands with a pointer only.
    application.add_handler(
        MessageHandler(~PRIVATE & filters.UpdateType.MESSAGE & filters.COMMAND, group_command)
    )
