"""The load generator's end of the stand-in's control API (bench/fair/standin.py)."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiohttp

from bench.steps import Step, find_button

# Above the stand-in's own timeouts, which answer with what went wrong.
CONTROL_TIMEOUT = aiohttp.ClientTimeout(total=300)


class ControlError(RuntimeError):
    """The stand-in refused or timed out; the message says why."""


@dataclass(frozen=True)
class Answer:
    update_id: int
    answered_at: float  # time.monotonic() of the bot's last answer, at the stand-in
    answers: int
    messages: list[tuple[int, list[str]]]  # message id, its buttons' callback data


class StandInControl:
    def __init__(self, url: str) -> None:
        self.url = url
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> StandInControl:
        # As many connections as people at once, so that none waits for a free one.
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0), timeout=CONTROL_TIMEOUT
        )
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        assert self._session is not None, "use `async with StandInControl(url)`"
        async with self._session.post(f"{self.url}/{path}", json=body) as response:
            answer: dict[str, Any] = await response.json()
            if response.status != 200:
                raise ControlError(f"{path}: {answer.get('error', response.status)}")
            return answer

    async def known(self, bot: str, *chat_ids: int) -> None:
        await self._post("known", {"bot": bot, "chat_ids": list(chat_ids)})

    async def status(self, bot: str) -> dict[str, Any]:
        return await self._post("status", {"bot": bot})

    async def quiet(
        self, bot: str, *, settle: float, people: list[int], within: float = 60.0
    ) -> dict[str, Any]:
        """Once the bot has been quiet for `settle` s: its totals, and in "theirs" the
        answers made to `people` so far."""
        body = {"bot": bot, "settle": settle, "people": people, "timeout": within}
        return await self._post("quiet", body)

    async def act(
        self,
        bot: str,
        user: int,
        step: Step,
        last: Answer | None,
        *,
        expect: int | None,
        settle: float = 0.0,
        within: float = 60.0,
    ) -> Answer:
        """Send `step` as person `user` (pressing a button of `last`, the answer to their
        previous step) and wait for `expect` answers (None: until their chat is quiet)."""
        body: dict[str, Any] = {"bot": bot, "user": user, "name": f"Volunteer{user}",
                                "expect": expect, "settle": settle, "timeout": within}  # fmt: skip
        if step.text is not None:
            body["text"] = step.text
        else:
            assert step.press is not None and last is not None, f"{step.name}: nothing to press"
            body["message_id"], body["data"] = find_button(last.messages, step.press)
        answer = await self._post("act", body)
        return Answer(
            int(answer["update_id"]),
            float(answer["answered_at"]),
            int(answer["answers"]),
            [(int(m), list(data)) for m, data in answer["messages"]],
        )
