"""What a use case answers: text and buttons, with no knowledge of which chat app carries them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Button:
    label: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    caption: str | None = None


@dataclass(frozen=True)
class Reply:
    """One message. `text` is HTML; `edit` replaces the message whose button was pressed.

    `edit_only`: a change to the pressed message and nothing else, as when a question is
    settled once answered. With no pressed message (a typed answer), or one too old to edit,
    nothing is sent. Empty text keeps the message's words and changes only its buttons.
    """

    text: str
    buttons: Keyboard = ()
    document: Document | None = None
    edit: bool = False
    edit_only: bool = False


@dataclass(frozen=True)
class MessageCopy:
    """A message a person sent (a voice note, a photo, a file), to pass on exactly as it is:
    the bot never downloads, transcribes or keeps it."""

    from_chat_id: int
    message_id: int
    # Said to the person if Telegram will not copy it (deleted meanwhile, say).
    if_refused: Reply | None = None


@dataclass(frozen=True)
class Notice:
    """A message to someone other than the person who acted, such as a coordinator.
    `copy` comes right after it, when the person's own message is passed on."""

    chat_id: int
    reply: Reply
    copy: MessageCopy | None = None


@dataclass
class Outcome:
    replies: list[Reply] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def say(self, reply: Reply) -> Outcome:
        self.replies.append(reply)
        return self

    def extend(self, other: Outcome) -> Outcome:
        self.replies.extend(other.replies)
        self.notices.extend(other.notices)
        return self

    def lead_in(self, text: str) -> Outcome:
        """Put a line above the first reply, in the same message: one message, not two."""
        first = self.replies[0]
        self.replies[0] = replace(first, text=f"{text}\n\n{first.text}")
        return self


def settled(text: str = "", buttons: Keyboard = ()) -> Reply:
    """The pressed message once answered: no buttons left but `buttons`, and `text` in place
    of its words (empty keeps them)."""
    return Reply(text, buttons, edit=True, edit_only=True)


def rows(*buttons: Button) -> Keyboard:
    """One button per row: easiest to read and to tap on a phone."""
    return tuple((button,) for button in buttons)
