"""The coordinator's side of the chat, their command menu, background broadcasts, and the
periodic check for news and for session changes from a re-imported panel file.

`install` runs before the volunteer handlers: PTB takes the first matching handler in a
group, and the volunteer handlers take every command and every button. A person who is not
a coordinator gets exactly the volunteer's answer (unknown command, stale button).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, get_args

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot import callbacks
from bot.context import AppContext, Person
from bot.replies import Notice, Outcome
from bot.services.coordinator import COMMANDS, CoordinatorService, session_changes
from bot.services.delivery import news
from bot.services.delivery.broadcasts import BroadcastRunner
from bot.services.volunteer.service import VolunteerService
from bot.store.rights import coordinator_ids
from bot.telegram import router, scheduler_handlers
from bot.telegram.lifecycle import Lifecycle
from bot.telegram.pacing import PacedRequests
from bot.telegram.people import person_of
from bot.telegram.presses import on_press
from bot.telegram.send import BotTransport, deliver, result_of
from bot.telegram.unit import one_unit
from messages import label

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Context = ContextTypes.DEFAULT_TYPE
CHECK_EVERY_SECONDS = 60


def coordinator_commands() -> list[BotCommand]:
    ours = [BotCommand(name, label(f"coord_command.{name}")) for name in COMMANDS]
    return ours + [
        BotCommand(name, label(f"command.{name}"))
        for name in scheduler_handlers.COORDINATOR_COMMANDS
    ]


def runner_of(application: AnyApplication) -> BroadcastRunner:
    runner = application.bot_data["broadcasts"]
    assert isinstance(runner, BroadcastRunner)
    return runner


async def send_notices(application: AnyApplication, notices: list[Notice]) -> None:
    if notices:
        await deliver(application.bot, 0, Outcome(notices=notices))


async def check_news(application: AnyApplication) -> None:
    """Send news that has waited long enough, and show coordinators file changes."""
    ctx: AppContext = application.bot_data["ctx"]
    async with ctx.db.transaction() as tx:
        now = ctx.clock.now()
        notices = await news.flush(tx, ctx.settings, now)
        notices += await session_changes.announce_pending(tx, ctx.settings, now)
    await send_notices(application, notices)
    await runner_of(application).resume()  # broadcasts quiet hours held until now


async def set_menus(application: AnyApplication) -> None:
    """Each coordinator's own command menu. Those added with `panelbot coordinator add`
    get theirs at the bot's next start (their rights apply at once)."""
    ctx: AppContext = application.bot_data["ctx"]
    async with ctx.db.transaction() as tx:
        chats = await coordinator_ids(tx, ctx.settings)
    menu = coordinator_commands()
    for chat_id in chats:
        try:
            await application.bot.set_my_commands(menu, scope=BotCommandScopeChat(chat_id))
        except TelegramError as error:
            # Usually a coordinator who has not opened a chat with the bot yet.
            log.warning("no command menu for coordinator %s: %s", chat_id, result_of(error).kind)


def install(
    application: AnyApplication, ctx: AppContext, volunteer: VolunteerService, lifecycle: Lifecycle
) -> None:
    # The same pacer as the bot's other requests, when the Application was built with it.
    limiter = application.bot.rate_limiter
    pacer = limiter.pacer if isinstance(limiter, PacedRequests) else None
    runner = BroadcastRunner(ctx, BotTransport(application.bot), pacer)
    service = CoordinatorService(ctx, start_broadcast=runner.start)
    application.bot_data["broadcasts"] = runner
    _register(application, service, volunteer, ctx)
    if application.job_queue is not None:

        async def periodic(context: Context) -> None:
            await check_news(application)

        application.job_queue.run_repeating(
            periodic, interval=CHECK_EVERY_SECONDS, first=CHECK_EVERY_SECONDS
        )

    async def start(app: AnyApplication) -> None:
        await set_menus(app)
        await runner.resume()
        await check_news(app)

    async def stop(app: AnyApplication) -> None:
        # Before the HTTP client closes; the ledger lets the next start carry on.
        await runner.stop()

    lifecycle.on_start(start)
    lifecycle.on_stop(stop)


def _register(
    application: AnyApplication,
    service: CoordinatorService,
    volunteer: VolunteerService,
    ctx: AppContext,
) -> None:
    shared: dict[str, Callable[[Person], Awaitable[Outcome]]] = {
        "needs": volunteer.needs,
        "availability": volunteer.availability,
        "help": volunteer.help,
        "cancel": volunteer.cancel,
    }

    def command(name: str) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
        otherwise = shared.get(name, volunteer.unknown_command)

        async def handle(update: Update, context: Context) -> None:
            person = person_of(update)
            args = context.args or []

            async def work() -> Outcome:
                outcome = await service.command(person, name, args)
                return await otherwise(person) if outcome is None else outcome

            outcome = await one_unit(context, work)
            await deliver(update.get_bot(), person.chat_id, outcome)

        return handle

    async def pressed(
        person: Person, pressed: callbacks.CoordinatorPress, message_id: int | None
    ) -> Outcome | None:
        return await service.button(person, pressed, message_id)

    async def reconfirmed(
        person: Person, pressed: callbacks.Reconfirm, message_id: int | None
    ) -> Outcome:
        return await session_changes.reconfirm(ctx, person, pressed)

    new_messages = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    for name in COMMANDS:
        application.add_handler(CommandHandler(name, command(name), filters=new_messages))

    # Not a coordinator: `pressed` returns None, and they get the answer to any old button.
    def poke_scheduler() -> None:
        # "Send these now": the scheduler sends held decisions, so it runs at once.
        runner = application.bot_data.get("scheduler")
        if runner is not None:
            runner.poke()

    for kind in get_args(callbacks.CoordinatorPress):
        after = poke_scheduler if kind is callbacks.SendDecisions else None
        on_press(application, kind, pressed, volunteer.old_button, after=after)
    on_press(application, callbacks.Reconfirm, reconfirmed, volunteer.old_button, edit=False)
    router.register(application, [service.text], volunteer.text)
