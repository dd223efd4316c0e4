"""A minimal echo bot: the baseline that benchmarks compare the real bot against.

/start answers with an inline keyboard; pressing a button edits that message to show the
choice; any other text is echoed back (HTML-escaped, so user input can never break parsing).

Run on its own against a Bot API (the stand-in's URL, ending in "/bot"), as the fair
throughput benchmark does:

    python -m bench.echo --api-url http://127.0.0.1:PORT/bot --token 1:T [--concurrent 8]

It polls as `Application.run_polling` does and stops on SIGTERM or Ctrl-C. Without
--concurrent it handles one update at a time (python-telegram-bot's default).
"""

from __future__ import annotations

import argparse
import html
import os
from collections.abc import Sequence
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
    base_url: str, token: str = ECHO_TOKEN, *, concurrent: int | None = None
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Build (not start) the echo bot against a Bot API at ``base_url`` (".../bot"); with
    ``concurrent``, up to that many updates are handled at once."""
    base_file_url = base_url[: -len("/bot")] + "/file/bot" if base_url.endswith("/bot") else None
    builder = ApplicationBuilder().token(token).base_url(base_url)
    if base_file_url is not None:
        builder = builder.base_file_url(base_file_url)
    if concurrent is not None:
        builder = builder.concurrent_updates(concurrent)
    application = builder.build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(choice, pattern=r"^choice:"))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return application


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.echo", description=__doc__)
    parser.add_argument("--api-url", required=True, help='the Bot API, ending in "/bot"')
    parser.add_argument(
        "--token", default=os.environ.get("TELEGRAM_BOT_TOKEN", ECHO_TOKEN), help="bot token"
    )
    parser.add_argument(
        "--concurrent", type=int, default=None, metavar="N", help="handle N updates at once"
    )
    args = parser.parse_args(argv)
    if args.concurrent is not None and args.concurrent < 1:
        parser.error("--concurrent must be at least 1")
    application = build_echo_application(args.api_url, args.token, concurrent=args.concurrent)
    # PTB's defaults, as `panelbot run` polls: no pause between polls, a 10 s long poll.
    application.run_polling(drop_pending_updates=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
