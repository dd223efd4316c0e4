"""Cleaning what people type before we keep it."""

from __future__ import annotations

import unicodedata

NAME_MAX = 64
CONTACT_MAX = 200
NOTE_MAX = 1000
QUESTION_MAX = 2000


def clean(text: str) -> str:
    """Normalise, drop control characters (keeping line breaks) and trim.

    Emoji and right-to-left text are kept as typed; only invisible controls that could
    break a message or a CSV are removed.
    """
    normalised = unicodedata.normalize("NFC", text)
    kept = "".join(ch for ch in normalised if ch == "\n" or unicodedata.category(ch) != "Cc")
    return kept.strip()


def one_line(text: str) -> str:
    return " ".join(clean(text).split())
