"""Typed words to the button they mean: its number, its words, or a plain yes or no."""

from __future__ import annotations

from bot.replies import Button, Keyboard
from bot.rules.words import normalise
from bot.rules.yes_no import sense_of, sense_of_label


def match_button(keyboard: Keyboard, typed: str) -> Button | list[Button] | None:
    """One button, the buttons it is close to (ask which), or None (not an answer)."""
    flat = [b for row in keyboard for b in row]
    wanted = normalise(typed)
    stripped = typed.strip()
    if stripped.isascii() and stripped.isdigit() and 1 <= int(stripped) <= len(flat):
        return flat[int(stripped) - 1]
    words = [(b, normalise(b.label)) for b in flat]
    if wanted:
        for test in (
            lambda label: label == wanted,
            lambda label: len(wanted) >= 3 and label.startswith(wanted),
            lambda label: len(wanted) >= 3 and f" {wanted} " in f" {label} ",
        ):
            found = [b for b, label in words if test(label)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1 and len(wanted) >= 3:
                return found
    sense = sense_of(typed)
    if sense is not None:
        found = [b for b in flat if sense_of_label(b.label) == sense]
        if len(found) == 1:
            return found[0]
        return found or None
    return None
