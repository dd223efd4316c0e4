"""Every volunteer-facing message, rendered with the example panel, is short and plain."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from typing import Any

import pytest
import textstat

from bot import views
from bot.config import load_settings
from bot.model import Panel, Session
from bot.panelfile import load_panel_file
from bot.services.volunteer import info
from messages import render, template_names
from tests.conftest import EXAMPLE_PANEL

FLESCH_MIN = 60
WORDS_PER_SENTENCE_MAX = 20
TELEGRAM_TEXT_MAX = 4096


def example_panel() -> tuple[Panel, list[Session]]:
    settings = load_settings({}, require_token=False)
    spec = load_panel_file(EXAMPLE_PANEL, default_timezone="Europe/London")
    panel = Panel(1, spec.code, spec.title, spec, "recruiting", False, spec.closes,
                  settings.timezone)
    sessions = [
        Session(i + 1, 1, s.id, i, s.kind, s.title, s.start, s.end, s.venue, s.access,
                s.online_link, s.optional, False)
        for i, s in enumerate(spec.sessions)
    ]
    return panel, sessions


def sample_context() -> dict[str, Any]:
    """One context that satisfies every volunteer template (they share names on purpose)."""
    panel, sessions = example_panel()
    session_views = [views.session_view(s, panel.timezone) for s in sessions]
    record = {"name": "Sam", "role": "carer", "contact": "07700 900123",
              "needs_note": "I need a later start.",
              "panels": [{"panel": panel.title, "status": "applied",
                          "availability": {"Briefing": "yes"}, "conflicts": ["Brightwater"],
                          "conflicts_note": "I used to work there."}]}
    return {
        "panel": views.panel_view(panel), "spec": panel.spec, "sessions": session_views,
        "session": session_views[0], "window": session_views[3], "interviews": session_views[4:5],
        "kinds": {s.kind for s in sessions}, "page": 1, "total": len(info.PAGES),
        "first_name": "Sam", "name": "Sam", "count": 1, "returning": False,
        "retention_months": 12, "current": None, "needs": ["Reading stand"], "note": "Later",
        "limit": 64, "what": "name", "number": 1, "has_bidders": True,
        "payment": panel.spec.payment, "status": "You have a place on the panel.",
        "items": [{"panel": views.panel_view(panel), "status": "confirmed",
                   "status_label": "You have a place.", "sessions": session_views}],
        "record": record, "kind": "sticker", "role": "I am a carer", "needs_consented": True,
        "needs_note": "Later start", "availability": [{"session": session_views[0],
                                                        "answer": "Yes"}],
        "has_window": True, "days": ["Monday"], "conflicts": [], "conflicts_note": None,
        "has_interviews": True, "contact": None, "choices": ["Yes", "No"],
        "team": {"contact": panel.spec.contact, "crisis_lines": panel.spec.crisis_lines},
        "question": "Can you come?", "answer": "Yes", "availability_yes": 1,
        "availability_yes_label": "Yes", "answered": [{"title": "Briefing", "answer": "Yes"}],
    }


def plain(text: str) -> str:
    without_tags = re.sub(r"<[^>]+>", "", text)
    # Bullets and list lines read as separate sentences, as a person reads them.
    lines = [line.strip(" •") for line in unescape(without_tags).splitlines() if line.strip()]
    return " ".join(line if line[-1:] in ".?!:" else f"{line}." for line in lines)


VOLUNTEER_TEMPLATES = template_names("volunteer/") + template_names("info/") + ["common/error"]


@pytest.mark.parametrize("name", VOLUNTEER_TEMPLATES)
def test_each_volunteer_message_is_plain_english(name: str) -> None:
    text = render(name, **sample_context())
    readable = plain(text)
    assert len(text) <= TELEGRAM_TEXT_MAX
    assert textstat.flesch_reading_ease(readable) >= FLESCH_MIN, readable
    sentences = max(1, textstat.sentence_count(readable))
    assert textstat.lexicon_count(readable) / sentences <= WORDS_PER_SENTENCE_MAX, readable


def test_all_information_pages_render_for_the_example_panel() -> None:
    panel, sessions = example_panel()
    pages = info.pages(panel, sessions)
    assert len(pages) == len(info.PAGES)
    joined = "\n".join(pages)
    for fact in ("20 out of every 100 marks", "£20 an hour", "Ashbridge Welfare Rights Service",
                 "without being paid", "will not learn your name", "4 plans", "3000 words",
                 "Tuesday 9 March 2027, 11am to 1pm"):
        assert fact in unescape(joined), fact


def test_every_template_compiles() -> None:
    # A template with a syntax error would only fail when someone reached that step.
    from messages.render import _environment

    for name in template_names():
        _environment().get_template(f"{name}.j2")


def test_times_read_as_people_say_them() -> None:
    from messages.render import clock, day

    assert clock(datetime(2027, 3, 9, 12, 0, tzinfo=UTC)) == "12 noon"
    assert clock(datetime(2027, 3, 9, 14, 30, tzinfo=UTC)) == "2:30pm"
    assert clock(datetime(2027, 3, 9, 9, 0, tzinfo=UTC)) == "9am"
    assert day(datetime(2027, 3, 9, 9, 0, tzinfo=UTC)) == "Tuesday 9 March 2027"
