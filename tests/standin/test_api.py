"""The stand-in Bot API, exercised by a real python-telegram-bot Application (no sleeps)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, ContextTypes, MessageHandler, TypeHandler, filters

from bench.echo import ECHO_TOKEN, build_echo_application
from bot.standin.api import FakeBotApi, FakeUser
from bot.standin.harness import BotHarness
from bot.standin.html import parse_html

ANN = FakeUser(1001, "Ann", "Lee", username="annlee")
BOB = FakeUser(1002, "Bob")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        fake.wrote_before(ANN.id, BOB.id)  # the bot may write to them
        yield fake


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[BotHarness]:
    async with BotHarness(api, build_echo_application(api.base_url)) as harness:
        yield harness


async def call(api: FakeBotApi, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    """A raw HTTP call, form-encoded like PTB (non-strings as JSON)."""
    import json

    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{api.base_url}{ECHO_TOKEN}/{method}", data=form) as response,
    ):
        return response.status, await response.json()


# ---------------------------------------------------------------- round trips through PTB


async def test_startup_requests_and_echo(bot: BotHarness, api: FakeBotApi) -> None:
    assert [name for name, _ in api.requests[:3]] == ["getMe", "deleteWebhook", "getUpdates"]
    reply = await bot.say(ANN, "Tom & Jerry <3")
    assert reply.text == "Tom & Jerry <3"
    assert reply.last.raw_text == "Tom &amp; Jerry &lt;3"
    assert reply.last.message_id == 2  # the user's message took id 1 in the chat's sequence
    assert api.deliveries_per_chat[ANN.id] == 1
    assert (await bot.say(BOB, "hi")).text == "hi"
    assert [m.text for m in api.messages_to(ANN.id)] == ["Tom & Jerry <3"]


async def test_command_entity_and_start_payload(bot: BotHarness, api: FakeBotApi) -> None:
    reply = await bot.say(ANN, "/start abc-123")
    message = reply.last
    assert message.text.startswith("Hello! Send me anything")
    assert "Start code: abc-123" in message.text
    assert message.button_texts == ["Yes", "No"]
    assert {"type": "bold", "offset": 0, "length": 6} in message.entities
    plain = await bot.say(ANN, "/start")
    assert "Start code" not in plain.text


async def test_press_edits_message_and_answers(bot: BotHarness, api: FakeBotApi) -> None:
    start = (await bot.say(ANN, "/start")).last
    reply = await bot.press_button(ANN, "Ye")
    assert reply.messages == []
    assert reply.edited == [start]
    assert start.text == "You chose yes."
    assert start.edits[0].startswith("Hello!")
    assert start.buttons == []  # editMessageText without reply_markup drops the keyboard
    assert reply.answer is not None and reply.answer.text == "You chose yes"
    with pytest.raises(LookupError, match="Yes"):
        await bot.press_button(ANN, "Yes")


async def test_stale_press_is_delivered_and_marker_runs_after_errors(
    bot: BotHarness, api: FakeBotApi
) -> None:
    seen: list[Update] = []
    errors: list[object] = []

    async def record(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert isinstance(update, Update)
        seen.append(update)

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    bot.app.add_handler(TypeHandler(Update, record), group=-1)
    bot.app.add_error_handler(on_error)
    reply = await bot.press(ANN, 999, "choice:no")
    assert reply.answer is not None and reply.answer.text == "You chose no"
    query = seen[0].callback_query
    assert query is not None and query.message is not None
    assert not query.message.is_accessible  # date 0, as Telegram sends for old messages
    assert len(errors) == 1 and "message to edit not found" in str(errors[0]).lower()


async def test_user_media_updates_parse_in_ptb(
    api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # durations as timedelta, without a warning
    seen: list[Update] = []
    downloaded: list[bytes] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update)
        message = update.effective_message
        if message is not None and message.document is not None:
            file = await context.bot.get_file(message.document.file_id)
            downloaded.append(bytes(await file.download_as_bytearray()))

    app = build_echo_application(api.base_url)
    app.add_handler(MessageHandler(filters.ALL, record), group=1)
    async with BotHarness(api, app) as bot:
        await bot.sticker(ANN)
        await bot.photo(ANN, caption="me")
        await bot.voice(ANN)
        await bot.document(ANN, "notes.txt", b"hello file")
        await bot.location(ANN)
        first = (await bot.say(ANN, "typo")).update_id
        await bot.edit(ANN, 10, "fixed")
    assert first
    messages = [u.effective_message for u in seen]
    assert all(m is not None for m in messages)
    sticker, photo, voice, document, location, text, _edited = messages
    assert sticker and sticker.sticker and sticker.sticker.emoji
    assert photo and photo.caption == "me" and photo.photo[-1].width == 810
    assert voice and voice.voice and voice.voice.duration.total_seconds() == 3  # type: ignore[union-attr]
    assert document and document.document and document.document.file_name == "notes.txt"
    assert location and location.location and location.location.latitude == pytest.approx(51.5072)
    assert text and text.chat.type == "private" and text.chat.id == ANN.id
    assert seen[-1].edited_message is not None and seen[-1].edited_message.text == "fixed"
    assert downloaded == [b"hello file"]


# ---------------------------------------------------------------- getUpdates over raw HTTP


async def test_long_poll_returns_promptly_and_offsets_confirm(api: FakeBotApi) -> None:
    poll = asyncio.create_task(call(api, "getUpdates", timeout=30))
    await api.wait_for(lambda: bool(api.calls("getUpdates")))
    began = time.monotonic()
    first = api.send_text(ANN, "one")
    status, body = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - began < 1.0
    assert status == 200 and [u["update_id"] for u in body["result"]] == [first]
    second, third = api.send_text(ANN, "two"), api.send_text(ANN, "three")
    _, body = await call(api, "getUpdates", timeout=0)
    assert [u["update_id"] for u in body["result"]] == [first, second, third]
    _, body = await call(api, "getUpdates", offset=second, timeout=0)
    assert [u["update_id"] for u in body["result"]] == [second, third]
    _, body = await call(api, "getUpdates", offset=third + 1, timeout=0)
    assert body == {"ok": True, "result": []}
    assert api.confirmed_update_id == third and not api.pending_updates


async def test_unknown_method_and_json_body(api: FakeBotApi) -> None:
    status, body = await call(api, "sendCarrierPigeon", chat_id=1)
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{api.base_url}{ECHO_TOKEN}/sendMessage",
            json={"chat_id": ANN.id, "text": "json", "reply_markup": {"inline_keyboard": []}},
        ) as response,
    ):
        assert response.status == 200 and (await response.json())["result"]["text"] == "json"
    assert api.last_message_to(ANN.id) is not None


# ---------------------------------------------------------------- validation


async def test_html_validation(bot: BotHarness, api: FakeBotApi) -> None:
    send = bot.app.bot.send_message
    for bad in ("<x>hi</x>", "Tom & Jerry", "a < b", "<b>open", "<b><i>x</b></i>", "</b>"):
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await send(ANN.id, bad, parse_mode="HTML")
    ok = await send(ANN.id, "Tom &amp; Jerry &lt;3 &quot;x&quot; &#169; &#x41;", parse_mode="HTML")
    assert ok.text == 'Tom & Jerry <3 "x" © A'
    assert (await send(ANN.id, "Tom & Jerry <x>")).text == "Tom & Jerry <x>"  # no parse_mode
    link = await send(ANN.id, '<a href="https://e.org/?a=1&amp;b=2">here</a>', parse_mode="HTML")
    assert link.entities[0].url == "https://e.org/?a=1&b=2"
    with pytest.raises(BadRequest, match=r"(?i)text is empty"):
        await send(ANN.id, "<b> </b>", parse_mode="HTML")
    assert parse_html('<span class="tg-spoiler">s</span>')[1][0]["type"] == "spoiler"


async def test_length_limits(bot: BotHarness, api: FakeBotApi) -> None:
    send = bot.app.bot.send_message
    await send(ANN.id, "a" * 4096)
    await send(ANN.id, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")  # counted after parsing
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await send(ANN.id, "a" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.app.bot.send_document(ANN.id, b"x", filename="x.txt", caption="c" * 1025)
    assert len(api.sent) == 2


async def test_callback_data_limit(bot: BotHarness, api: FakeBotApi) -> None:
    def markup(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data=data)]])

    await bot.app.bot.send_message(ANN.id, "ok", reply_markup=markup("é" * 32))  # 64 bytes
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.app.bot.send_message(ANN.id, "no", reply_markup=markup("x" * 65))
    assert [m.text for m in api.sent] == ["ok"]


async def test_edit_errors(bot: BotHarness, api: FakeBotApi) -> None:
    message = await bot.app.bot.send_message(ANN.id, "same")
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.app.bot.edit_message_text("same", ANN.id, message.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.app.bot.edit_message_text("new", ANN.id, 4242)
    await bot.app.bot.delete_message(ANN.id, message.message_id)
    assert api.sent[0].deleted and api.last_message_to(ANN.id) is None


# ---------------------------------------------------------------- blocking, rate limit, failures


async def test_blocked_user_gets_forbidden(bot: BotHarness, api: FakeBotApi) -> None:
    api.block(ANN.id)
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await bot.app.bot.send_message(ANN.id, "hello?")
    await bot.app.bot.send_message(BOB.id, "fine")
    assert api.deliveries_per_chat == {BOB.id: 1}


async def test_rate_limit_with_fake_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # RetryAfter.retry_after as timedelta, no warning
    now = [1000.0]
    api = FakeBotApi(rate_limit_per_second=3, clock=lambda: now[0])
    api.wrote_before(ANN.id, BOB.id)
    async with api, build_echo_application(api.base_url) as app:
        await app.bot.send_message(ANN.id, "1")
        await app.bot.send_chat_action(ANN.id, "typing")  # anything with chat_id counts
        now[0] += 0.5
        await app.bot.send_message(BOB.id, "2")
        with pytest.raises(RetryAfter) as caught:
            await app.bot.send_message(ANN.id, "3")
        assert caught.value.retry_after.total_seconds() == 1  # type: ignore[union-attr]
        now[0] += 0.6  # the first two left the window; the 429 did not enter it
        await app.bot.send_message(ANN.id, "3")
        await app.bot.send_message(ANN.id, "4")
        with pytest.raises(RetryAfter):
            await app.bot.send_message(ANN.id, "5")
    assert api.too_many_requests_sent == 2
    assert [m.text for m in api.sent] == ["1", "2", "3", "4"]


async def test_failure_injection_is_seeded_and_not_delivered() -> None:
    api = FakeBotApi(failure_rate=1.0, seed=7)
    api.wrote_before(ANN.id)
    async with api, build_echo_application(api.base_url) as app:
        for _ in range(6):
            with pytest.raises(NetworkError):
                await app.bot.send_message(ANN.id, "lost")
        await app.bot.send_chat_action(ANN.id, "typing")  # not a send: unaffected
    assert api.sent == [] and not api.deliveries_per_chat
    assert api.bad_gateways_sent > 0 and api.connections_dropped > 0
    assert api.injected_failures == 6


async def test_a_private_chat_that_never_wrote_is_not_found(
    bot: BotHarness, api: FakeBotApi
) -> None:
    stranger = FakeUser(4242, "Stranger")
    tg = bot.app.bot
    sent = await tg.send_message(ANN.id, "to copy")
    attempts = [
        lambda: tg.send_message(stranger.id, "hello"),
        lambda: tg.send_document(stranger.id, b"x", filename="x.txt"),
        lambda: tg.edit_message_text("new", stranger.id, 1),
        lambda: tg.copy_message(stranger.id, ANN.id, sent.message_id),
        lambda: tg.set_my_commands([BotCommand("a", "A")], scope=BotCommandScopeChat(stranger.id)),
    ]
    for attempt in attempts:
        with pytest.raises(BadRequest, match=r"(?i)^chat not found$"):
            await attempt()
    assert api.messages_to(stranger.id) == [] and api.commands_for(stranger.id) == []
    await bot.say(stranger, "hi")  # once they write, the bot may write back
    copied = await tg.copy_message(stranger.id, ANN.id, sent.message_id)
    assert [m.text for m in api.messages_to(stranger.id)] == ["hi", "to copy"]
    assert api.last_message_to(stranger.id).message_id == copied.message_id  # type: ignore[union-attr]


# ---------------------------------------------------------------- commands and documents


async def test_commands_per_scope(bot: BotHarness, api: FakeBotApi) -> None:
    tg = bot.app.bot
    await tg.set_my_commands([BotCommand("start", "Begin"), BotCommand("help", "Help")])
    await tg.set_my_commands([BotCommand("admin", "Admin")], scope=BotCommandScopeChat(ANN.id))
    assert [c["command"] for c in api.commands_for()] == ["start", "help"]
    assert [c["command"] for c in api.commands_for(ANN.id)] == ["admin"]
    assert api.commands_for(BOB.id) == []
    assert [c.command for c in await tg.get_my_commands(scope=BotCommandScopeChat(ANN.id))] == [
        "admin"
    ]
    await tg.delete_my_commands(scope=BotCommandScopeChat(ANN.id))
    assert api.commands_for(ANN.id) == [] and len(api.commands_for()) == 2


async def test_send_document_upload_captured(bot: BotHarness, api: FakeBotApi) -> None:
    content = b"name,date\nAnn,2025-01-01\n" + bytes(range(256))
    result = await bot.app.bot.send_document(
        ANN.id, content, filename="report.csv", caption="<b>Your</b> report", parse_mode="HTML"
    )
    assert result.document is not None and result.document.file_name == "report.csv"
    message = api.last_message_to(ANN.id)
    assert message is not None
    assert message.document == ("report.csv", content)
    assert message.text == "Your report"


async def test_an_empty_or_oversized_upload_is_refused_as_telegram_does(
    bot: BotHarness, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    from telegram.error import BadRequest, TelegramError

    from bot.standin import api as standin_api

    with pytest.raises(BadRequest, match=r"(?i)file must be non-empty"):
        await bot.app.bot.send_document(ANN.id, b"", filename="empty.csv")
    monkeypatch.setattr(standin_api, "MAX_UPLOAD_BYTES", 10)
    with pytest.raises(TelegramError, match=r"(?i)too large"):
        await bot.app.bot.send_document(ANN.id, b"x" * 11, filename="big.csv")
    assert api.last_message_to(ANN.id) is None


async def test_wait_for_times_out_with_context(api: FakeBotApi) -> None:
    with pytest.raises(TimeoutError, match="never true"):
        await api.wait_for(lambda: False, timeout=0.05, what="never true")


def test_echo_factory_builds_application() -> None:
    app = build_echo_application("http://127.0.0.1:1/bot")
    assert isinstance(app, Application) and app.bot.base_url.startswith("http://127.0.0.1:1/bot")
