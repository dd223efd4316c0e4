"""The usual ways people type yes and no, so a yes/no question takes them as answers."""

from __future__ import annotations

from typing import Literal

from bot.rules.words import normalise

Sense = Literal["yes", "no"]

YES_WORDS = frozenset({
    "y", "yes", "yes please", "yeah", "yea", "yep", "yup", "ya", "aye", "ok", "okay", "k",
    "sure", "fine", "alright", "all right", "of course", "go ahead", "please", "please do",
    "yes thanks", "yes thank you", "thats ok", "thats fine", "that is fine", "correct",
    "right", "agreed", "i agree", "definitely", "absolutely", "👍", "✅", "✔", "☑",
})  # fmt: skip
NO_WORDS = frozenset({
    "n", "no", "nope", "nah", "no thanks", "no thank you", "not really", "not now",
    "no way", "not today", "dont", "please dont", "no please dont", "never", "i dont agree",
    "👎", "❌", "✖",
})  # fmt: skip
_SYMBOLS: dict[str, Sense] = {
    "👍": "yes", "✅": "yes", "✔": "yes", "☑": "yes", "👎": "no", "❌": "no", "✖": "no",
}  # fmt: skip


def sense_of(typed: str) -> Sense | None:
    """'Yes please' -> yes, 'nope' -> no, '👍' -> yes; anything else -> None."""
    stripped = typed.strip().replace("\ufe0f", "")
    for symbol, sense in _SYMBOLS.items():
        if stripped.startswith(symbol) and not stripped.replace(symbol, "").strip():
            return sense
    words = normalise(typed)
    if words in YES_WORDS:
        return "yes"
    if words in NO_WORDS:
        return "no"
    return None


def sense_of_label(label: str) -> Sense | None:
    """A button's own sense: 'Yes, that's OK' is yes, 'No, keep it' is no, 'None' is neither."""
    first = normalise(label).split(" ")[0] if normalise(label) else ""
    if first == "yes":
        return "yes"
    if first == "no":
        return "no"
    return None
