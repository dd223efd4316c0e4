"""Cleaning what people type before we keep it."""

from __future__ import annotations

import unicodedata

NAME_MAX = 64
CONTACT_MAX = 200
NOTE_MAX = 1000
QUESTION_MAX = 2000

ZERO_WIDTH_JOINER = "\u200d"
# What an emoji sequence is made of: a joiner between two of these is part of one picture.
_EMOJI_PARTS = ("So", "Sk", "Mn")


def _emoji_joiner(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return bool(before and after) and all(
        unicodedata.category(ch) in _EMOJI_PARTS for ch in (before, after)
    )


def _hidden(text: str, index: int) -> bool:
    """Controls, broken halves of characters (lone surrogates), and invisible format
    characters: zero-width spaces and joiners, direction overrides, byte order marks."""
    category = unicodedata.category(text[index])
    if category in ("Cc", "Cs"):
        return True
    if category == "Cf":
        return not (text[index] == ZERO_WIDTH_JOINER and _emoji_joiner(text, index))
    return False


def without_hidden(text: str) -> str:
    """The text with hidden characters removed; line breaks are kept."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(
        "".join(ch for i, ch in enumerate(line) if not _hidden(line, i)) for line in lines
    )


def clean(text: str) -> str:
    """Normalise, drop hidden characters (keeping line breaks) and trim.

    Emoji (with the joiners inside them) and right-to-left text are kept as typed; what
    could hide or reorder the text coordinators see, or break a message, a CSV or the
    database, is removed.
    """
    normalised = unicodedata.normalize("NFC", text).replace("\t", " ")
    return without_hidden(normalised).strip()


def one_line(text: str) -> str:
    return " ".join(clean(text).split())
