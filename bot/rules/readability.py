"""How hard a coordinator's own text is to read: Flesch reading ease and long sentences.

The same measures tests/unit/test_plain_english.py holds the bot's own words to. A hint,
never a rule: the coordinator may send what they wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLAIN_SCORE = 60  # Flesch reading ease at or above this reads as plain English
LONG_SENTENCE = 20  # words
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Hint:
    score: int
    long_sentences: tuple[str, ...]  # each one's first few words

    @property
    def plain(self) -> bool:
        return self.score >= PLAIN_SCORE and not self.long_sentences


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def hint(text: str) -> Hint:
    long = tuple(
        " ".join(words[:6]) + " …"
        for words in (s.split() for s in sentences(text))
        if len(words) > LONG_SENTENCE
    )
    # Imported here: loading textstat (its word lists) costs start-up a tenth of a second and
    # a few MB, for a hint only a broadcast's preview asks for.
    import textstat  # type: ignore[import-untyped]

    score = round(textstat.flesch_reading_ease(text))
    return Hint(max(0, min(100, score)), long)
