"""Turn a use case's Outcome into Telegram calls."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.replies import Keyboard, Outcome, Reply
from bot.telegram.retry import with_retries

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def keyboard(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons]
    )


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split at line breaks. Templates never open a tag across lines, so each part is valid."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts


async def send_reply(
    bot: Bot, chat_id: int, reply: Reply, *, edit_message_id: int | None = None
) -> int | None:
    """Send one reply; return the message id of what was sent or edited."""
    markup = keyboard(reply.buttons)
    if reply.edit and edit_message_id is not None:
        try:
            await with_retries(
                lambda: bot.edit_message_text(
                    reply.text,
                    chat_id=chat_id,
                    message_id=edit_message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    link_preview_options=NO_PREVIEW,
                )
            )
            return edit_message_id
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return edit_message_id
            log.warning("could not edit a message, sending a new one: %s", error)
    if reply.document is not None:
        document = reply.document
        sent = await with_retries(
            lambda: bot.send_document(
                chat_id,
                InputFile(document.content, filename=document.filename),
                caption=reply.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        )
        return sent.message_id
    parts = split_text(reply.text)
    message_id = None
    for number, part in enumerate(parts, start=1):
        keys = markup if number == len(parts) else None
        message_id = await _send_text(bot, chat_id, part, keys)
    return message_id


async def _send_text(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> int:
    sent = await with_retries(
        lambda: bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=markup,
        )
    )
    return sent.message_id


async def acknowledge(query: CallbackQuery) -> None:
    """Stop the pressed button's spinner. If Telegram refuses (a press handled again after a
    crash is too old to answer) or the network fails, the press still counts: the spinner
    only turns a little longer."""
    try:
        await query.answer()
    except TelegramError as error:
        log.info("could not answer a button press: %s", error)


async def deliver(
    bot: Bot, chat_id: int, outcome: Outcome, *, pressed_message_id: int | None = None
) -> None:
    """Answer the person who acted, then tell anyone else who needs to know."""
    for reply in outcome.replies:
        await send_reply(bot, chat_id, reply, edit_message_id=pressed_message_id)
    for notice in outcome.notices:
        try:
            await send_reply(bot, notice.chat_id, notice.reply)
        except Forbidden:
            log.warning("a notice could not reach chat %s: the bot is blocked", notice.chat_id)
