"""No error ends in silence: log it (without personal details) and tell the person."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot.replies import Reply
from bot.telegram.send import log_failure, send
from messages import render

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    # Only the update id and the exception: the update itself holds what a person typed.
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return
    chat_id = update.effective_chat.id
    result = await send(context.bot, chat_id, Reply(render("common/error")))
    log_failure("an error message", chat_id, result)
