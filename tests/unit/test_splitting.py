"""Splitting long HTML: every part parses as Telegram parses it, fits the limit as Telegram
counts it, and together the parts show everything."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.standin.html import parse_html
from bot.telegram.splitting import split_html, visible_length

TYPED = st.text(alphabet=st.sampled_from(list("ab <>&\"'\n🙂é")), max_size=60)
TAGS = st.sampled_from(["b", "i", "code", 'a href="https://example.org/?a=1&amp;b=2"', ""])


@st.composite
def marked_up(draw: st.DrawFn) -> str:
    """Templates' shape: typed text escaped, some of it inside (nested) tags."""
    pieces = []
    for typed, tag, inner in draw(st.lists(st.tuples(TYPED, TAGS, TAGS), max_size=12)):
        escaped = html.escape(typed)
        for name in (inner, tag):
            if name:
                escaped = f"<{name}>{escaped}</{name.split()[0]}>"
        pieces.append(escaped)
    return "".join(pieces)


def seen(text: str) -> str:
    return "".join(parse_html(text)[0].split())


@settings(max_examples=300, deadline=None)
@given(marked_up(), st.integers(min_value=1, max_value=50))
def test_every_part_parses_and_fits_and_nothing_is_lost(text: str, limit: int) -> None:
    parts = split_html(text, limit)
    for part in parts:
        plain, _ = parse_html(part)  # raises as Telegram would refuse it
        assert len(plain) <= limit and (plain.strip() or parts == [text])
    assert "".join(seen(part) for part in parts) == seen(text)


def test_a_cut_inside_italics_closes_and_reopens_them() -> None:
    parts = split_html("<b>Title</b>\n<i>" + "word " * 10 + "&amp; more</i>", 30)
    assert parts == [
        "<b>Title</b>\n<i>word word word word word</i>",
        "<i>word word word word word &amp;</i>",
        "<i>more</i>",
    ]


def test_entities_count_as_one_character_and_are_never_cut() -> None:
    text = "&amp;" * 10
    assert visible_length(text) == 10
    assert split_html(text, 4) == ["&amp;" * 4, "&amp;" * 4, "&amp;" * 2]


def test_short_text_is_left_alone() -> None:
    assert split_html("<i>a\nb</i>", 4096) == ["<i>a\nb</i>"]
