"""Run the real `panelbot run` in a child process against the stand-in Bot API, to kill it.

Volunteers here act like people: each looks at the newest message in their chat and answers
it. That keeps them going whatever a crash did: a replayed answer, a lost reply, a repeat.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.standin.api import BotMessage, FakeBotApi, FakeUser
from tests.conftest import COORDINATOR_ID, EXAMPLE_PANEL, TEST_TOKEN

FUTURE_CODE = "ashbridge-day-2027"


def far_future_panel(folder: Path) -> Path:
    """The example panel moved to 2099, so a test using the real clock never sees it close."""
    path = folder / "panel-2099.yaml"
    path.write_text(
        EXAMPLE_PANEL.read_text(encoding="utf-8").replace("2027-", "2099-"), encoding="utf-8"
    )
    return path


def panel_under_way(folder: Path) -> Path:
    """The example panel moved so that its first session starts at 11:00 today, in a timezone
    where it is 09:something now, with one reminder 2 hours before each session: the first
    is due at once, whenever the test runs."""
    now = datetime.now(UTC)
    offset = (9 - now.hour + 12) % 24 - 12  # hours east of UTC, so that it is 09:xx there
    zone = f"Etc/GMT{-offset:+d}" if offset else "Etc/UTC"  # Etc/GMT-9 is 9 hours east
    shift = (now + timedelta(hours=offset)).date() - date(2027, 3, 9)  # the first session

    def moved(match: re.Match[str]) -> str:
        return (date.fromisoformat(match.group(0)) + shift).isoformat()

    text = re.sub(r"\b\d{4}-\d{2}-\d{2}\b", moved, EXAMPLE_PANEL.read_text(encoding="utf-8"))
    text = text.replace("timezone: Europe/London", f"timezone: {zone}")
    text = re.sub(r"^reminders: .*$", "reminders: 2h", text, flags=re.MULTILINE)
    path = folder / "panel-today.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class BotProcess:
    def __init__(self, api: FakeBotApi, database: Path, *, quiet_hours: str | None = None) -> None:
        self.api = api
        self.database = database
        self.quiet_hours = quiet_hours
        self.process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        clean = {
            k: v for k, v in os.environ.items() if not k.startswith(("PANELBOT_", "TELEGRAM_"))
        }
        return {
            **clean,
            "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
            "PANELBOT_API_URL": self.api.base_url,
            "PANELBOT_DATABASE": str(self.database),
            "PANELBOT_COORDINATORS": str(COORDINATOR_ID),
            "PTB_TIMEDELTA": "1",
            **({"PANELBOT_QUIET_HOURS": self.quiet_hours} if self.quiet_hours else {}),
        }

    async def start(self) -> None:
        polls = len(self.api.calls("getUpdates"))
        self.process = subprocess.Popen(  # noqa: ASYNC220 - returns at once; the wait is awaited
            [sys.executable, "-m", "bot.cli", "run"],
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        await self.api.wait_for(
            lambda: len(self.api.calls("getUpdates")) > polls,
            timeout=30,
            what="the bot's first getUpdates",
        )

    def ensure_dead(self) -> None:
        """After a failed test: leave no bot running behind us."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(self.process.wait, 10)

    async def stop(self) -> None:
        """A graceful stop, as an operator's Ctrl-C; it still talks to the stand-in meanwhile."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        await asyncio.to_thread(self.process.wait, 20)


# What a person does on seeing a message: match on its words, then type or press.
Action = tuple[str, str]  # ("say", text) or ("press", button label)
RULES: list[tuple[str, Action]] = [
    ("Is it OK for us to keep what you tell us?", ("press", "Yes, that's OK")),
    ("What name would you like", ("say", "{name}")),
    ("Which of these fits you best?", ("press", "Both")),
    ("another way we can reach you", ("press", "Skip this")),
    ("May we keep a note of the help you need?", ("press", "No, thank you")),
    ("Can you come?", ("press", "Yes")),
    ("Can you do the reading at home", ("press", "Yes")),
    ("Which days of the week suit you best?", ("press", "Done")),
    ("close links with any of these groups?", ("press", "None of these")),
    ("meet the groups who bid and ask them questions", ("press", "No, thank you")),
    ("Would you like to be paid?", ("press", "Not sure yet")),
    ("Here is what you told us", ("press", "Send")),
    ("something went wrong on our side", ("say", "/start")),
    ("You have paused signing up", ("say", "/start")),
    # /start without the link's code (after an error, say) lists the open panels.
    ("Tap one to find out more", ("press", "Ashbridge day services")),
]
FINISHED = "You have signed up for"
# What /start says to someone whose "Send" was saved but whose thank-you a kill cut off.
ALREADY_FINISHED = "You have already signed up for"


@dataclass
class Volunteer:
    user: FakeUser
    done: bool = False
    acknowledged: set[str] = field(default_factory=set)
    awaiting: int | None = None  # the update id of an action the bot has not answered yet
    seen: int = 0  # messages from the bot read so far
    edits_seen: int = 0  # edits to them read so far (a question may be redrawn in place)

    @property
    def name(self) -> str:
        return f"Volunteer {self.user.id}"


def decide(volunteer: Volunteer, newest: BotMessage | None) -> Action | None:
    """The next action, or None when the message only leads in to the next one."""
    if newest is None:
        return ("say", f"/start {FUTURE_CODE}")
    if newest.find_button("Next"):
        return ("press", "Next")
    for words, (kind, what) in RULES:
        if words in newest.text and (kind == "say" or newest.find_button(what)):
            return (kind, what.format(name=volunteer.name))
    return None


def note_acknowledgements(volunteer: Volunteer, reply: BotMessage) -> None:
    """What the bot's reply proves it has saved."""
    if "Which of these fits you best?" in reply.text:
        volunteer.acknowledged.add("name")
    if FINISHED in reply.text or ALREADY_FINISHED in reply.text:
        volunteer.acknowledged.add("applied")
        volunteer.done = True


