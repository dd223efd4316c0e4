"""One update, one unit of work.

A handler runs every use case an update needs (a coordinator check, then the volunteer's
answer) inside one transaction, opened here. Use cases open their own transactions as usual;
inside this one they join it (bot.store.db.Database.transaction). So the update is marked
done in the same commit as everything it caused, and a crash anywhere before that commit
leaves it to be handled again at start-up, whole. The reply is sent after the commit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.ext import ContextTypes

from bot.context import AppContext

T = TypeVar("T")


def app_context(context: ContextTypes.DEFAULT_TYPE) -> AppContext:
    ctx = context.bot_data["ctx"]
    assert isinstance(ctx, AppContext)
    return ctx


async def one_unit(context: ContextTypes.DEFAULT_TYPE, work: Callable[[], Awaitable[T]]) -> T:
    # One update's statements are small and indexed: on the loop's thread (bot.store.tx).
    async with app_context(context).db.transaction(inline=True):
        return await work()
