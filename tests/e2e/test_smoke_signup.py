from bot.standin.api import FakeUser
from tests.conftest import EXAMPLE_CODE, World


async def test_deep_link_welcomes_and_asks_consent(world: World, sam: FakeUser) -> None:
    reply = await world.harness.say(sam, f"/start {EXAMPLE_CODE}")
    assert "Ashbridge" in reply.text
    assert "Yes, that's OK" in reply.last.button_texts
