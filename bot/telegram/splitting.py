"""Splitting a long HTML message into parts Telegram accepts.

Telegram parses each message's HTML whole and counts its 4,096 characters after parsing
(tags count nothing, an entity such as `&amp;` counts one). So a part is cut only between
tags, entities and characters, never inside one; tags still open at a cut are closed at the
end of that part and opened again at the start of the next. A cut goes at the last line
break that fits, if it leaves the part at least half full; else at the last space, else
wherever the limit falls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"(?P<end></[a-zA-Z][a-zA-Z0-9-]*\s*>)"
    r"|(?P<start><[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?>)"
    r"|(?P<entity>&(?:[a-zA-Z]+|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)"
    r"|(?P<char>[\s\S])"
)
_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")


@dataclass(frozen=True, slots=True)
class _Token:
    raw: str
    kind: str  # "start", "end", "entity" or "char"

    @property
    def visible(self) -> int:
        return 1 if self.kind in ("entity", "char") else 0

    @property
    def name(self) -> str:
        found = _NAME.match(self.raw)
        return "" if found is None else found.group(1).lower()


def _tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        found.append(_Token(match.group(0), kind))
    return found


def visible_length(text: str) -> int:
    """Characters as Telegram counts them once the HTML is parsed."""
    return sum(token.visible for token in _tokens(text))


def _after(token: _Token, open_tags: list[_Token]) -> list[_Token]:
    if token.kind == "start":
        return [*open_tags, token]
    if token.kind == "end" and open_tags and open_tags[-1].name == token.name:
        return open_tags[:-1]
    return open_tags


def _part(open_at_start: list[_Token], body: list[_Token], open_at_end: list[_Token]) -> str:
    closing = "".join(f"</{token.name}>" for token in reversed(open_at_end))
    return "".join(t.raw for t in open_at_start) + "".join(t.raw for t in body) + closing


_BREAKS = {"\n": "line", " ": "space"}


def _best(
    breaks: dict[str, tuple[int, int, list[_Token]]], limit: int
) -> tuple[int, int, list[_Token]] | None:
    """A line break in the second half of the part, else a space, else any line break."""
    line, space = breaks.get("line"), breaks.get("space")
    if line is not None and (line[1] >= limit // 2 or space is None):
        return line
    return space


def split_html(text: str, limit: int) -> list[str]:
    """Parts of at most `limit` visible characters, each valid HTML if the whole is."""
    if len(text) <= limit:
        return [text]  # tags and entities count less than they take: nothing to cut
    tokens = _tokens(text)
    if sum(token.visible for token in tokens) <= limit:
        return [text]
    parts: list[str] = []
    open_tags: list[_Token] = []
    start = 0
    while start < len(tokens):
        state, length, index = open_tags, 0, start
        breaks: dict[str, tuple[int, int, list[_Token]]] = {}
        while index < len(tokens):
            token = tokens[index]
            if token.raw in _BREAKS:
                breaks[_BREAKS[token.raw]] = (index, length, state)
            if length + token.visible > limit:
                break
            length += token.visible
            state = _after(token, state)
            index += 1
        end, resume, state_at_end = index, index, state
        if index < len(tokens):
            cut = _best(breaks, limit)
            if cut is not None and cut[0] > start:
                end, resume, state_at_end = cut[0], cut[0] + 1, cut[2]
        part = _part(open_tags, tokens[start:end], state_at_end)
        if any(t.visible and not t.raw.isspace() for t in tokens[start:end]):
            parts.append(part)  # Telegram refuses a message with nothing to see
        open_tags, start = state_at_end, resume
    return parts
