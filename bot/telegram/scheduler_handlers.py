"""Coordinators' /attendance, /outcome and /feedback, and the buttons on scheduled messages.

Registered before the volunteer handlers: their button handler takes every callback, and
their unknown-command handler every other command.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.context import AppContext, Person
from bot.replies import Outcome
from bot.services.coordinator.attendance import AttendanceService
from bot.services.coordinator.outcome import OutcomeService
from bot.services.volunteer import journey
from bot.services.volunteer.feedback import FeedbackService
from bot.services.volunteer.reminders import ReminderReplyService
from bot.telegram.send import acknowledge, deliver
from bot.telegram.unit import one_unit
from bot.telegram.volunteer_handlers import person_of
from scheduler.runner import SchedulerRunner

Context = ContextTypes.DEFAULT_TYPE
COORDINATOR_COMMANDS = ("attendance", "outcome", "feedback")
BUTTON_PREFIXES = ("r", "att", "out", "fb")


def register(
    application: Application[Any, Any, Any, Any, Any, Any],
    ctx: AppContext,
    runner: SchedulerRunner,
) -> None:
    buttons: dict[str, Callable[[Person, str], Awaitable[Outcome]]] = {
        "r": ReminderReplyService(ctx).button,
        "att": AttendanceService(ctx).button,
        "out": OutcomeService(ctx).button,
        "fb": FeedbackService(ctx).button,
    }
    commands: dict[str, Callable[[Person, str], Awaitable[Outcome]]] = {
        "attendance": AttendanceService(ctx).command,
        "outcome": OutcomeService(ctx).command,
        "feedback": FeedbackService(ctx).summary,
    }

    async def pressed(update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        await acknowledge(query)
        data = query.data or ""
        person = person_of(update)
        # PTB lets a press with empty data past any pattern, so the prefix may be unknown.
        call = buttons.get(data.partition(":")[0])
        if call is None:
            outcome = journey.stale()
        else:
            outcome = await one_unit(context, lambda: call(person, data))
        message_id = query.message.message_id if query.message else None
        await deliver(update.get_bot(), person.chat_id, outcome, pressed_message_id=message_id)
        # Whatever changed (a place taken, attendance saved, an award) may now be due.
        runner.poke()

    def command(
        call: Callable[[Person, str], Awaitable[Outcome]],
    ) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
        async def handle(update: Update, context: Context) -> None:
            person = person_of(update)
            code = context.args[0] if context.args else ""
            outcome = await one_unit(context, lambda: call(person, code))
            await deliver(update.get_bot(), person.chat_id, outcome)
            runner.poke()

        return handle

    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    for name, call in commands.items():
        application.add_handler(CommandHandler(name, command(call), filters=private))
    pattern = rf"^({'|'.join(BUTTON_PREFIXES)}):"
    application.add_handler(CallbackQueryHandler(pressed, pattern=pattern))
