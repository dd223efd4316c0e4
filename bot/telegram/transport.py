"""Broadcast delivery's link to Telegram: send and edit, with Telegram's errors turned into
the plain ones bot/services/broadcast_delivery.py understands. No retries here: the
delivery loop decides, so that it can pace and count them. And `PacedRequests`, which puts
the bot's other requests in the same count."""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any, TypeVar

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from bot.replies import Reply
from bot.services.delivery.broadcasts import (
    Blocked,
    NetworkTrouble,
    Pacer,
    RetryLater,
    Undeliverable,
)
from bot.telegram.sender import NO_PREVIEW, keyboard

T = TypeVar("T")


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB warns that retry_after becomes a timedelta; we take either.
        warnings.simplefilter("ignore")
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


async def _mapped(call: Callable[[], Awaitable[T]]) -> T:
    try:
        return await call()
    except RetryAfter as error:
        raise RetryLater(_seconds(error)) from None
    except Forbidden:
        raise Blocked() from None
    except BadRequest as error:
        raise Undeliverable(str(error)) from None
    except NetworkError as error:  # also timeouts and 5xx answers
        raise NetworkTrouble(type(error).__name__) from None
    except TelegramError as error:
        raise Undeliverable(str(error)) from None


class BotTransport:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, reply: Reply) -> int:
        sent = await _mapped(
            lambda: self.bot.send_message(
                chat_id,
                reply.text,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_markup=keyboard(reply.buttons),
            )
        )
        return sent.message_id

    async def edit(self, chat_id: int, message_id: int, reply: Reply) -> None:
        try:
            await _mapped(
                lambda: self.bot.edit_message_text(
                    reply.text,
                    chat_id=chat_id,
                    message_id=message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(reply.buttons),
                    link_preview_options=NO_PREVIEW,
                )
            )
        except Undeliverable as error:
            if "not modified" not in str(error).lower():
                raise


Answer = bool | dict[str, Any] | list[dict[str, Any]]


class PacedRequests(BaseRateLimiter[None]):
    """Every request with a chat_id counts against Telegram's 30 a second per bot, not only a
    broadcast's. So the bot's other requests go through the broadcasts' pacer: while one is
    sending they take their place in it (a reply waits a few hundredths of a second rather
    than drawing a 429), and otherwise they go at once but are counted, so that a broadcast
    starting just after them (as one does after the Send press) leaves room for them.

    No retries here: the callers have their own (bot/telegram/retry.py)."""

    def __init__(self, pacer: Pacer | None = None) -> None:
        self.pacer = pacer or Pacer()

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Answer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Answer:
        if "chat_id" not in data or self.pacer.paced():  # uncounted, or a broadcast's own
            return await callback(*args, **kwargs)
        async with self.pacer.other():
            return await callback(*args, **kwargs)
