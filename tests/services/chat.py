"""Talking to the use cases as a person would: read the buttons a reply shows, press one by
its label, type, and keep the newest answer. No chat app and no HTTP in between."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot import callbacks, delivery
from bot.callbacks import CoordinatorPress
from bot.context import Person
from bot.replies import Button, Outcome, Reply
from bot.services.coordinator import CoordinatorService
from bot.services.volunteer.service import VolunteerPress, VolunteerService

MARKS = ("✅ ", "▫️ ", "🔸 ")


def _words(label: str) -> str:
    """A button's words without its leading mark (a checklist's box, a decision's emoji)."""
    for mark in MARKS:
        label = label.removeprefix(mark)
    return label


def find_button(outcome: Outcome, label: str) -> Button:
    """The button labelled `label` on the newest reply that has one, as a person sees it."""
    for reply in reversed(outcome.replies):
        for row in reply.buttons:
            for button in row:
                if label in (button.label, _words(button.label)):
                    return button
    raise LookupError(f"no button {label!r}; buttons shown: {labels(outcome)}")


def labels(outcome: Outcome) -> list[str]:
    return [b.label for reply in outcome.replies for row in reply.buttons for b in row]


def text(outcome: Outcome) -> str:
    """Everything the person was told, in order (a settled question tells nothing new)."""
    return "\n\n".join(reply.text for reply in outcome.replies if not reply.edit_only)


def told(outcome: Outcome, chat_id: int) -> list[str]:
    """What others (coordinators, volunteers) were told by this action."""
    return [n.reply.text for n in outcome.notices if n.chat_id == chat_id]


class VolunteerChat:
    """One volunteer's side of the conversation with VolunteerService."""

    def __init__(self, service: VolunteerService, person: Person) -> None:
        self.service = service
        self.person = person
        self.last = Outcome()

    def _keep(self, outcome: Outcome) -> Outcome:
        self.last = outcome
        return outcome

    async def start(self, payload: str | None = None) -> Outcome:
        return self._keep(await self.service.start(self.person, payload))

    async def type(self, typed: str) -> Outcome:
        return self._keep(await self.service.text(self.person, typed))

    async def press(self, label: str) -> Outcome:
        """As the chat would: a button whose data does not parse as the volunteer's own kind
        gets the old-button answer."""
        pressed = callbacks.parse(find_button(self.last, label).data)
        if isinstance(pressed, VolunteerPress):
            return self._keep(await self.service.button(self.person, pressed))
        return self._keep(await self.service.old_button(self.person))

    async def cancel(self) -> Outcome:
        return self._keep(await self.service.cancel(self.person))

    async def withdraw(self) -> Outcome:
        return self._keep(await self.service.withdraw(self.person))

    async def needs(self) -> Outcome:
        return self._keep(await self.service.needs(self.person))

    async def delete(self) -> Outcome:
        return self._keep(await self.service.delete(self.person))


class CoordinatorChat:
    """A coordinator's side of the conversation with CoordinatorService. `last` stays the
    previous answer when the service answers None (not a coordinator)."""

    def __init__(self, service: CoordinatorService, person: Person) -> None:
        self.service = service
        self.person = person
        self.last = Outcome()

    def _keep(self, outcome: Outcome | None) -> Outcome | None:
        if outcome is not None:
            self.last = outcome
        return outcome

    async def command(self, name: str, *args: str) -> Outcome | None:
        return self._keep(await self.service.command(self.person, name, args))

    async def press(self, label: str) -> Outcome | None:
        return await self.press_data(find_button(self.last, label).data)

    async def press_data(self, data: str) -> Outcome | None:
        """Press a button someone else was shown (its data, as they would send it). Data that
        is not a coordinator's kind of button is refused as the chat would refuse it."""
        pressed = callbacks.parse(data)
        if not isinstance(pressed, CoordinatorPress):
            return None
        return self._keep(await self.service.button(self.person, pressed, message_id=1))


@dataclass(frozen=True)
class Sent:
    chat_id: int
    reply: Reply


@dataclass
class Telegram:
    """The scheduler's boundary: records each message handed to it and answers as Telegram
    would have (`answers`: delivered unless told otherwise for a chat)."""

    delivered: list[Sent] = field(default_factory=list)
    answers: dict[int, delivery.Result] = field(default_factory=dict)
    tried: list[int] = field(default_factory=list)

    async def send(self, chat_id: int, reply: Reply) -> delivery.Result:
        self.tried.append(chat_id)
        answer = self.answers.get(chat_id)
        if answer is None:
            self.delivered.append(Sent(chat_id, reply))
            return delivery.Delivered(message_id=len(self.delivered))
        return answer

    def to(self, chat_id: int, containing: str = "") -> list[str]:
        return [
            d.reply.text
            for d in self.delivered
            if d.chat_id == chat_id and containing in d.reply.text
        ]

    def chats(self) -> Sequence[int]:
        return sorted({d.chat_id for d in self.delivered})


EVERY_SESSION_YES = ("Yes",) * 6


async def sign_up(
    chat: VolunteerChat,
    *,
    code: str,
    name: str,
    role: str = "I use services",
    availability: Sequence[str] = EVERY_SESSION_YES,
) -> Outcome:
    """The whole sign-up for the example panel, pressing what a typical volunteer presses;
    `availability` answers its six sessions in order."""
    await chat.start(code)
    await chat.press("Yes, that's OK")
    for _ in range(8):
        await chat.press("Next")
    await chat.type(name)
    await chat.press(role)
    await chat.press("Skip this")
    await chat.press("No, thank you")
    for answer in availability:
        await chat.press(answer)
    await chat.press("Monday")
    await chat.press("Done")
    await chat.press("None of these")
    await chat.press("Yes, I'd like to")
    await chat.press("Yes, please pay me")
    return await chat.press("Send")


async def decide(coordinator: CoordinatorChat, code: str, name: str, decision: str) -> Outcome:
    """From /roster, open a person's page and press a decision ("Give a place", ...)."""
    await coordinator.command("roster", code)
    await coordinator.press(name)
    outcome = await coordinator.press(decision)
    assert outcome is not None, "not a coordinator"
    return outcome
