"""The stand-in Bot API in a process of its own, with a control API for the load generator.

    python -m bench.fair.standin --bot panelbot=123:TOKEN --bot echo=124:TOKEN ...

Each bot gets its own FakeBotApi (its own port, its own token, which it enforces as Telegram
does), all in this one process, so the bots compared meet the same stand-in. Once every
port listens, one JSON line on stdout says where: {"control": URL, "apis": {bot: base_url}}.
SIGTERM or SIGINT stops it.

The control API (POST, JSON in and out, every body naming its "bot"):
- /known {"chat_ids": [...]}: these people opened the bot before (FakeBotApi.wrote_before).
- /status {}: {"polls": getUpdates so far, "polling": one is open now, "answers": ...}.
- /act {"user", "name", "text" | "message_id" + "data", "expect", "timeout"}: inject a message
  or a press, then answer once the bot has made `expect` answers to that person (see ANSWERS),
  with "answered_at" (time.monotonic() of the last of them: CLOCK_MONOTONIC, the same clock
  in every process on the machine) and the person's messages with their buttons. With
  "expect": null it waits until the person's chat has been quiet for "settle" seconds after
  at least one answer, and says how many there were: the benchmark's calibration.
- /quiet {"settle", "timeout", "people"}: wait until the bot has fetched every update and made
  no answer for "settle" seconds; the totals so far, and in "theirs" the answers to "people".

Watching changes nothing the bot sees: the stand-in stays as strict as Telegram.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from bot.standin.api import FakeBotApi, FakeUser, Handler
from bot.standin.objects import JSON

#: Requests that answer a person (lower case, as FakeBotApi keys its methods).
ANSWERS = frozenset(
    {"sendmessage", "senddocument", "copymessage", "editmessagetext", "editmessagecaption",
     "editmessagereplymarkup", "deletemessage", "answercallbackquery", "sendchataction"}
)  # fmt: skip


class WatchedApi(FakeBotApi):
    """A FakeBotApi that notes each answer to a person as it succeeds, so that a waiter for
    one person wakes only for that person's answers."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.answers: Counter[int] = Counter()  # chat id -> answers that succeeded
        self.answered_last: dict[int, float] = {}  # chat id -> time.monotonic() of the last
        self.total_answers = 0
        self.last_answer_at = time.monotonic()
        self.refused: Counter[str] = Counter()  # method -> answers other than 200
        self.polls = 0
        self.polling = 0  # getUpdates open now
        self._waiters: defaultdict[int, list[tuple[int, asyncio.Future[float]]]] = defaultdict(list)
        self._query_chats: dict[str, int] = {}  # callback query id -> chat id
        for name in ANSWERS:
            self._methods[name] = self._noting(self._methods[name])
        self._methods["getupdates"] = self._counting(self._methods["getupdates"])

    def _noting(self, method: Handler) -> Handler:
        async def noted(params: JSON) -> Any:
            result = await method(params)
            if "chat_id" in params:
                self._answered(int(params["chat_id"]))
            elif chat := self._query_chats.pop(str(params.get("callback_query_id")), None):
                self._answered(chat)
            return result

        return noted

    def _counting(self, method: Handler) -> Handler:
        async def counted(params: JSON) -> Any:
            self.polls += 1
            self.polling += 1
            try:
                return await method(params)
            finally:
                self.polling -= 1

        return counted

    def _answered(self, chat_id: int) -> None:
        now = time.monotonic()
        self.answers[chat_id] += 1
        self.total_answers += 1
        self.last_answer_at = self.answered_last[chat_id] = now
        count = self.answers[chat_id]
        waiting = self._waiters.get(chat_id)
        if not waiting:
            return
        for target, future in [w for w in waiting if w[0] <= count]:
            waiting.remove((target, future))
            if not future.done():
                future.set_result(now)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        response = await super()._handle(request)
        if response.status != 200:
            self.refused[request.match_info["method"]] += 1
        return response

    def press(self, user: FakeUser, message_id: int, data: str) -> int:
        update_id = super().press(user, message_id, data)
        self._query_chats[self.callback_query_ids[update_id]] = user.id
        return update_id

    async def answered(self, chat_id: int, count: int, timeout: float) -> float:  # noqa: ASYNC109
        """When the chat's `count`-th answer came (time.monotonic()), waiting for it."""
        if self.answers[chat_id] >= count:
            return self.answered_last[chat_id]
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        entry = (count, future)
        self._waiters[chat_id].append(entry)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            if entry in self._waiters[chat_id]:
                self._waiters[chat_id].remove(entry)
            if not self._waiters[chat_id]:
                del self._waiters[chat_id]

    def unfetched(self) -> int:
        return sum(u["update_id"] not in self.fetched_update_ids for u in self.pending_updates)

    def status(self) -> JSON:
        return {
            "polls": self.polls,
            "polling": self.polling > 0,
            "answers": self.total_answers,
            "refused": dict(self.refused),
            "requests": len(self.requests),
            "unfetched": self.unfetched(),
        }


