"""Update injection for the stand-in Bot API: builds real-format Telegram updates.

Every ``send_*``/``press``/``edit_text`` call queues one update and returns its update_id.
User messages take message ids from the chat's own sequence, which bot messages share, as
in Telegram. Private chats only: chat.id == user.id.
"""

from __future__ import annotations

import itertools
import mimetypes
import time
from typing import Any

from bot.standin.objects import JSON, BotMessage, FakeUser, Signal, command_entities, file_ids


class UpdateInjector:
    """State shared by the server and the injection methods (FakeBotApi inherits this)."""

    bot_id: int
    bot_username: str

    def __init__(self) -> None:
        self.changed = Signal()  # notified on every request, injection and confirmation
        self.users: dict[int, FakeUser] = {}
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file name, content)
        self.pending_updates: list[JSON] = []  # queued and not yet confirmed by an offset
        self.fetched_update_ids: set[int] = set()  # returned by getUpdates at least once
        self.confirmed_update_id = 0  # highest update_id confirmed by a getUpdates offset
        self.bot_messages: dict[tuple[int, int], BotMessage] = {}
        self.user_message_ids: set[tuple[int, int]] = set()
        # What people sent, so copyMessage can pass it on: (chat_id, message_id) -> content
        self.user_messages: dict[tuple[int, int], JSON] = {}
        self.open_callback_queries: set[str] = set()
        self.callback_query_ids: dict[int, str] = {}  # update_id -> callback query id
        self._last_message_id: dict[int, int] = {}
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)

    # ------------------------------------------------------------------ shared helpers
    def next_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def bot_user(self) -> JSON:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Panelbot Sandbox",
                "username": self.bot_username}  # fmt: skip

    def chat_json(self, chat_id: int) -> JSON:
        if chat_id in self.users:
            return self.users[chat_id].to_chat()
        if chat_id < 0:
            return {"id": chat_id, "type": "group", "title": f"Group {chat_id}"}
        return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}

    def confirm_updates(self, offset: int) -> None:
        """Apply a getUpdates offset: earlier updates are confirmed and forgotten."""
        if offset > 0:
            self.confirmed_update_id = max(self.confirmed_update_id, offset - 1)
            self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
        elif offset < 0:
            self.pending_updates = self.pending_updates[offset:]

    def _queue(self, kind: str, payload: JSON) -> int:
        update_id = next(self._update_ids)
        self.pending_updates.append({"update_id": update_id, kind: payload})
        self.changed.notify()
        return update_id

    def _user_message(self, user: FakeUser, content: JSON) -> JSON:
        self.users[user.id] = user
        message_id = self.next_message_id(user.id)
        self.user_message_ids.add((user.id, message_id))
        self.user_messages[(user.id, message_id)] = content
        return {"message_id": message_id, "from": user.to_user(), "chat": user.to_chat(),
                "date": int(time.time()), **content}  # fmt: skip

    def _add_file(self, content: bytes, name: str) -> JSON:
        ids = file_ids(content, name)
        self.files[ids["file_id"]] = (name, content)
        return {**ids, "file_size": len(content)}

    # ------------------------------------------------------------------ injection
    def send_text(self, user: FakeUser, text: str) -> int:
        """A text message; a leading "/command" gets a bot_command entity, as in Telegram."""
        content: JSON = {"text": text}
        if entities := command_entities(text):
            content["entities"] = entities
        return self._queue("message", self._user_message(user, content))

    def delete_own_message(self, user: FakeUser, message_id: int) -> None:
        """The person deletes a message they sent. Telegram tells a bot nothing of it in a
        private chat; copyMessage of it then fails with "message to copy not found"."""
        self.user_messages.pop((user.id, message_id), None)

    def press(self, user: FakeUser, message_id: int, data: str) -> int:
        """A callback_query from an inline button. If the bot message is unknown or deleted,
        the query carries an InaccessibleMessage (date 0), as Telegram does for old ones."""
        self.users[user.id] = user
        query_id = f"{self.bot_id}{next(self._query_ids):08d}"
        message = self.bot_messages.get((user.id, message_id))
        if message is not None and not message.deleted:
            message_json = message.to_message(self.bot_user(), self.chat_json(user.id))
        else:
            message_json = {"chat": user.to_chat(), "message_id": message_id, "date": 0}
        self.open_callback_queries.add(query_id)
        update_id = self._queue("callback_query", {
            "id": query_id, "from": user.to_user(), "chat_instance": str(-7 * user.id - 13),
            "message": message_json, "data": data,
        })  # fmt: skip
        self.callback_query_ids[update_id] = query_id
        return update_id

    def send_sticker(self, user: FakeUser, emoji: str = "\N{THUMBS UP SIGN}") -> int:
        sticker = {**self._add_file(b"RIFF-sticker" + emoji.encode(), "sticker.webp"),
                   "type": "regular", "width": 512, "height": 512, "is_animated": False,
                   "is_video": False, "emoji": emoji}  # fmt: skip
        return self._queue("message", self._user_message(user, {"sticker": sticker}))

    def send_photo(self, user: FakeUser, caption: str | None = None) -> int:
        sizes = [
            {**self._add_file(b"JPEG" + bytes([i]) * 64 * i, f"photo{i}.jpg"),
             "width": 90 * i, "height": 60 * i}
            for i in (1, 4, 9)
        ]  # fmt: skip
        content: JSON = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        return self._queue("message", self._user_message(user, content))

    def send_voice(self, user: FakeUser, duration: int = 3) -> int:
        voice = {**self._add_file(b"OggS" + bytes(duration * 100), "voice.ogg"),
                 "duration": duration, "mime_type": "audio/ogg"}  # fmt: skip
        return self._queue("message", self._user_message(user, {"voice": voice}))

    def send_document(
        self, user: FakeUser, filename: str, content: bytes, caption: str | None = None
    ) -> int:
        mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        document = {**self._add_file(content, filename), "file_name": filename, "mime_type": mime}
        payload: JSON = {"document": document}
        if caption is not None:
            payload["caption"] = caption
        return self._queue("message", self._user_message(user, payload))

    def send_location(
        self, user: FakeUser, latitude: float = 51.5072, longitude: float = -0.1276
    ) -> int:
        location = {"latitude": latitude, "longitude": longitude}
        return self._queue("message", self._user_message(user, {"location": location}))

    def edit_text(self, user: FakeUser, message_id: int, new_text: str) -> int:
        """An edited_message: the user changed the text of their earlier message."""
        self.users[user.id] = user
        now = int(time.time())
        content: dict[str, Any] = {"message_id": message_id, "from": user.to_user(),
                                   "chat": user.to_chat(), "date": now, "edit_date": now,
                                   "text": new_text}  # fmt: skip
        if entities := command_entities(new_text):
            content["entities"] = entities
        return self._queue("edited_message", content)
