"""A quiet chat: a sign-up edits what it can instead of posting fresh copies, and leaves no
old message with live buttons (issue 10, "Quiet chat")."""

from __future__ import annotations

from bot.standin.api import FakeUser
from tests.conftest import World
from tests.journey import sign_up

# Measured before the quiet chat: 30 new messages, no edits, 28 of 30 with live buttons.
MOST_NEW_MESSAGES = 22


def _counts(world: World, user: FakeUser) -> tuple[int, int]:
    sends = [c for c in world.api.calls("sendMessage") if int(c["chat_id"]) == user.id]
    edits = [c for c in world.api.calls("editMessageText")
             + world.api.calls("editMessageReplyMarkup") if int(c["chat_id"]) == user.id]
    return len(sends), len(edits)


def _live_keyboards(world: World, user: FakeUser) -> list[int]:
    return [m.message_id for m in world.api.messages_to(user.id) if m.buttons]


async def test_a_sign_up_posts_few_messages_and_leaves_one_live_keyboard(
    world: World, sam: FakeUser
) -> None:
    await sign_up(world, sam)
    sent, edited = _counts(world, sam)
    live = _live_keyboards(world, sam)
    print(f"sign-up: {sent} new messages, {edited} edits, {len(live)} live keyboards "
          f"of {len(world.api.messages_to(sam.id))} messages")
    assert sent <= MOST_NEW_MESSAGES
    assert live in ([], [world.api.messages_to(sam.id)[-1].message_id])


async def test_dump(world: World, sam: FakeUser) -> None:
    await sign_up(world, sam)
    for m in world.api.messages_to(sam.id):
        print(m.message_id, len(m.edits), bool(m.buttons), repr(m.text[:70]))
