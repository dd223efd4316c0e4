"""`panelbot sandbox`: chat with the real bot in the terminal, with no token and no network.

The real Application runs against the in-process stand-in Bot API. Buttons are shown as
numbered choices; type the number to press one. Lines starting with "!" steer the sandbox
(see SANDBOX_HELP). When standard input is not a terminal, each line read is echoed, so a
scripted walk-through prints the whole conversation.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.clock import FakeClock, SystemClock
from bot.config import Settings
from bot.context import AppContext
from bot.examples import example_panel, today_in_zone
from bot.panelfile import PanelFileError
from bot.sandbox import demo
from bot.services.coordinator import panel_admin
from bot.standin.api import BotMessage, FakeBotApi, FakeUser
from bot.standin.harness import BotHarness, Reply
from bot.store.db import Database
from bot.telegram import coordinator_handlers, scheduling
from bot.telegram.app import build_application

SANDBOX_TOKEN = "123:sandbox-token-not-a-real-one"
VOLUNTEER = FakeUser(1001, "Sam")
COORDINATOR = FakeUser(9001, "Priya")
SANDBOX_HELP = """Sandbox commands:
  a number      press that button on the newest message that has buttons
  !sticker      send a sticker        !photo   send a photo
  !edit TEXT    edit your last message
  !restart      stop and start the bot again (your place is kept)
  !clock +2d    move the sandbox clock forward (d, h or m)
  !as coordinator / !as volunteer   switch who you are
  !seed 12      add 12 made-up sign-ups, so a coordinator has a roster
  !quit         leave the sandbox"""


class SandboxChat:
    def __init__(
        self,
        settings: Settings,
        role: str,
        panel_file: Path,
        database: Path,
        out: TextIO,
        *,
        start: datetime | None = None,
    ) -> None:
        self.settings = settings
        self.panel_file = panel_file
        self.database = database
        self.out = out
        self.user = COORDINATOR if role == "coordinator" else VOLUNTEER
        self.api = FakeBotApi()
        self.clock = FakeClock(start or SystemClock().now())
        self.db: Database | None = None
        self.harness: BotHarness | None = None
        self.last_user_message_id: int | None = None
        self._shown_until = 0  # api.events looked at by !clock
        self._shown: set[tuple[int, int]] = set()  # (chat, message) printed
        self.panel_id = 0

    async def open(self) -> str:
        await self.api.start()
        # The sandbox's two people have both opened the bot, as real ones would have.
        self.api.wrote_before(COORDINATOR.id, VOLUNTEER.id)
        self.settings = dataclasses.replace(
            self.settings,
            api_url=self.api.base_url,
            database=self.database,
            coordinators=self.settings.coordinators | {COORDINATOR.id},
            bot_username=self.api.bot_username,
        )
        self.db = await Database.open(self.database)
        ctx = AppContext(self.db, self.settings, self.clock)
        imported = await panel_admin.import_file(self.panel_file, ctx)
        self.panel_id = imported.panel_id
        await self._start_bot()
        return imported.spec.code

    async def _start_bot(self) -> None:
        assert self.db is not None
        ctx = AppContext(self.db, self.settings, self.clock)
        self.harness = BotHarness(self.api, build_application(ctx, token=SANDBOX_TOKEN))
        await self.harness.start()

    async def close(self) -> None:
        if self.harness is not None:
            await self.harness.stop()
        if self.db is not None:
            await self.db.close()
        await self.api.stop()

    def _newest_buttons(self) -> BotMessage | None:
        for message in reversed(self.api.messages_to(self.user.id)):
            if message.buttons:
                return message
        return None

    async def handle(self, line: str) -> bool:
        """Act on one line the person typed; False means leave."""
        assert self.harness is not None
        line = line.rstrip("\n")
        command, _, rest = line.partition(" ")
        if command == "!quit":
            return False
        if command == "!help":
            self._print(SANDBOX_HELP)
            return True
        if command == "!as" and rest in ("coordinator", "volunteer"):
            self.user = COORDINATOR if rest == "coordinator" else VOLUNTEER
            self._print(f"(you are now the {rest}, {self.user.first_name})")
            return True
        if command == "!restart":
            await self.harness.stop()
            await self._start_bot()
            self._print("(the bot restarted)")
            return True
        if command == "!seed":
            return await self._seed(rest)
        if command == "!clock":
            return await self._move_clock(rest)
        if command == "!sticker":
            self._show(await self.harness.sticker(self.user))
            return True
        if command == "!photo":
            self._show(await self.harness.photo(self.user))
            return True
        if command == "!edit" and self.last_user_message_id is not None:
            self._show(await self.harness.edit(self.user, self.last_user_message_id, rest))
            return True
        pressable = self._newest_buttons()
        flat = [b for row in pressable.buttons for b in row] if pressable else []
        if line.strip().isdigit() and pressable and 1 <= int(line) <= len(flat):
            chosen = flat[int(line) - 1]
            self._print(f"(you pressed: {chosen.text})")
            self._show(
                await self.harness.press(
                    self.user, pressable.message_id, chosen.callback_data or ""
                )
            )
            await self._show_broadcasts()
            return True
        if not line.strip():
            return True
        reply = await self.harness.say(self.user, line)
        self.last_user_message_id = self._user_message_id(reply)
        self._show(reply)
        return True

    async def _show_broadcasts(self) -> None:
        """A broadcast sends in the background: wait for it, and show its final report."""
        assert self.harness is not None
        start = len(self.api.events)
        await coordinator_handlers.runner_of(self.harness.app).join()
        for kind, message in self.api.events[start:]:
            if kind == "sent" and message.chat_id == self.user.id:
                self._print_message(message)

    async def _seed(self, amount: str) -> bool:
        if not amount.strip().isdigit() or not 1 <= int(amount) <= 500:
            self._print("(try !seed 12: between 1 and 500 made-up sign-ups)")
            return True
        assert self.db is not None
        people = await demo.seed_volunteers(self.db, self.panel_id, int(amount), self.clock.now())
        self.api.wrote_before(*people)  # made-up sign-ups, made as if through the chat
        self._print(f"(added {int(amount)} made-up sign-ups; as the coordinator, try /roster)")
        return True

    def _user_message_id(self, reply: Reply) -> int | None:
        first = reply.messages[0].message_id if reply.messages else None
        return None if first is None else first - 1

    async def _move_clock(self, amount: str) -> bool:
        units = {"d": "days", "h": "hours", "m": "minutes"}
        amount = amount.strip().lstrip("+")
        if not amount[:-1].isdigit() or amount[-1:] not in units:
            self._print("(try !clock +2d, +3h or +30m)")
            return True
        self.clock.advance(timedelta(**{units[amount[-1]]: int(amount[:-1])}))
        self._print(f"(the sandbox clock now says {self.clock.now():%A %d %B %Y %H:%M} UTC)")
        await self._run_scheduler()
        return True

    async def _run_scheduler(self) -> None:
        """Let the scheduler catch up with the new time, and show what it sent to whom."""
        assert self.harness is not None
        runner = scheduling.runner_of(self.harness.app)
        await runner.idle()
        start = len(self.api.events)
        await runner.tick_now()
        # Also what went to the other person meanwhile (after a button press, say).
        earlier = [
            message
            for kind, message in self.api.events[self._shown_until : start]
            if kind == "sent" and (message.chat_id, message.message_id) not in self._shown
        ]
        ticked = [message for kind, message in self.api.events[start:] if kind == "sent"]
        self._shown_until = len(self.api.events)
        names = {VOLUNTEER.id: VOLUNTEER.first_name, COORDINATOR.id: COORDINATOR.first_name}
        for message in [*earlier, *ticked]:
            self._print(f"\n(to {names.get(message.chat_id, message.chat_id)})")
            self._print_message(message)

    def _show(self, reply: Reply) -> None:
        for message in reply.edited:
            self._print_edit(message)
        for message in reply.messages:
            self._print_message(message)

    def _print_edit(self, message: BotMessage) -> None:
        """An answered question shows only what was added to it; one that lost its buttons
        and nothing else is already on screen."""
        before = message.edits[-1] if message.edits else None
        if message.buttons or before is None or not message.text.startswith(before):
            if message.buttons or before is not None:
                self._print_message(message)
            return
        added = message.text[len(before) :].strip()
        if added:
            self._print(f"     {added}")

    def _print_message(self, message: BotMessage) -> None:
        self._shown.add((message.chat_id, message.message_id))
        self._print(f"\nbot: {message.text}")
        if message.document is not None:
            self._print(f"     [file: {message.document[0]}]")
        number = 0
        for row in message.buttons:
            for button in row:
                number += 1
                self._print(f"     [{number}] {button.text}")

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


async def run_sandbox(
    settings: Settings,
    *,
    role: str,
    panel_file: Path | None,
    database: Path | None,
    start: datetime | None = None,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
) -> int:
    """Chat until !quit or the end of stdin. With no panel file, the example panel is dated
    from the day the sandbox clock starts, so its sign-up is open whenever this runs."""
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    start = start or SystemClock().now()
    with tempfile.TemporaryDirectory(prefix="panelbot-sandbox-") as folder:
        if panel_file is None:
            panel_file = Path(folder) / "example-panel.yaml"
            panel_file.write_text(example_panel(today_in_zone(start)), encoding="utf-8")
        database = database or Path(folder) / "sandbox.db"
        chat = SandboxChat(settings, role, panel_file, database, out, start=start)
        try:
            code = await chat.open()
        except PanelFileError as error:
            print(error, file=sys.stderr)
            await chat.close()
            return 1
        interactive = stdin.isatty()
        print(
            f"panelbot sandbox: you are {chat.user.first_name}, a {role}. "
            f"Type to chat; a number presses a button; !help for more; !quit to leave.",
            file=out,
        )
        try:
            if role == "volunteer":
                print(f"(you opened the sign-up link for panel {code})", file=out)
                chat._show(await chat.harness.say(chat.user, f"/start {code}"))  # type: ignore[union-attr]
            while True:
                if interactive:
                    line = await asyncio.to_thread(input, "\nyou: ")
                else:
                    line = await asyncio.to_thread(stdin.readline)
                    if not line:
                        break
                    print(f"\nyou: {line.rstrip()}", file=out)
                if not await chat.handle(line):
                    break
        except (EOFError, KeyboardInterrupt):
            pass
        finally:
            await chat.close()
    return 0
