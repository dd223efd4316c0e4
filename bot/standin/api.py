"""A stand-in for the Telegram Bot API, served over real HTTP on 127.0.0.1.

The real python-telegram-bot ``Application`` talks to it through its normal HTTP transport
(``ApplicationBuilder().base_url(api.base_url).base_file_url(api.base_file_url)``), so the
wire format here is Telegram's: form-encoded or multipart requests (nested objects as JSON
strings), ``{"ok": true, "result": ...}`` answers and Telegram's error descriptions.

Tests drive it from the same event loop: inject updates (``send_text``, ``press``, ...) and
observe what the bot did (``sent``, ``requests``, ``callback_answers``, ``commands``,
``wait_for``). Update builders live in ``fake_api_updates``, HTML parsing in
``fake_api_html`` and the data types in ``fake_api_types``.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.standin.html import MAX_CAPTION, MAX_TEXT, render
from bot.standin.objects import (
    JSON,
    ApiError,
    BotMessage,
    Button,
    CallbackAnswer,
    FakeUser,
    bad_request,
    file_ids,
    not_modified,
    parse_buttons,
    read_params,
    scope_key,
    validate_commands,
)
from bot.standin.updates import UpdateInjector

__all__ = ["BotMessage", "Button", "CallbackAnswer", "FakeBotApi", "FakeUser"]


#: Methods that deliver a message: failure injection applies, successes are counted.
SEND_METHODS = frozenset({"sendmessage", "senddocument"})
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # sendDocument's limit for files a bot uploads
#: Methods answered with 403 once the user has blocked the bot.
BLOCKABLE_METHODS = SEND_METHODS | {
    "sendchataction",
    "editmessagetext",
    "editmessagecaption",
    "editmessagereplymarkup",
}

#: What copyMessage takes from a person's chat (service messages and the like it refuses).
COPYABLE = ("text", "photo", "voice", "audio", "document", "video", "video_note", "sticker",
            "animation", "location", "contact")  # fmt: skip

Handler = Callable[[JSON], Awaitable[Any]]


class FakeBotApi(UpdateInjector):
    """In-process Bot API server. Use ``async with FakeBotApi() as api`` or start()/stop()."""

    def __init__(
        self,
        *,
        bot_id: int = 7000001,
        bot_username: str = "panelbot_sandbox_bot",
        rate_limit_per_second: float | None = None,
        failure_rate: float = 0.0,
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
        token: str | None = None,
    ) -> None:
        super().__init__()
        self.token = token  # if set, any other token is refused as Telegram does: 401
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.rate_limit_per_second = rate_limit_per_second
        self.failure_rate = failure_rate
        self.clock = clock
        self._random = random.Random(seed)
        # observation API
        self.sent: list[BotMessage] = []
        self.requests: list[tuple[str, JSON]] = []
        self.events: list[tuple[str, BotMessage]] = []  # ("sent"|"edited"|"deleted", message)
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.commands: dict[str, list[JSON]] = {}
        self.deliveries_per_chat: Counter[int] = Counter()
        self.blocked: set[int] = set()
        self.known_chats: set[int] = set()  # wrote before the stand-in started
        self.too_many_requests_sent = 0
        self.bad_gateways_sent = 0
        self.connections_dropped = 0
        self._window: deque[float] = deque()
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._closing = False
        # Bot API methods are the _m_<methodName> coroutines; names are case-insensitive
        self._methods: dict[str, Handler] = {
            name[3:].lower(): getattr(self, name) for name in dir(self) if name.startswith("_m_")
        }

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._download)
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=2.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        self._closing = False

    async def stop(self) -> None:
        self._closing = True
        self.changed.notify()  # wake long polls so that shutdown does not wait for them
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For ApplicationBuilder.base_url: PTB appends "<token>/<method>"."""
        if not self._port:
            raise RuntimeError("FakeBotApi is not started")
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        return self.base_url.replace("/bot", "/file/bot")

    # ------------------------------------------------------------------ observation
    def messages_to(self, chat_id: int, *, include_deleted: bool = False) -> list[BotMessage]:
        return [m for m in self.sent if m.chat_id == chat_id and (include_deleted or not m.deleted)]

    def last_message_to(self, chat_id: int, *, include_deleted: bool = False) -> BotMessage | None:
        messages = self.messages_to(chat_id, include_deleted=include_deleted)
        return messages[-1] if messages else None

    def calls(self, method: str) -> list[JSON]:
        """Parameters of every request to ``method`` (case-insensitive), in order."""
        return [params for name, params in self.requests if name.lower() == method.lower()]

    def commands_for(self, chat_id: int | None = None, language_code: str = "") -> list[JSON]:
        scope = {"type": "chat", "chat_id": chat_id} if chat_id is not None else None
        return self.commands.get(scope_key(scope, language_code), [])

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the test API
        *,
        what: str = "",
    ) -> None:
        """Wait until ``predicate()`` is true; re-checked after every request and injection."""
        try:
            await self.changed.wait_until(predicate, timeout)
        except TimeoutError:
            recent = ", ".join(name for name, _ in self.requests[-8:])
            raise TimeoutError(
                f"FakeBotApi.wait_for: {what or getattr(predicate, '__name__', predicate)} "
                f"still false after {timeout}s; last requests: [{recent}]"
            ) from None

    def wrote_before(self, *chat_ids: int) -> None:
        """These people wrote to the bot before the stand-in started (a test put them straight
        into the database as signed up, or a coordinator pressed Start long ago): Telegram
        knows their chats. Everyone else is known once they send an update."""
        self.known_chats.update(chat_ids)

    def block(self, user_id: int) -> None:
        self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self.blocked.discard(user_id)

    @property
    def injected_failures(self) -> int:
        return self.bad_gateways_sent + self.connections_dropped

    # ------------------------------------------------------------------ HTTP
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        try:
            params = await read_params(request)
        except ValueError as exc:
            return web.json_response(bad_request(str(exc)).payload(), status=400)
        self.requests.append((method, params))
        self.changed.notify()
        if self.token is not None and request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        handler = self._methods.get(method.lower())
        try:
            if handler is None:
                raise ApiError(404, "Not Found")
            self._check_rate_limit(params)
            if method.lower() in SEND_METHODS and self._random.random() < self.failure_rate:
                return self._inject_failure(request)
            result = await handler(params)
            body: JSON = {"ok": True, "result": result}
            status = 200
        except ApiError as exc:
            body, status = exc.payload(), exc.code
        finally:
            self.changed.notify()
        return web.json_response(body, status=status)

    def _check_rate_limit(self, params: JSON) -> None:
        if self.rate_limit_per_second is None or "chat_id" not in params:
            return
        now = self.clock()
        while self._window and now - self._window[0] >= 1.0:
            self._window.popleft()
        if len(self._window) + 1 > self.rate_limit_per_second:
            self.too_many_requests_sent += 1
            raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        self._window.append(now)

    def _inject_failure(self, request: web.Request) -> web.StreamResponse:
        if self._random.random() < 0.5:
            self.bad_gateways_sent += 1
            # JSON rather than nginx's HTML page: PTB logs a traceback for unparsable bodies
            return web.json_response(ApiError(502, "Bad Gateway").payload(), status=502)
        self.connections_dropped += 1
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError  # aiohttp closes quietly without writing an answer

    async def _download(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_path"].rsplit("/", 1)[-1]
        if file_id not in self.files:
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        return web.Response(body=self.files[file_id][1])

    # ------------------------------------------------------------------ helpers
    def _chat_id(self, params: JSON) -> int:
        try:
            return int(params["chat_id"])
        except KeyError:
            raise bad_request("chat_id is empty") from None
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None

    def _check_blocked(self, method: str, chat_id: int) -> None:
        self._check_known(chat_id)
        if method in BLOCKABLE_METHODS and chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    def _check_known(self, chat_id: int) -> None:
        """As strict as Telegram: a bot cannot write first to a private chat. A user is known
        once they have sent the bot an update (a message, a press, an edit)."""
        if chat_id > 0 and chat_id not in self.users and chat_id not in self.known_chats:
            raise bad_request("chat not found")

    def _find(self, params: JSON) -> BotMessage:
        if "inline_message_id" in params:
            raise bad_request("inline messages are not supported by the stand-in")
        chat_id = self._chat_id(params)
        message = self.bot_messages.get((chat_id, int(params.get("message_id", 0))))
        if message is None or message.deleted:
            if (chat_id, int(params.get("message_id", 0))) in self.user_message_ids:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return message

    def _message_json(self, message: BotMessage) -> JSON:
        return message.to_message(self.bot_user(), self.chat_json(message.chat_id))

    # ------------------------------------------------------------------ Bot API methods
    async def _m_getMe(self, params: JSON) -> JSON:
        return {**self.bot_user(), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}  # fmt: skip

    async def _m_deleteWebhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            self.pending_updates.clear()
        return True

    async def _m_getWebhookInfo(self, params: JSON) -> JSON:
        return {"url": "", "has_custom_certificate": False,
                "pending_update_count": len(self.pending_updates)}  # fmt: skip

    async def _m_getUpdates(self, params: JSON) -> list[JSON]:
        self.confirm_updates(int(params.get("offset", 0) or 0))
        timeout = float(params.get("timeout", 0) or 0)
        limit = max(1, min(100, int(params.get("limit", 100) or 100)))
        if timeout > 0:
            with contextlib.suppress(TimeoutError):
                await self.changed.wait_until(
                    lambda: bool(self.pending_updates) or self._closing, timeout
                )
        batch = self.pending_updates[:limit]
        self.fetched_update_ids.update(u["update_id"] for u in batch)
        return batch

    async def _m_setMyCommands(self, params: JSON) -> bool:
        scope = params.get("scope")
        if isinstance(scope, dict) and scope.get("type") == "chat":
            try:
                self._check_known(int(scope.get("chat_id", 0)))
            except (TypeError, ValueError):
                raise bad_request("chat not found") from None
        commands = validate_commands(params.get("commands"))
        self.commands[scope_key(params.get("scope"), params.get("language_code"))] = commands
        return True

    async def _m_getMyCommands(self, params: JSON) -> list[JSON]:
        return self.commands.get(scope_key(params.get("scope"), params.get("language_code")), [])

    async def _m_deleteMyCommands(self, params: JSON) -> bool:
        self.commands.pop(scope_key(params.get("scope"), params.get("language_code")), None)
        return True

    def _compose(self, params: JSON, key: str, document: tuple[str, bytes] | None) -> JSON:
        chat_id = self._chat_id(params)
        raw = str(params.get(key, ""))
        limit = MAX_TEXT if key == "text" else MAX_CAPTION
        plain, entities = render(raw, params.get("parse_mode"), limit=limit, what=key)
        markup = params.get("reply_markup")
        message = BotMessage(
            chat_id=chat_id,
            message_id=0,
            text=plain,
            parse_mode=params.get("parse_mode"),
            raw_text=raw,
            entities=entities,
            buttons=parse_buttons(markup),
            reply_markup=markup,
            document=document,
        )
        message.message_id = self.next_message_id(chat_id)
        self.sent.append(message)
        self.bot_messages[(chat_id, message.message_id)] = message
        self.events.append(("sent", message))
        self.deliveries_per_chat[chat_id] += 1
        return self._message_json(message)

    async def _m_sendMessage(self, params: JSON) -> JSON:
        self._check_blocked("sendmessage", self._chat_id(params))
        return self._compose(params, "text", None)

    async def _m_sendDocument(self, params: JSON) -> JSON:
        self._check_blocked("senddocument", self._chat_id(params))
        document = params.get("document")
        if isinstance(document, tuple):
            name, content = document
            # As Telegram: an upload may not be empty, nor over 50 MB for a bot.
            if not content:
                raise bad_request("file must be non-empty")
            if len(content) > MAX_UPLOAD_BYTES:
                raise ApiError(413, "Request Entity Too Large")
        elif isinstance(document, str) and document in self.files:
            name, content = self.files[document]
        elif isinstance(document, str) and document:
            name, content = document.rsplit("/", 1)[-1], b""
        else:
            raise bad_request("there is no document in the request")
        self.files[file_ids(content, name)["file_id"]] = (name, content)
        return self._compose(params, "caption", (name, content))

    async def _m_copyMessage(self, params: JSON) -> JSON:
        """A copy of a message: one the bot sent, or one a person sent it."""
        chat_id = self._chat_id(params)
        self._check_blocked("sendmessage", chat_id)
        key = (int(params.get("from_chat_id", 0)), int(params.get("message_id", 0)))
        source = self.bot_messages.get(key)
        if source is None and key in self.user_messages:
            return self._copy_user_message(chat_id, key, params)
        if source is None or source.deleted:
            raise bad_request("message to copy not found")
        markup = params.get("reply_markup", source.reply_markup)
        copy = BotMessage(
            chat_id=chat_id, message_id=self.next_message_id(chat_id), text=source.text,
            parse_mode=source.parse_mode, raw_text=source.raw_text, entities=source.entities,
            buttons=parse_buttons(markup), reply_markup=markup, document=source.document,
        )  # fmt: skip
        self.sent.append(copy)
        self.bot_messages[(chat_id, copy.message_id)] = copy
        self.events.append(("sent", copy))
        self.deliveries_per_chat[chat_id] += 1
        return {"message_id": copy.message_id}

    def _copy_user_message(self, chat_id: int, key: tuple[int, int], params: JSON) -> JSON:
        content = self.user_messages[key]
        if not any(kind in content for kind in COPYABLE):
            raise bad_request("the message can't be copied")
        document = None
        if "document" in content:
            document = self.files[content["document"]["file_id"]]
        markup = params.get("reply_markup")
        copy = BotMessage(
            chat_id=chat_id, message_id=self.next_message_id(chat_id),
            text=str(content.get("text", content.get("caption", ""))),
            buttons=parse_buttons(markup), reply_markup=markup, document=document,
            copied_from=key,
        )  # fmt: skip
        self.sent.append(copy)
        self.bot_messages[(chat_id, copy.message_id)] = copy
        self.events.append(("sent", copy))
        self.deliveries_per_chat[chat_id] += 1
        return {"message_id": copy.message_id}

    async def _m_editMessageText(self, params: JSON) -> JSON:
        return self._edit(params, "text")

    async def _m_editMessageCaption(self, params: JSON) -> JSON:
        return self._edit(params, "caption")

    def _edit(self, params: JSON, key: str) -> JSON:
        self._check_blocked("editmessage" + key, self._chat_id(params))
        message = self._find(params)
        if (key == "caption") != (message.document is not None):
            raise bad_request(f"there is no {key} in the message to edit")
        raw = str(params.get(key, ""))
        limit = MAX_TEXT if key == "text" else MAX_CAPTION
        plain, entities = render(raw, params.get("parse_mode"), limit=limit, what=key)
        markup = params.get("reply_markup")
        buttons = parse_buttons(markup)  # Telegram drops the keyboard if none is given
        if (plain, entities, buttons) == (message.text, message.entities, message.buttons):
            raise not_modified()
        message.edits.append(message.text)
        message.text, message.raw_text, message.entities = plain, raw, entities
        message.parse_mode = params.get("parse_mode")
        message.buttons, message.reply_markup = buttons, markup
        return self._edited(message)

    async def _m_editMessageReplyMarkup(self, params: JSON) -> JSON:
        self._check_blocked("editmessagereplymarkup", self._chat_id(params))
        message = self._find(params)
        markup = params.get("reply_markup")
        buttons = parse_buttons(markup)
        if buttons == message.buttons:
            raise not_modified()
        message.buttons, message.reply_markup = buttons, markup
        return self._edited(message)

    def _edited(self, message: BotMessage) -> JSON:
        message.edit_date = int(time.time())
        self.events.append(("edited", message))
        return self._message_json(message)

    async def _m_deleteMessage(self, params: JSON) -> bool:
        key = (self._chat_id(params), int(params.get("message_id", 0)))
        message = self.bot_messages.get(key)
        if message is None or message.deleted:
            if key in self.user_message_ids:
                self.user_message_ids.discard(key)
                return True
            raise bad_request("message to delete not found")
        message.deleted = True
        self.events.append(("deleted", message))
        return True

    async def _m_answerCallbackQuery(self, params: JSON) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self.open_callback_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self.open_callback_queries.discard(query_id)
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        show_alert = bool(params.get("show_alert", False))
        url = params.get("url")
        self.callback_answers[query_id] = CallbackAnswer(
            None if text is None else str(text), show_alert, url
        )
        return True

    async def _m_sendChatAction(self, params: JSON) -> bool:
        self._check_blocked("sendchataction", self._chat_id(params))
        return True

    async def _m_getChat(self, params: JSON) -> JSON:
        chat_id = self._chat_id(params)
        if chat_id not in self.users and chat_id != self.bot_id:
            raise bad_request("chat not found")
        gifts = {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                 "premium_subscription": False, "gifts_from_channels": False}  # fmt: skip
        return {**self.chat_json(chat_id), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": gifts}  # fmt: skip

    async def _m_getFile(self, params: JSON) -> JSON:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            raise bad_request("invalid file_id")
        name, content = self.files[file_id]
        return {**file_ids(content, name), "file_id": file_id, "file_size": len(content),
                "file_path": f"files/{file_id}"}  # fmt: skip

    async def _m_close(self, params: JSON) -> bool:
        return True

    async def _m_logOut(self, params: JSON) -> bool:
        return True
