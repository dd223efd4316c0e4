"""Telegram's HTML parse mode, as strictly as the Bot API applies it.

``parse_html`` returns the plain text the user sees plus Bot API ``MessageEntity`` dicts
(offsets in UTF-16 code units), or raises ``EntityParseError`` with a description in
Telegram's style ("Unsupported start tag ...", "Can't find end tag ...").

This is deliberately a little stricter than Telegram on one point: a bare ``&`` that does not
start ``&lt; &gt; &amp; &quot;`` or a numeric entity is rejected, so that text a person typed
must always be escaped before it is sent.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bot.standin.objects import JSON, bad_request, utf16_len

ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
     "tg-emoji", "code", "pre", "blockquote"}
)  # fmt: skip
_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "span": "spoiler", "tg-spoiler": "spoiler", "a": "text_link", "tg-emoji": "custom_emoji",
    "code": "code", "pre": "pre", "blockquote": "blockquote",
}  # fmt: skip
_CHAR_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_START_TAG = re.compile(
    r"<([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*>"
)
_ATTRIBUTE = re.compile(
    r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?"
)
_END_TAG = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)\s*>")
_PLAIN = re.compile(r"[^&<]+")

MAX_TEXT = 4096
MAX_CAPTION = 1024


class EntityParseError(ValueError):
    pass


@dataclass
class _Open:
    name: str
    attrs: dict[str, str]
    offset: int
    children: list[str] = field(default_factory=list)


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_html(text: str) -> tuple[str, list[JSON]]:
    out: list[str] = []
    pos16 = 0
    stack: list[_Open] = []
    entities: list[JSON] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "&":
            match = _CHAR_ENTITY.match(text, i)
            if match is None:
                raise EntityParseError(
                    f"Unsupported HTML entity at byte offset {_byte_offset(text, i)}"
                )
            decoded = html.unescape(match.group(0))
            out.append(decoded)
            pos16 += utf16_len(decoded)
            i = match.end()
        elif char != "<":
            # A whole run of plain text at once: a long message costs one step, not thousands.
            plain = _PLAIN.match(text, i)
            assert plain is not None
            out.append(plain.group(0))
            pos16 += utf16_len(plain.group(0))
            i = plain.end()
        elif text.startswith("</", i):
            match = _END_TAG.match(text, i)
            where = _byte_offset(text, i)
            if match is None:
                raise EntityParseError(f"Unsupported end tag at byte offset {where}")
            name = match.group(1).lower()
            if not stack:
                raise EntityParseError(f'Unexpected end tag "</{name}>" at byte offset {where}')
            if stack[-1].name != name:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {where}, expected "</{stack[-1].name}>", '
                    f'found "</{name}>"'
                )
            _close(stack.pop(), pos16, entities, stack)
            i = match.end()
        else:
            match = _START_TAG.match(text, i)
            where = _byte_offset(text, i)
            if match is None:
                name = re.split(r"[\s>]", text[i + 1 :], maxsplit=1)[0]
                raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {where}')
            name = match.group(1).lower()
            if name not in ALLOWED_TAGS:
                raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {where}')
            attrs = {
                m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
                for m in _ATTRIBUTE.finditer(match.group(2))
            }
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise EntityParseError('Tag "span" must have class "tg-spoiler"')
            if name == "tg-emoji" and not attrs.get("emoji-id"):
                raise EntityParseError('Tag "tg-emoji" must have attribute "emoji-id"')
            if stack:
                stack[-1].children.append(name)
            stack.append(_Open(name, attrs, pos16))
            i = match.end()
    if stack:
        raise EntityParseError(f"Can't find end tag corresponding to start tag {stack[-1].name}")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close(tag: _Open, end16: int, entities: list[JSON], stack: list[_Open]) -> None:
    length = end16 - tag.offset
    if length <= 0:
        return
    entity: JSON = {"type": _ENTITY_TYPES[tag.name], "offset": tag.offset, "length": length}
    if tag.name == "a":
        if "href" not in tag.attrs:
            return
        entity["url"] = tag.attrs["href"]
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    elif tag.name == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "code" and stack and stack[-1].name == "pre":
        language = tag.attrs.get("class", "")
        if language.startswith("language-"):
            # <pre><code class="language-x"> is one pre entity with a language
            stack[-1].attrs["language"] = language.removeprefix("language-")
            return
    elif tag.name == "pre" and "language" in tag.attrs:
        entity["language"] = tag.attrs["language"]
    entities.append(entity)


def render(text: str, parse_mode: str | None, *, limit: int, what: str) -> tuple[str, list[JSON]]:
    """Apply parse_mode and Telegram's length rules; raise ApiError(400) like the Bot API."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            plain, entities = parse_html(text)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    elif mode in ("", "markdown", "markdownv2"):
        plain, entities = text, []
    else:
        raise bad_request("unsupported parse_mode")
    if what == "text" and not plain.strip():
        raise bad_request("message text is empty")
    if len(plain.strip()) > limit:
        raise bad_request(
            "message is too long" if what == "text" else "message caption is too long"
        )
    return plain, entities