async def read_new(api: FakeBotApi, volunteer: Volunteer) -> None:
    """Wait for the bot to say something new, and read it."""
    chat = volunteer.user.id
    await api.wait_for(
        lambda: len(api.messages_to(chat)) > volunteer.seen
        or edits_to(api, chat) > volunteer.edits_seen,
        timeout=60,
        what=f"a reply to {volunteer.name}",
    )
    messages = api.messages_to(chat)
    for reply in messages[volunteer.seen :]:
        note_acknowledgements(volunteer, reply)
    volunteer.seen = len(messages)
    volunteer.edits_seen = edits_to(api, chat)
    volunteer.awaiting = None


def edits_to(api: FakeBotApi, chat_id: int) -> int:
    return sum(len(message.edits) for message in api.messages_to(chat_id))


def send(api: FakeBotApi, volunteer: Volunteer, action: Action) -> None:
    kind, what = action
    if kind == "press":
        message = api.messages_to(volunteer.user.id)[-1]
        button = message.find_button(what)
        assert button is not None and button.callback_data
        volunteer.awaiting = api.press(volunteer.user, message.message_id, button.callback_data)
    else:
        volunteer.awaiting = api.send_text(volunteer.user, what)


async def keep_going(api: FakeBotApi, volunteer: Volunteer) -> None:
    while not volunteer.done:
        if volunteer.awaiting is None:
            messages = api.messages_to(volunteer.user.id)
            action = decide(volunteer, messages[-1] if messages else None)
            if action is not None:
                send(api, volunteer, action)
        await read_new(api, volunteer)


async def ask_again_if_forgotten(
    api: FakeBotApi, volunteers: list[Volunteer], handled: Callable[[int], bool]
) -> None:
    """A crash after saving an answer but before (all of) its reply leaves a person waiting.

    The journal says the update was handled, so it won't be replayed: like a person would,
    they send /start to see where they are.
    """
    for volunteer in volunteers:
        if volunteer.done:
            continue
        if volunteer.awaiting is not None and not handled(volunteer.awaiting):
            continue  # the journal (or Telegram) hands it to the new process: a reply will come
        messages = api.messages_to(volunteer.user.id)
        no_reply = (
            volunteer.awaiting is not None
            and len(messages) == volunteer.seen
            and edits_to(api, volunteer.user.id) == volunteer.edits_seen
        )
        only_a_lead_in = bool(messages) and decide(volunteer, messages[-1]) is None
        if no_reply or only_a_lead_in:
            volunteer.awaiting = api.send_text(volunteer.user, "/start")


async def run_until(
    api: FakeBotApi, volunteers: list[Volunteer], stop_when: Callable[[], bool]
) -> None:
    """Let every unfinished volunteer act until stop_when() holds or all are finished."""
    tasks = [asyncio.create_task(keep_going(api, v)) for v in volunteers if not v.done]
    watcher = asyncio.create_task(
        api.wait_for(
            lambda: stop_when() or all(v.done for v in volunteers),
            timeout=120,
            what="the round's end",
        )
    )
    try:
        while not watcher.done():
            await asyncio.wait([watcher, *tasks], return_when=asyncio.FIRST_COMPLETED)
            for task in tasks:
                if task.done() and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
        watcher.result()
    finally:
        for task in [watcher, *tasks]:
            task.cancel()
        await asyncio.gather(watcher, *tasks, return_exceptions=True)
