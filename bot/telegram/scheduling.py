"""The scheduler's Telegram side: how a tick sends, and starting and stopping it with the bot.

`install` is called from build_application before the volunteer handlers, so the
scheduler's commands and buttons are matched first.
"""

from __future__ import annotations

from typing import Any

from telegram import Bot
from telegram.ext import Application

from bot.context import AppContext
from bot.delivery import Result
from bot.replies import Reply
from bot.telegram import scheduler_handlers
from bot.telegram.lifecycle import Lifecycle
from bot.telegram.send import send as send_once
from scheduler.runner import SchedulerRunner
from scheduler.service import Send

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def telegram_send(bot: Bot) -> Send:
    """One try: the scheduler decides what to retry, at its next tick."""

    async def send(chat_id: int, reply: Reply) -> Result:
        return await send_once(bot, chat_id, reply)

    return send


def runner_of(application: AnyApplication) -> SchedulerRunner:
    runner = application.bot_data["scheduler"]
    assert isinstance(runner, SchedulerRunner)
    return runner


def install(application: AnyApplication, ctx: AppContext, lifecycle: Lifecycle) -> SchedulerRunner:
    runner = SchedulerRunner(ctx, telegram_send(application.bot))
    application.bot_data["scheduler"] = runner
    scheduler_handlers.register(application, ctx, runner)

    async def stop(app: AnyApplication) -> None:
        # Before the bot's HTTP client closes, so a tick in progress can finish sending.
        await runner.stop()

    lifecycle.on_stop(stop)
    return runner


def start_ticking(lifecycle: Lifecycle, runner: SchedulerRunner) -> None:
    """Add the scheduler's start to the bot's start-up; add it after the others. Its first
    tick catches up on everything (on a big database it holds the database for a tenth of a
    second or more), so the start-up's own reads go first and people are answered sooner."""

    async def start(app: AnyApplication) -> None:
        runner.start()

    lifecycle.on_start(start)
