"""Data types and Bot API JSON builders shared by the stand-in Telegram Bot API.

Everything here produces dicts in Telegram's real wire format, so that
python-telegram-bot's ``de_json`` accepts them unchanged.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

JSON = dict[str, Any]


class ApiError(Exception):
    """A Bot API error answer: {"ok": false, "error_code": ..., "description": ...}."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def not_modified() -> ApiError:
    return bad_request(
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )


#: Parameters that are strings even when they look like JSON (everything else is decoded).
_STRING_PARAMS = frozenset(
    {"text", "caption", "parse_mode", "callback_query_id", "action", "language_code", "url",
     "description", "short_description", "name", "title", "file_id", "inline_message_id",
     "query", "emoji"}
)  # fmt: skip


def _decode(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def read_params(request: web.Request) -> JSON:
    """Decode query string, form, multipart (files become (filename, bytes)) or JSON bodies.

    PTB sends strings as they are and everything else JSON-encoded (ints, booleans and nested
    objects such as reply_markup alike), so form values are JSON-decoded unless the parameter
    is a known string one.
    """
    params: JSON = {k: _decode(k, v) for k, v in request.query.items()}
    if request.content_type == "application/json":
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("request body must be a JSON object")
        params.update(body)
    elif request.can_read_body:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                params[key] = (value.filename, value.file.read())
            elif isinstance(value, str):
                params[key] = _decode(key, value)
    return params


@dataclass(frozen=True)
class CallbackAnswer:
    """What answerCallbackQuery was called with."""

    text: str | None
    show_alert: bool
    url: str | None = None


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user talking to the bot in a private chat (chat.id == user.id)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"

    def to_user(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        if self.language_code is not None:
            data["language_code"] = self.language_code
        return data

    def to_chat(self) -> JSON:
        data: JSON = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        return data


@dataclass(frozen=True)
class Button:
    """One inline keyboard button (exactly one of callback_data/url is usually set)."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class BotMessage:
    """A message the bot sent, as the user would see it.

    ``text`` is what the user sees: for ``parse_mode="HTML"`` the tags are removed and
    entities decoded (``raw_text`` keeps what the bot sent). For documents it is the caption.
    ``edits`` holds earlier versions of ``text``, oldest first.
    """

    chat_id: int
    message_id: int
    text: str
    parse_mode: str | None = None
    raw_text: str = ""
    entities: list[JSON] = field(default_factory=list)
    buttons: list[list[Button]] = field(default_factory=list)
    reply_markup: JSON | None = None
    document: tuple[str, bytes] | None = None
    edits: list[str] = field(default_factory=list)
    deleted: bool = False
    date: int = field(default_factory=lambda: int(time.time()))
    edit_date: int | None = None
    copied_from: tuple[int, int] | None = None  # (chat_id, message_id) a person sent

    @property
    def button_texts(self) -> list[str]:
        return [b.text for row in self.buttons for b in row]

    def find_button(self, label_substring: str) -> Button | None:
        for row in self.buttons:
            for button in row:
                if label_substring in button.text:
                    return button
        return None

    def to_message(self, bot_user: JSON, chat: JSON) -> JSON:
        data: JSON = {
            "message_id": self.message_id,
            "from": bot_user,
            "chat": chat,
            "date": self.date,
        }
        key = "caption" if self.document is not None else "text"
        data[key] = self.text
        if self.entities:
            data["caption_entities" if key == "caption" else "entities"] = self.entities
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if self.document is not None:
            name, content = self.document
            data["document"] = {**file_ids(content, name), "file_name": name,
                                "mime_type": "application/octet-stream",
                                "file_size": len(content)}  # fmt: skip
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        return data


def file_ids(content: bytes, salt: str = "") -> JSON:
    digest = hashlib.sha1(content + salt.encode()).hexdigest()
    return {"file_id": "FILE" + digest[:30], "file_unique_id": "U" + digest[:15]}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[JSON]:
    """Telegram marks a leading "/command" (optionally "/command@bot") as a bot_command."""
    if not text.startswith("/"):
        return []
    word = text.split(maxsplit=1)[0] if text.strip() else text
    if len(word) < 2:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(word)}]


def parse_buttons(markup: JSON | None) -> list[list[Button]]:
    """Validate an inline keyboard like Telegram does and turn it into Buttons."""
    if markup is None or "inline_keyboard" not in markup:
        return []
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    result: list[list[Button]] = []
    for row in rows:
        if not isinstance(row, list):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        parsed: list[Button] = []
        for raw in row:
            if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
                raise bad_request("can't parse inline keyboard button: Text must be a String")
            if not raw["text"]:
                raise bad_request("BUTTON_TEXT_INVALID")
            data = raw.get("callback_data")
            url = raw.get("url")
            if data is not None:
                size = len(str(data).encode("utf-8"))
                if size < 1 or size > 64:
                    raise bad_request("BUTTON_DATA_INVALID")
            if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
                raise bad_request("BUTTON_URL_INVALID")
            other = {"web_app", "login_url", "switch_inline_query", "pay", "copy_text",
                     "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                     "callback_game"}  # fmt: skip
            if data is None and url is None and not other & raw.keys():
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
            parsed.append(Button(raw["text"], None if data is None else str(data), url))
        result.append(parsed)
    return result


def validate_commands(commands: object) -> list[JSON]:
    """Check a setMyCommands list like Telegram and return it."""
    if not isinstance(commands, list):
        raise bad_request('field "commands" must be an Array')
    for command in commands:
        name = str(command.get("command", "")) if isinstance(command, dict) else ""
        description = str(command.get("description", "")) if isinstance(command, dict) else ""
        if not (1 <= len(name) <= 32 and all(c in _COMMAND_CHARS for c in name)):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return commands


_COMMAND_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def scope_key(scope: JSON | None, language_code: str | None = None) -> str:
    """Key under which commands are stored: "default", "chat:<id>", "chat_member:<c>:<u>",
    "all_private_chats", ...; with a language code, "<key>|<lang>"."""
    if not scope:
        key = "default"
    else:
        kind = str(scope.get("type", "default"))
        if kind == "chat":
            key = f"chat:{scope.get('chat_id')}"
        elif kind == "chat_administrators":
            key = f"chat_administrators:{scope.get('chat_id')}"
        elif kind == "chat_member":
            key = f"chat_member:{scope.get('chat_id')}:{scope.get('user_id')}"
        else:
            key = kind
    return f"{key}|{language_code}" if language_code else key


class Signal:
    """Wake-everyone notification usable from sync code: ``notify()`` needs no lock, unlike
    ``asyncio.Condition``. Waiters re-check their predicate after every notification."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], object], timeout: float) -> None:  # noqa: ASYNC109
        """Return once predicate() is truthy; raise TimeoutError after ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            while not predicate():
                await self._event.wait()
