"""How typed words are compared: case, punctuation and spacing never matter."""

from __future__ import annotations

import re

_APOSTROPHES = re.compile("['\u2019`\u00b4]")  # straight, curly, grave and acute
_NOT_WORD = re.compile(r"[^\w]+")


_I_AM = re.compile(r"\bi(?:['\u2019])?(m|ll|d|ve)\b")
_I_AM_FULL = {"m": "i am", "ll": "i will", "d": "i would", "ve": "i have"}


def normalise(text: str) -> str:
    """'I CAN'T cope!!' -> 'i cant cope', "I'm a carer" -> 'i am a carer'. Emoji and
    punctuation become spaces."""
    lowered = _I_AM.sub(lambda m: _I_AM_FULL[m.group(1)], text.casefold())
    joined = _APOSTROPHES.sub("", lowered)
    return " ".join(_NOT_WORD.sub(" ", joined).split())


def contains_phrase(text: str, phrase: str) -> bool:
    """Whole words only: 'hopeless' is in 'feeling hopeless', 'low' is not in 'below'."""
    return f" {normalise(phrase)} " in f" {normalise(text)} "
