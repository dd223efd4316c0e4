"""The scheduler's Telegram side: how a tick sends, and starting and stopping it with the bot.

`install` is called from build_application before the volunteer handlers, so the
scheduler's commands and buttons are matched first.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application

from bot.context import AppContext
from bot.replies import Reply
from bot.telegram import scheduler_handlers
from bot.telegram.lifecycle import Lifecycle
from bot.telegram.sender import send_reply
from scheduler.runner import SchedulerRunner
from scheduler.service import Send, SendResult

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def telegram_send(bot: Bot) -> Send:
    async def send(chat_id: int, reply: Reply) -> SendResult:
        try:
            await send_reply(bot, chat_id, reply)
        except Forbidden:
            return "blocked"
        except BadRequest as error:
            if "chat not found" in str(error).lower():
                return "blocked"
            log.error("Telegram refused a scheduled message: %s", error)
            return "failed"
        except (RetryAfter, NetworkError) as error:
            log.warning("a scheduled message will be retried: %s", type(error).__name__)
            return "retry"
        return "sent"

    return send


def runner_of(application: AnyApplication) -> SchedulerRunner:
    runner = application.bot_data["scheduler"]
    assert isinstance(runner, SchedulerRunner)
    return runner


def install(application: AnyApplication, ctx: AppContext, lifecycle: Lifecycle) -> SchedulerRunner:
    runner = SchedulerRunner(ctx, telegram_send(application.bot))
    application.bot_data["scheduler"] = runner
    scheduler_handlers.register(application, ctx, runner)

    async def start(app: AnyApplication) -> None:
        runner.start()

    async def stop(app: AnyApplication) -> None:
        # Before the bot's HTTP client closes, so a tick in progress can finish sending.
        await runner.stop()

    lifecycle.on_start(start)
    lifecycle.on_stop(stop)
    return runner
