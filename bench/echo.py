"""A minimal echo bot: the baseline that benchmarks compare the real bot against.

/start answers with an inline keyboard; pressing a button edits that message to show the
choice; any other text is echoed back (HTML-escaped, so user input can never break parsing).
"""

from __future__ import annotations

import html
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

ECHO_TOKEN = "123456:SANDBOX-ECHO"

KEYBOARD = InlineKeyboardMarkup(
    [[InlineKeyboardButton("Yes", callback_data="choice:yes"),
      InlineKeyboardButton("No", callback_data="choice:no")]]
)  # fmt: skip


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    payload = " ".join(context.args or [])
    text = "<b>Hello!</b> Send me anything and I will echo it. Shall we start?"
    if payload:
        text += f"\nStart code: <code>{html.escape(payload)}</code>"
    await update.effective_message.reply_text(
        text, parse_mode=ParseMode.HTML, reply_markup=KEYBOARD
    )


async def choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    choice = (query.data or "").removeprefix("choice:")
    await query.answer(f"You chose {choice}")
    await query.edit_message_text(
        f"You chose <b>{html.escape(choice)}</b>.", parse_mode=ParseMode.HTML
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    await message.reply_text(html.escape(message.text), parse_mode=ParseMode.HTML)


def build_echo_application(
    base_url: str, token: str = ECHO_TOKEN
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Build (not start) the echo bot against a Bot API at ``base_url`` (".../bot")."""
    base_file_url = base_url[: -len("/bot")] + "/file/bot" if base_url.endswith("/bot") else None
    builder = ApplicationBuilder().token(token).base_url(base_url)
    if base_file_url is not None:
        builder = builder.base_file_url(base_file_url)
    application = builder.build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(choice, pattern=r"^choice:"))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return application
