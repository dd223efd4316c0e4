"""What the simulated people of the throughput benchmarks do: the sign-up journey's steps,
and the echo bot's two."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase

FULL_EVERY = 200  # 1 volunteer in 200 goes through the whole journey


@dataclasses.dataclass(frozen=True)
class Step:
    """One update a person sends: typed text, or a press on the newest button whose
    callback data matches a pattern such as "v:info:next.*"."""

    name: str
    text: str | None = None
    press: str | None = None


def first_contact(code: str) -> tuple[Step, ...]:
    """Open the panel's sign-up link and agree to the privacy notice."""
    return (
        Step("open the sign-up link", text=f"/start {code}"),
        Step("agree to the privacy notice", press="c:agree:*"),
    )


def whole_journey(code: str) -> tuple[Step, ...]:
    """From the sign-up link to "Send"."""
    return (
        *first_contact(code),
        *[Step("turn an information page", press="v:info:next.*")] * 8,
        Step("type their name", text="Sam"),
        Step("choose a role", press="v:role:service_user"),
        Step("skip contact details", press="v:contact:skip"),
        Step("agree to keep needs", press="v:needs_consent:yes"),
        Step("tick a need", press="v:needs:t.reading_stand"),
        Step("tick a need", press="v:needs:t.drinks"),
        Step("finish needs", press="v:needs:done"),
        Step("skip the needs note", press="v:needs_note:skip"),
        *[Step("answer availability", press="v:availability:*.yes")] * 6,
        Step("tick a day", press="v:days:t.mon"),
        Step("finish days", press="v:days:done"),
        Step("declare no conflicts", press="v:conflicts:none"),
        Step("choose interviews", press="v:interviews:yes"),
        Step("choose payment", press="v:payment:paid"),
        Step("send the application", press="v:summary:send"),
    )


ECHO = (Step("/start", text="/start"), Step("press a button", press="choice:*"))


def find_button(messages: Sequence[tuple[int, Iterable[str]]], pattern: str) -> tuple[int, str]:
    """The newest (message id, callback data) matching `pattern`, from messages oldest first,
    each with its buttons' callback data."""
    for message_id, buttons in reversed(messages):
        for data in buttons:
            if fnmatchcase(data, pattern):
                return message_id, data
    shown = [list(buttons) for _, buttons in messages]
    raise AssertionError(f"no button matching {pattern!r}; buttons: {shown}")