def _buttons(api: FakeBotApi, chat_id: int, since: int) -> list[tuple[int, list[str]]]:
    """The chat's messages sent or edited since event `since`, as BotHarness collects them,
    each with its buttons' callback data."""
    seen: list[tuple[int, list[str]]] = []
    ids: set[int] = set()
    for kind, message in api.events[since:]:
        if message.chat_id != chat_id or kind == "deleted" or message.message_id in ids:
            continue
        ids.add(message.message_id)
        data = [b.callback_data for row in message.buttons for b in row if b.callback_data]
        seen.append((message.message_id, data))
    return seen


class Control:
    """The load generator's side door into the stand-ins."""

    def __init__(self, apis: dict[str, WatchedApi]) -> None:
        self.apis = apis
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        for name in ("known", "status", "act", "quiet"):
            app.router.add_post(f"/{name}", self._route(name))
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _route(self, name: str) -> Any:
        action = getattr(self, f"_{name}")

        async def handle(request: web.Request) -> web.Response:
            body = await request.json()
            api = self.apis.get(str(body.get("bot")))
            if api is None:
                return web.json_response({"error": f"no bot {body.get('bot')!r}"}, status=404)
            try:
                return web.json_response(await action(api, body))
            except TimeoutError as error:
                recent = ", ".join(name for name, _ in api.requests[-8:])
                text = f"{error or 'timed out'}; last requests: [{recent}]"
                return web.json_response({"error": text}, status=504)

        return handle

    async def _known(self, api: WatchedApi, body: JSON) -> JSON:
        api.wrote_before(*(int(chat_id) for chat_id in body["chat_ids"]))
        return {}

    async def _status(self, api: WatchedApi, body: JSON) -> JSON:
        return api.status()

    async def _act(self, api: WatchedApi, body: JSON) -> JSON:
        user = FakeUser(int(body["user"]), str(body.get("name", "Volunteer")))
        timeout = float(body.get("timeout", 60.0))
        since, before = len(api.events), api.answers[user.id]
        if body.get("text") is not None:
            update_id = api.send_text(user, str(body["text"]))
        else:
            update_id = api.press(user, int(body["message_id"]), str(body["data"]))
        expect = body.get("expect")
        try:
            if expect is not None:
                answered_at = await api.answered(user.id, before + int(expect), timeout)
            else:
                answered_at = await _settled(api, user.id, before, float(body["settle"]), timeout)
        except TimeoutError:
            got = api.answers[user.id] - before
            raise TimeoutError(
                f"update {update_id}: {got} answers of {expect} within {timeout:g} s"
            ) from None
        return {
            "update_id": update_id,
            "answered_at": answered_at,
            "answers": api.answers[user.id] - before,
            "messages": _buttons(api, user.id, since),
        }

    async def _quiet(self, api: WatchedApi, body: JSON) -> JSON:
        settle = float(body.get("settle", 0.2))
        async with asyncio.timeout(float(body.get("timeout", 60.0))):
            # Quiet is an absence over time: nothing to wait on but the clock.
            while True:
                left = api.last_answer_at + settle - time.monotonic()
                if left <= 0 and not api.unfetched():
                    break
                await asyncio.sleep(max(left, 0.01))
        theirs = sum(api.answers[int(chat_id)] for chat_id in body.get("people", []))
        return {**api.status(), "theirs": theirs}


async def _settled(
    api: WatchedApi,
    chat_id: int,
    before: int,
    settle: float,
    timeout: float,  # noqa: ASYNC109
) -> float:
    """When the last answer came, once none has come for `settle` seconds."""
    last = await api.answered(chat_id, before + 1, timeout)
    while True:
        try:
            last = await api.answered(chat_id, api.answers[chat_id] + 1, settle)
        except TimeoutError:
            return last


def _bot(text: str) -> tuple[str, str]:
    name, sep, token = text.partition("=")
    if not sep or not name or not token:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=TOKEN")
    return name, token


async def serve(bots: Sequence[tuple[str, str]]) -> None:
    apis = {
        name: WatchedApi(token=token, bot_id=7_000_001 + number, bot_username=f"bench_{number}_bot")
        for number, (name, token) in enumerate(bots)
    }
    control = Control(apis)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        for api in apis.values():
            await api.start()
        await control.start()
        where = {"control": control.url, "apis": {n: a.base_url for n, a in apis.items()}}
        print(json.dumps(where), flush=True)
        await stop.wait()
    finally:
        await control.stop()
        for api in apis.values():
            with contextlib.suppress(Exception):
                await api.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fair.standin", description=__doc__)
    parser.add_argument(
        "--bot", type=_bot, action="append", required=True, metavar="NAME=TOKEN", help="a bot"
    )
    args = parser.parse_args(argv)
    asyncio.run(serve(args.bot))
    return 0


if __name__ == "__main__":
    sys.exit(main())
