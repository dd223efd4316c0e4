"""No error ends in silence: log it (without personal details) and tell the person."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot.context import AppContext
from bot.replies import Reply
from bot.services.volunteer import team
from bot.telegram.send import log_failure, send
from messages import render

log = logging.getLogger(__name__)


async def _team_of(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> dict[str, Any] | None:
    """Who to contact, if the database can still say: the error may be the database's own."""
    ctx = context.application.bot_data.get("ctx")
    if not isinstance(ctx, AppContext):
        return None
    try:
        async with ctx.db.transaction() as tx:
            return (await team.for_person(ctx, tx, user_id)).view()
    except Exception:
        log.warning("could not look up the team's contact for an error message", exc_info=True)
        return None


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    # Only the update id and the exception: the update itself holds what a person typed.
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return
    chat_id = update.effective_chat.id
    user_id = update.effective_user.id if update.effective_user else chat_id
    the_team = await _team_of(context, user_id)
    result = await send(context.bot, chat_id, Reply(render("common/error", team=the_team)))
    log_failure("an error message", chat_id, result)
