"""The journal of incoming updates: an update Telegram sends again is handled once."""

from __future__ import annotations

from bot.standin.api import FakeUser
from bot.telegram.journal import JournalingQueue
from tests.conftest import World


async def test_an_update_telegram_sends_again_is_answered_once(world: World, sam: FakeUser) -> None:
    update_id = world.api.send_text(sam, "/help")
    sent_by_telegram = dict(world.api.pending_updates[-1])
    await world.harness.wait_processed(update_id)
    answers = len(world.api.messages_to(sam.id))

    # As after a crash before Telegram was told we had it: the same update comes again.
    world.api.pending_updates.append(sent_by_telegram)
    later = await world.harness.say(sam, "/privacy")

    assert len(later.messages) == 1 and "How we look after what you tell us" in later.text
    assert len(world.api.messages_to(sam.id)) == answers + 1  # no second answer to /help
    queue = world.harness.app.update_queue
    assert isinstance(queue, JournalingQueue)
    assert queue.pending == 0  # what was handled is forgotten: a long run does not grow
