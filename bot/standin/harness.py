"""Drive a real python-telegram-bot Application against FakeBotApi, one update at a time.

    api = FakeBotApi(); await api.start()
    app = ApplicationBuilder().token("1:T").base_url(api.base_url)
                              .base_file_url(api.base_file_url).build()
    ... add handlers ...
    async with BotHarness(api, app) as bot:
        reply = await bot.say(ann, "/start")
        assert "Welcome" in reply.text
        reply = await bot.press_button(ann, "Yes")

How "handled" is detected: before start the harness adds ``TypeHandler(Update, ...)`` in
group ``DONE_GROUP`` (the largest group, so it runs last). PTB runs every handler group for
every update, also after an exception in an earlier group, so when that handler runs all
blocking handlers have finished. Two things escape it:
- a handler (or an error handler) raising ``ApplicationHandlerStop`` stops later groups, so
  the update would never be marked done (the app must not use ApplicationHandlerStop;
  say() would time out);
- handlers with ``block=False`` and background tasks/jobs keep running after it: use
  ``wait_for`` for what they send.
"""

# Per-call timeouts are part of this test API, hence no asyncio.timeout() at call sites.
# ruff: noqa: ASYNC109

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.standin.api import BotMessage, CallbackAnswer, FakeBotApi, FakeUser
from bot.standin.objects import Signal

#: Handler group of the completion marker: the largest group number PTB could be given.
DONE_GROUP = 2**31 - 1
DEFAULT_TIMEOUT = 10.0

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


@dataclass
class Reply:
    """What the bot did in the user's chat while one update was being handled.

    ``messages``: new bot messages, in order. ``edited``: bot messages edited meanwhile
    (each once, current state; earlier text in ``.edits``). ``deleted``: messages deleted
    meanwhile. ``answer``: the answerCallbackQuery for a press, if any. Sends to this chat by
    unrelated concurrent tasks in that window are included too.
    """

    update_id: int
    messages: list[BotMessage] = field(default_factory=list)
    edited: list[BotMessage] = field(default_factory=list)
    deleted: list[BotMessage] = field(default_factory=list)
    answer: CallbackAnswer | None = None

    @property
    def text(self) -> str:
        """Texts of the new messages joined by blank lines ("" if none)."""
        return "\n\n".join(m.text for m in self.messages)

    @property
    def last(self) -> BotMessage:
        """The newest message sent, else the last one edited."""
        if self.messages:
            return self.messages[-1]
        if self.edited:
            return self.edited[-1]
        raise AssertionError(
            f"the bot neither sent nor edited a message for update {self.update_id}"
        )

    def __bool__(self) -> bool:
        return bool(self.messages or self.edited or self.deleted or self.answer)


