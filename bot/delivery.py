"""What became of one send: the one vocabulary every sender answers in.

No chat app here: bot/telegram/send.py turns Telegram's answers into these, and the use
cases (broadcasts, the scheduler) decide from them what to record and whether to try again.
A send never raises for the chat app's answers; it says what happened instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar


class Kind(StrEnum):
    DELIVERED = "delivered"
    BLOCKED = "blocked"  # the person blocked the bot (403)
    NOT_REACHABLE = "not_reachable"  # no such chat for the bot: never opened, deactivated
    RETRY_LATER = "retry_later"  # flood control (429), a network failure or a 5xx
    REFUSED = "refused"  # this message will never go (bad markup, too long): a bug of ours


@dataclass(frozen=True)
class Delivered:
    kind: ClassVar[Kind] = Kind.DELIVERED
    message_id: int


@dataclass(frozen=True)
class Blocked:
    kind: ClassVar[Kind] = Kind.BLOCKED


@dataclass(frozen=True)
class NotReachable:
    kind: ClassVar[Kind] = Kind.NOT_REACHABLE
    reason: str  # the chat app's words, for the log: never the message or a person's details


@dataclass(frozen=True)
class RetryLater:
    kind: ClassVar[Kind] = Kind.RETRY_LATER
    seconds: float | None = None  # what flood control asked for; None for network trouble
    reason: str = ""


@dataclass(frozen=True)
class Refused:
    kind: ClassVar[Kind] = Kind.REFUSED
    reason: str


Result = Delivered | Blocked | NotReachable | RetryLater | Refused
