"""Each fact has one source: rendered with the example panel, no message a volunteer can
receive says a sentence twice, names the panel by pasting its title into a sentence, or
gives a retention period other than the one the bot keeps to."""

from __future__ import annotations

import re
from html import unescape

from bot.config import load_settings
from bot.rules.retention import retention_months
from messages import render
from tests.unit.test_plain_english import (
    everything_a_volunteer_can_receive,
    example_panel,
    plain,
    with_long_name,
)

SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
MONTHS = re.compile(r"(\d+) months? after")


def rendered() -> list[tuple[str, str]]:
    return [
        (name, render(name, **variant))
        for name, context in everything_a_volunteer_can_receive()
        for variant in (context, with_long_name(context))
    ]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(plain(text)) if len(s.strip()) > 12]


def test_no_message_says_a_sentence_twice() -> None:
    repeats = {}
    for name, text in rendered():
        said = sentences(text)
        twice = {s for s in said if said.count(s) > 1}
        if twice:
            repeats[name] = sorted(twice)
    assert not repeats


def test_no_message_has_a_doubled_full_stop() -> None:
    doubled = sorted({name for name, text in rendered() if ".." in plain(text).replace("...", "")})
    assert not doubled


def test_the_panels_title_is_never_pasted_into_a_sentence() -> None:
    panel, _ = example_panel()
    pasted = sorted(
        {name for name, text in rendered()
         for line in unescape(re.sub(r"<[^>]+>", "", text)).splitlines()
         if panel.title in line and line.strip(" 📣") != panel.title
         and not line.startswith(f"{panel.title} (")}
    )  # fmt: skip
    assert not pasted


def test_every_message_gives_the_retention_period_the_bot_keeps_to() -> None:
    panel, _ = example_panel()
    settings = load_settings({}, require_token=False)
    kept = retention_months(panel, settings)
    said = {int(n) for _, text in rendered() for n in MONTHS.findall(plain(text))}
    assert said == {kept}


def test_the_marks_weighting_comes_only_from_its_field() -> None:
    panel, _ = example_panel()
    assert "out of every 100" not in panel.spec.panel_role.decides