class BotHarness:
    """Runs ``app`` (built with ``.base_url(api.base_url)``) and feeds it updates from ``api``."""

    def __init__(
        self,
        api: FakeBotApi,
        app: AnyApplication,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        poll_timeout: float = 10.0,
    ) -> None:
        self.api = api
        self.app = app
        self.timeout = timeout
        # The stand-in answers a long poll as soon as an update is queued, so a long poll
        # timeout costs nothing in latency; it only bounds how long a stop can take.
        self.poll_timeout = poll_timeout
        self.processed: set[int] = set()
        self._signal = Signal()
        self._marker = TypeHandler(Update, self._mark_done)
        self._running = False

    async def _mark_done(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            self.processed.add(update.update_id)
            self._signal.notify()

    async def start(self) -> None:
        self.app.add_handler(self._marker, group=DONE_GROUP)
        # The same order as Application.run_polling: initialize, post_init, start.
        await self.app.initialize()
        if self.app.post_init is not None:
            await self.app.post_init(self.app)
        await self.app.start()
        assert self.app.updater is not None, "the Application must have an Updater"
        polls_before = len(self.api.calls("getUpdates"))
        await self.app.updater.start_polling(
            poll_interval=0.0, timeout=dt.timedelta(seconds=self.poll_timeout)
        )
        self._running = True
        # start_polling returns before the first getUpdates: wait for it, so polling is live
        await self.wait_for(
            lambda: len(self.api.calls("getUpdates")) > polls_before, what="first getUpdates"
        )

    async def stop(self) -> None:
        """Graceful stop: the last getUpdates confirms what was fetched; nothing is lost."""
        if not self._running:
            return
        self._running = False
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
            if self.app.post_stop is not None:
                await self.app.post_stop(self.app)
        await self.app.shutdown()
        if self.app.post_shutdown is not None:
            await self.app.post_shutdown(self.app)
        self.app.remove_handler(self._marker, group=DONE_GROUP)

    async def __aenter__(self) -> BotHarness:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ waiting
    async def wait_processed(self, update_id: int, timeout: float | None = None) -> None:
        """Wait until every blocking handler has run for ``update_id``."""
        limit = self.timeout if timeout is None else timeout
        try:
            await self._signal.wait_until(lambda: update_id in self.processed, limit)
        except TimeoutError:
            if update_id not in self.api.fetched_update_ids:
                state = "the bot never fetched it (is polling running?)"
            else:
                state = (
                    "fetched but its handlers did not finish (stuck, or ApplicationHandlerStop?)"
                )
            recent = ", ".join(name for name, _ in self.api.requests[-8:])
            raise TimeoutError(
                f"update {update_id} not handled within {limit}s: {state}; "
                f"last requests: [{recent}]"
            ) from None

    async def wait_for(
        self, predicate: Callable[[], bool], timeout: float | None = None, *, what: str = ""
    ) -> None:
        """For sends made outside update handling (jobs, background tasks)."""
        await self.api.wait_for(predicate, self.timeout if timeout is None else timeout, what=what)

    async def _run(self, chat_id: int, inject: Callable[[], int], timeout: float | None) -> Reply:
        start = len(self.api.events)
        update_id = inject()
        await self.wait_processed(update_id, timeout)
        reply = Reply(update_id)
        for kind, message in self.api.events[start:]:
            if message.chat_id != chat_id:
                continue
            if kind == "sent":
                reply.messages.append(message)
            elif kind == "edited" and not any(m is message for m in reply.messages + reply.edited):
                reply.edited.append(message)
            elif kind == "deleted":
                reply.deleted.append(message)
        query_id = self.api.callback_query_ids.get(update_id)
        if query_id is not None:
            reply.answer = self.api.callback_answers.get(query_id)
        return reply

    # ------------------------------------------------------------------ conversation
    async def say(self, user: FakeUser, text: str, *, timeout: float | None = None) -> Reply:
        return await self._run(user.id, lambda: self.api.send_text(user, text), timeout)

    async def press(
        self, user: FakeUser, message_id: int, data: str, *, timeout: float | None = None
    ) -> Reply:
        return await self._run(user.id, lambda: self.api.press(user, message_id, data), timeout)

    async def press_button(
        self, user: FakeUser, label_substring: str, *, timeout: float | None = None
    ) -> Reply:
        """Press a callback button whose label contains ``label_substring`` on the newest bot
        message in the user's chat that has one."""
        for message in reversed(self.api.messages_to(user.id)):
            for row in message.buttons:
                for button in row:
                    if label_substring in button.text and button.callback_data is not None:
                        return await self.press(
                            user, message.message_id, button.callback_data, timeout=timeout
                        )
        visible = [m.button_texts for m in self.api.messages_to(user.id) if m.buttons]
        raise LookupError(f"no callback button containing {label_substring!r}; buttons: {visible}")

    async def sticker(self, user: FakeUser, *, timeout: float | None = None) -> Reply:
        return await self._run(user.id, lambda: self.api.send_sticker(user), timeout)

    async def photo(
        self, user: FakeUser, caption: str | None = None, *, timeout: float | None = None
    ) -> Reply:
        return await self._run(user.id, lambda: self.api.send_photo(user, caption), timeout)

    async def voice(self, user: FakeUser, *, timeout: float | None = None) -> Reply:
        return await self._run(user.id, lambda: self.api.send_voice(user), timeout)

    async def location(self, user: FakeUser, *, timeout: float | None = None) -> Reply:
        return await self._run(user.id, lambda: self.api.send_location(user), timeout)

    async def document(
        self,
        user: FakeUser,
        filename: str,
        content: bytes,
        caption: str | None = None,
        *,
        timeout: float | None = None,
    ) -> Reply:
        inject = lambda: self.api.send_document(user, filename, content, caption)  # noqa: E731
        return await self._run(user.id, inject, timeout)

    async def edit(
        self, user: FakeUser, message_id: int, new_text: str, *, timeout: float | None = None
    ) -> Reply:
        return await self._run(
            user.id, lambda: self.api.edit_text(user, message_id, new_text), timeout
        )
