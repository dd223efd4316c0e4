"""Build the python-telegram-bot Application: handlers, command menus, error handling."""

from __future__ import annotations

from telegram import BotCommand
from telegram.ext import Application, ApplicationBuilder

from bot.context import AppContext
from bot.delivery import Kind
from bot.services.volunteer.service import VolunteerService
from bot.store import coordinator_reach
from bot.telegram import coordinator_handlers, journal, scheduling, send, volunteer_handlers
from bot.telegram.errors import on_error
from bot.telegram.journal import Patience
from bot.telegram.lifecycle import AnyApplication, Lifecycle
from bot.telegram.ordering import InOrderPerPerson
from bot.telegram.pacing import PacedRequests
from bot.telegram.watchdog import PollingWatch, WatchedPolls
from messages import label


def volunteer_commands() -> list[BotCommand]:
    return [
        BotCommand(name, label(f"command.{name}")) for name in volunteer_handlers.VOLUNTEER_COMMANDS
    ]


def build_application(
    ctx: AppContext, *, token: str, patience: Patience | None = None
) -> Application:  # type: ignore[type-arg]
    async def replay_and_set_menu(application: AnyApplication) -> None:
        await updates.replay_unfinished(application.bot)
        await application.bot.set_my_commands(volunteer_commands())

    lifecycle = Lifecycle()
    lifecycle.on_start(replay_and_set_menu)
    updates = journal.JournalingQueue(ctx.db, ctx.clock, patience)
    polls = WatchedPolls(updates.record_batch)
    base_url = ctx.settings.api_url
    builder: ApplicationBuilder = (  # type: ignore[type-arg]
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(
            base_url.replace("/bot", "/file/bot", 1) if base_url.endswith("/bot") else base_url
        )
        .update_queue(updates)
        .get_updates_request(polls)
        # Counts every request with a chat_id against Telegram's 30 a second, with broadcasts.
        .rate_limiter(PacedRequests())
        # Different people side by side; each person's updates one at a time, in order.
        .concurrent_updates(InOrderPerPerson())
    )
    application = builder.build()
    polls.polling = lambda: application.updater is not None and application.updater.running
    application.bot_data["ctx"] = ctx
    application.bot_data["watch"] = PollingWatch(polls, updates)

    async def note_not_reached(chat_id: int, kind: Kind) -> None:
        async with ctx.db.transaction() as tx:
            await coordinator_reach.missed_if_coordinator(
                tx, ctx.settings, chat_id, kind.value, ctx.clock.now()
            )

    send.when_not_reached(application.bot, note_not_reached)
    journal.install(application, ctx.db, updates)
    # Before the volunteer handlers, which take every button and every other command.
    scheduler = scheduling.install(application, ctx, lifecycle)
    volunteers = VolunteerService(ctx)
    coordinator_handlers.install(application, ctx, volunteers, lifecycle)
    scheduling.start_ticking(lifecycle, scheduler)
    volunteer_handlers.register(application, volunteers)
    application.add_error_handler(on_error)
    lifecycle.attach(application)
    return application
