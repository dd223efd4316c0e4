"""One bot per database: a second `panelbot run` on the same file refuses, in one line.

Two bots on one file both poll and both run the scheduler; people get their messages twice.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.standin.api import FakeBotApi, FakeUser
from tests.faults.helpers import BotProcess

SAM = FakeUser(1001, "Sam")


async def second_run(bot: BotProcess) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", env=bot.env(),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(15):
        out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, (out + err).decode()


async def test_a_second_bot_on_the_same_database_refuses(api: FakeBotApi, tmp_path: Path) -> None:
    database = tmp_path / "panelbot.sqlite3"
    first, again = BotProcess(api, database), BotProcess(api, database)
    await first.start()
    try:
        code, output = await second_run(BotProcess(api, database))
        assert code != 0
        assert output.strip().splitlines() == [
            f"panelbot: PANELBOT_DATABASE: another panelbot is already running on {database}"
        ]

        api.send_text(SAM, "/help")  # the first bot still answers, once
        await api.wait_for(lambda: len(api.messages_to(SAM.id)) >= 1, timeout=20, what="help")
        await first.stop()
        assert len(api.messages_to(SAM.id)) == 1

        # However the first one ended (kill -9 too), the kernel let go of its lock.
        await again.start()
        await again.kill()
        await again.start()
    finally:
        first.ensure_dead()
        again.ensure_dead()
