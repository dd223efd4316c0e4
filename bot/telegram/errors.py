"""No error ends in silence: log it (without personal details) and tell the person."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, NetworkError
from telegram.ext import ContextTypes

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
    try:
        await context.bot.send_message(update.effective_chat.id, render("common/error"),
                                       parse_mode=ParseMode.HTML)
    except NetworkError:
        log.warning("could not tell chat about an error for update %s", update_id)
