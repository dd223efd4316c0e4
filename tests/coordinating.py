"""Helpers for the coordinator tests: made-up sign-ups, a second coordinator, and reading
what the bot sent."""

from __future__ import annotations

from typing import Any

from bot.sandbox import demo
from bot.services.delivery.broadcasts import BroadcastRunner
from bot.standin.api import BotMessage, FakeUser
from bot.store import coordinators
from bot.telegram import coordinator_handlers
from tests.conftest import START, World

SECOND_COORDINATOR = FakeUser(9002, "Tom")


async def seed(world: World, count: int, **kwargs: Any) -> list[int]:
    people = await demo.seed_volunteers(world.db, world.panel_id, count, START, **kwargs)
    world.api.wrote_before(*people)  # made as if they had signed up through the chat
    return people


async def add_coordinator(
    world: World, user: FakeUser = SECOND_COORDINATOR, *, opened_the_bot: bool = True
) -> FakeUser:
    """`panelbot coordinator add`. A real coordinator has usually pressed Start already;
    `opened_the_bot=False` is one who never has (Telegram: chat not found)."""
    if opened_the_bot:
        world.api.wrote_before(user.id)
    async with world.db.transaction() as tx:
        await coordinators.add(tx, user.id, world.clock.now())
    return user


async def rows(world: World, sql: str, *params: object) -> list[tuple[Any, ...]]:
    async with world.db.transaction() as tx:
        cursor = await tx.execute(sql, params)
        return [tuple(row) for row in await cursor.fetchall()]


def texts_to(world: World, chat_id: int) -> list[str]:
    return [m.text for m in world.api.messages_to(chat_id)]


def said_to(world: World, chat_id: int, words: str) -> bool:
    """Whether any message to this chat has these words (the scheduler may send others)."""
    return any(words in m.text for m in world.api.messages_to(chat_id))


def last_to(world: World, chat_id: int) -> BotMessage:
    message = world.api.last_message_to(chat_id)
    assert message is not None, f"nothing was sent to {chat_id}"
    return message


def runner(world: World) -> BroadcastRunner:
    return coordinator_handlers.runner_of(world.harness.app)


async def application_of(world: World, telegram_id: int) -> tuple[int, str]:
    found = await rows(
        world,
        "SELECT a.id, a.status FROM applications a JOIN volunteers v "
        "ON v.id = a.volunteer_id WHERE v.telegram_id = ?",
        telegram_id,
    )
    assert len(found) == 1
    return int(found[0][0]), str(found[0][1])
