"""Who sent an update, as the use cases know them."""

from __future__ import annotations

from telegram import Update

from bot.context import Person


def person_of(update: Update) -> Person:
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    return Person(user.id, chat.id, user.first_name or "")
