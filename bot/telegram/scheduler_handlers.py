"""Coordinators' /attendance, /outcome and /feedback, and the buttons on scheduled messages.

Registered before the volunteer handlers: their last button handler takes every press no
other handler matched, and their unknown-command handler every other command.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot import callbacks
from bot.context import AppContext, Person
from bot.replies import Outcome
from bot.services.coordinator.attendance import AttendancePress, AttendanceService
from bot.services.coordinator.outcome import OutcomePress, OutcomeService
from bot.services.volunteer.feedback import FeedbackService
from bot.services.volunteer.reminders import ReminderReplyService
from bot.services.volunteer.service import VolunteerService
from bot.telegram.people import person_of
from bot.telegram.presses import on_press
from bot.telegram.send import deliver
from bot.telegram.unit import one_unit
from scheduler.details import reminder_details
from scheduler.runner import SchedulerRunner

Context = ContextTypes.DEFAULT_TYPE
COORDINATOR_COMMANDS = ("attendance", "outcome", "feedback")
Reminder = callbacks.ReminderAnswer | callbacks.OfferAnswer
Attendance = AttendancePress
Award = OutcomePress
Feedback = callbacks.FeedbackStep | callbacks.FeedbackAnswer | callbacks.FeedbackFuture


def register(
    application: Application[Any, Any, Any, Any, Any, Any],
    ctx: AppContext,
    runner: SchedulerRunner,
) -> None:
    commands: dict[str, Callable[[Person, str], Awaitable[Outcome]]] = {
        "attendance": AttendanceService(ctx).command,
        "outcome": OutcomeService(ctx).command,
        "feedback": FeedbackService(ctx).summary,
    }

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
    _register_buttons(application, ctx, runner)


def _register_buttons(
    application: Application[Any, Any, Any, Any, Any, Any],
    ctx: AppContext,
    runner: SchedulerRunner,
) -> None:
    reminders, feedback = ReminderReplyService(ctx), FeedbackService(ctx)
    attendance, outcome = AttendanceService(ctx), OutcomeService(ctx)

    # These use cases do not need the pressed message's id.
    async def reminder(person: Person, pressed: Reminder, _: int | None) -> Outcome:
        return await reminders.button(person, pressed)

    async def marked(person: Person, pressed: Attendance, _: int | None) -> Outcome | None:
        return await attendance.button(person, pressed)

    async def awarded(person: Person, pressed: Award, _: int | None) -> Outcome | None:
        return await outcome.button(person, pressed)

    async def answered(person: Person, pressed: Feedback, _: int | None) -> Outcome:
        return await feedback.button(person, pressed)

    async def summed(
        person: Person, pressed: callbacks.FeedbackPanel, _: int | None
    ) -> Outcome | None:
        return await feedback.summary_of(person, pressed)

    async def more(
        person: Person, pressed: callbacks.ReminderDetails, _: int | None
    ) -> Outcome | None:
        return await reminder_details(ctx, person, pressed)

    old = VolunteerService(ctx).old_button
    # Whatever a press changed (a place taken, attendance saved, an award) may now be due.
    poke = runner.poke
    on_press(application, callbacks.ReminderAnswer, reminder, old, after=poke)
    on_press(application, callbacks.OfferAnswer, reminder, old, after=poke)
    on_press(application, callbacks.ReminderDetails, more, old)
    on_press(application, callbacks.AttendancePanel, marked, old, after=poke)
    on_press(application, callbacks.AttendanceSession, marked, old, after=poke)
    on_press(application, callbacks.AttendanceTick, marked, old, after=poke)
    on_press(application, callbacks.OutcomeStep, awarded, old, after=poke)
    on_press(application, callbacks.AwardBidder, awarded, old, after=poke)
    on_press(application, callbacks.AwardOther, awarded, old, after=poke)
    on_press(application, callbacks.FeedbackStep, answered, old, after=poke)
    on_press(application, callbacks.FeedbackAnswer, answered, old, after=poke)
    on_press(application, callbacks.FeedbackFuture, answered, old, after=poke)
    on_press(application, callbacks.FeedbackPanel, summed, old)
