"""Telegram's errors, in bot/delivery.py's words (PTB's own error types, as it raises them)."""

from __future__ import annotations

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.delivery import Blocked, Delivered, Kind, NotReachable, Refused, Result, RetryLater
from bot.telegram.retry import with_retries
from bot.telegram.send import result_of

TOKEN = "123456:secret-token-value"


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        # PTB drops "Bad Request: " and capitalises: matched whatever the case.
        (BadRequest("Chat not found"), Kind.NOT_REACHABLE),
        (BadRequest("Bad Request: chat not found"), Kind.NOT_REACHABLE),
        (BadRequest("CHAT NOT FOUND"), Kind.NOT_REACHABLE),
        (BadRequest("User not found"), Kind.NOT_REACHABLE),
        (BadRequest("Peer_id_invalid"), Kind.NOT_REACHABLE),
        (Forbidden("Forbidden: user is deactivated"), Kind.NOT_REACHABLE),
        (Forbidden("Forbidden: bot can't initiate conversation with a user"), Kind.NOT_REACHABLE),
        (ChatMigrated(-1001234), Kind.NOT_REACHABLE),
        (Forbidden("Forbidden: bot was blocked by the user"), Kind.BLOCKED),
        (TimedOut(), Kind.RETRY_LATER),
        (NetworkError("Bad Gateway"), Kind.RETRY_LATER),
        (NetworkError("Internal Server Error (500)"), Kind.RETRY_LATER),
        (BadRequest("Can't parse entities: can't find end tag corresponding to start tag i"),
         Kind.REFUSED),
        (BadRequest("Message is too long"), Kind.REFUSED),
        (BadRequest("Button_data_invalid"), Kind.REFUSED),
        (BadRequest("Message to edit not found"), Kind.REFUSED),
        (Conflict("Conflict: terminated by other getUpdates request"), Kind.REFUSED),
    ],
)
def test_each_error_has_its_kind(error: TelegramError, kind: Kind) -> None:
    assert result_of(error).kind is kind


def test_a_429_carries_the_seconds_and_a_network_failure_none() -> None:
    assert result_of(RetryAfter(7)) == RetryLater(7.0, "429")
    timed_out = result_of(TimedOut())
    assert isinstance(timed_out, RetryLater) and timed_out.seconds is None


def test_not_reachable_and_refused_keep_telegrams_words_for_the_log() -> None:
    assert result_of(BadRequest("Chat not found")) == NotReachable("Chat not found")
    assert result_of(BadRequest("Message is too long")) == Refused("Message is too long")


def test_no_result_quotes_the_token() -> None:
    for error in (
        InvalidToken(f"Invalid token {TOKEN}"),
        NetworkError(f"Unknown error in HTTP implementation: https://api.telegram.org/bot{TOKEN}"),
    ):
        assert TOKEN not in repr(result_of(error))


def test_the_kinds_are_the_words_the_ledgers_store() -> None:
    assert [k.value for k in Kind] == [
        "delivered", "blocked", "not_reachable", "retry_later", "refused"
    ]  # fmt: skip
    assert Delivered(5).kind == "delivered" and Blocked().kind == "blocked"


class Script:
    """Answers one result after another, and records the waits asked for."""

    def __init__(self, *results: Result) -> None:
        self.results = list(results)
        self.calls = 0
        self.waits: list[float] = []

    async def call(self) -> Result:
        self.calls += 1
        return self.results.pop(0)

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


async def test_a_reply_waits_what_a_429_asks_and_backs_off_after_network_trouble() -> None:
    script = Script(RetryLater(2.0), RetryLater(None, "TimedOut"), Delivered(9))
    assert await with_retries(script.call, sleep=script.sleep) == Delivered(9)
    assert script.waits == [pytest.approx(2.1), 0.3]


@pytest.mark.parametrize("final", [Blocked(), NotReachable("Chat not found"), Refused("x")])
async def test_what_will_not_get_better_is_not_retried(final: Result) -> None:
    script = Script(final)
    assert await with_retries(script.call, sleep=script.sleep) == final
    assert script.calls == 1 and script.waits == []


async def test_retries_end_with_the_last_answer() -> None:
    script = Script(*[RetryLater(None, "NetworkError")] * 3)
    result = await with_retries(script.call, sleep=script.sleep, attempts=3)
    assert isinstance(result, RetryLater) and script.calls == 3
