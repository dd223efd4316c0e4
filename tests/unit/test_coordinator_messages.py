"""What volunteers receive because of a coordinator (a place, a change, an answer, a
broadcast) is as short and plain as everything else they read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import textstat

from bot import views
from bot.services.coordinator.session_changes import state_view
from bot.store.session_changes import SessionState
from messages import render, template_names
from tests.unit.test_plain_english import (
    FLESCH_MIN,
    TELEGRAM_TEXT_MAX,
    WORDS_PER_SENTENCE_MAX,
    example_panel,
    plain,
)

TEMPLATES = template_names("volunteer_news/")


def contexts() -> list[dict[str, Any]]:
    panel, sessions = example_panel()
    session = sessions[0]
    before = SessionState.of(session)
    after = SessionState(
        before.starts_at + timedelta(days=1),
        before.ends_at + timedelta(days=1),
        "Ashbridge Library, Room 4",
        None,
        False,
    )
    base = {
        "panel": views.panel_view(panel),
        "name": "Sam",
        "session": views.session_view(session, panel.timezone),
        "question": "Can I bring my support worker?",
        "answer": "Yes, of course. Tell us their name so we can plan lunch.",
        "text": "The training day moves to Room 3. It starts at the same time.",
        "need": "bsl",
        "note": "We will pay for you to bring your own interpreter.",
    }
    change = {
        "title": "Welcome and briefing",
        "before": state_view(before, panel.timezone),
        "after": state_view(after, panel.timezone),
        "time_changed": True,
        "place_changed": True,
        "cancelled": False,
        "restored": False,
    }
    cancelled = {**change, "cancelled": True, "time_changed": False, "place_changed": False}
    return [
        {**base, "change": change},
        {**base, "change": cancelled, "answer": "no"},
        {**base, "change": change, "answer": "maybe", "name": None},
    ]


@pytest.mark.parametrize("name", TEMPLATES)
def test_each_message_a_volunteer_gets_from_a_coordinator_is_plain_english(name: str) -> None:
    for context in contexts():
        text = render(name, **context)
        readable = plain(text)
        assert len(text) <= TELEGRAM_TEXT_MAX
        assert textstat.flesch_reading_ease(readable) >= FLESCH_MIN, readable
        sentences = max(1, textstat.sentence_count(readable))
        assert textstat.lexicon_count(readable) / sentences <= WORDS_PER_SENTENCE_MAX, readable


def test_there_are_such_messages() -> None:
    assert {
        "volunteer_news/place_confirmed",
        "volunteer_news/session_changed",
        "volunteer_news/answer",
        "volunteer_news/broadcast",
    } <= set(TEMPLATES)
