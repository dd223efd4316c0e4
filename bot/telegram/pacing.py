"""`PacedRequests`: the bot's other requests in the same count as its broadcasts."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import BaseRateLimiter

from bot.services.delivery.pacer import Pacer

Answer = bool | dict[str, Any] | list[dict[str, Any]]


class PacedRequests(BaseRateLimiter[None]):
    """Every request with a chat_id counts against Telegram's 30 a second per bot, not only a
    broadcast's. So the bot's other requests go through the broadcasts' pacer: while one is
    sending they take their place in it (a reply waits a few hundredths of a second rather
    than drawing a 429), and otherwise they go at once but are counted, so that a broadcast
    starting just after them (as one does after the Send press) leaves room for them.

    No retries here: the callers decide (bot/telegram/send.py)."""

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
        if self.pacer.paced():  # a broadcast's own: it has its place
            try:
                return await callback(*args, **kwargs)
            finally:
                self.pacer.heard()
        if "chat_id" not in data:  # uncounted
            return await callback(*args, **kwargs)
        async with self.pacer.other():
            return await callback(*args, **kwargs)
