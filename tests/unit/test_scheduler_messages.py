"""Every scheduled message a volunteer reads is short and plain, and fits in Telegram."""

from __future__ import annotations

from typing import Any

import pytest
import textstat  # type: ignore[import-untyped]

from bot import views
from messages import render
from tests.unit.test_plain_english import (
    FLESCH_MIN,
    TELEGRAM_TEXT_MAX,
    WORDS_PER_SENTENCE_MAX,
    example_panel,
    plain,
)

VOLUNTEER_FACING = (
    "reminder", "calendar", "calendar_update", "place_offer", "scoring_thanks", "award_news",
    "attendance_thanks", "feedback_invite", "feedback_nudge", "feedback_question",
    "feedback_comment", "feedback_comment_empty", "feedback_comment_thanks", "feedback_future",
    "feedback_done", "feedback_later", "too_long", "stale", "reminder_changed",
    "reminder_coming", "reminder_cant_check", "reminder_not_coming", "offer_gone",
    "offer_passed", "offer_taken",
)  # fmt: skip


def context(**changes: Any) -> dict[str, Any]:
    panel, sessions = example_panel()
    session_views = [views.session_view(s, panel.timezone) for s in sessions]
    base: dict[str, Any] = {
        "panel": views.panel_view(panel), "spec": panel.spec, "name": "Sam",
        "session": session_views[0], "sessions": session_views, "days_away": 1, "late": True,
        "at_home": False, "needs": [
            {"code": "reading_stand", "state": "arranged", "note": None},
            {"code": "drinks", "state": "asked", "note": None},
            {"code": "bsl", "state": "cannot",
             "note": "We will pay for you to bring your own interpreter."},
        ], "cancelled": False,
        "awarded_to": "Brightwater Wellbeing CIC",
        "note": "The panel preferred another plan. Its costs were too high.",
        "paid": True, "amount_pence": 4000, "hours": 2.0, "payment": panel.spec.payment,
        "contact": panel.spec.contact, "total": 5, "number": 3, "question": "time_given",
        "future": True, "limit": 1000, "coming": False, "details": True,
        "answer_by": sessions[0].starts_at,
    }  # fmt: skip
    base.update(changes)
    return base


@pytest.mark.parametrize("name", VOLUNTEER_FACING)
def test_each_scheduled_message_is_plain_english(name: str) -> None:
    text = render(f"scheduler/{name}", **context())
    readable = plain(text)
    assert len(text) <= TELEGRAM_TEXT_MAX
    assert textstat.flesch_reading_ease(readable) >= FLESCH_MIN, readable
    sentences = max(1, textstat.sentence_count(readable))
    assert textstat.lexicon_count(readable) / sentences <= WORDS_PER_SENTENCE_MAX, readable


def test_a_calendar_update_fits_in_a_file_caption() -> None:
    for cancelled in (False, True):
        assert len(render("scheduler/calendar_update", **context(cancelled=cancelled))) <= 1024


def test_an_unpaid_volunteer_is_thanked_without_an_amount() -> None:
    text = render("scheduler/attendance_thanks", **context(paid=False))
    assert "Thank you for coming, Sam" in text and "owed" not in text
    assert "keep your receipts" in text
