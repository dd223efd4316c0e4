"""No message may tell a person their support is booked unless a coordinator marked it
arranged: checked over every template a volunteer can receive, and over the reminder as
the scheduler composes it, for every need and every state."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import textstat

from bot import views
from bot.model import Application, Volunteer
from bot.needs import NEED_CODES
from bot.rules.needs import ALL_SESSIONS, NEED_STATES, NeedMark, NeedState
from messages import render, template_names
from scheduler import compose
from tests.unit.test_plain_english import (
    FLESCH_MIN,
    TELEGRAM_TEXT_MAX,
    WORDS_PER_SENTENCE_MAX,
    example_panel,
    plain,
)

# "We have booked ...", "we've arranged ...", "... has been booked": a claim that help is
# in place. ("We will tell you when it is booked" is a promise to tell, not a claim.)
CLAIM = re.compile(
    r"\bwe(?: have|'ve|&#39;ve) (?:\w+ )?(?:booked|arranged)\b"
    r"|\b(?:has|have) been (?:booked|arranged)\b",
    re.IGNORECASE,
)
TEMPLATES = Path(__file__).parents[2] / "messages" / "templates"
# Every template a volunteer can be sent: reminders, notices, news and the chat itself.
VOLUNTEER_DIRS = ("scheduler/", "volunteer/", "volunteer_news/", "info/", "shared/", "common/")
# The only places allowed to word a claim: the macro, which does so only for state
# "arranged", and the notice sent only when a coordinator marks a need arranged.
MAY_CLAIM = {"shared/need_lines", "volunteer_news/need_arranged"}
NOW = datetime(2027, 3, 2, 11, tzinfo=UTC)


def test_no_template_words_a_booking_except_the_two_that_depend_on_the_state() -> None:
    claiming = {
        name
        for folder in VOLUNTEER_DIRS
        for name in template_names(folder)
        if CLAIM.search((TEMPLATES / f"{name}.j2").read_text())
    }
    assert claiming == MAY_CLAIM


def test_the_arranged_notice_is_only_composed_for_an_arranged_mark() -> None:
    source = (Path(__file__).parents[2] / "bot/services/coordinator/need_marks.py").read_text()
    assert 'f"volunteer_news/need_{to}"' in source
    assert 'if to != "arranging":' in source  # "arranging" tells the person nothing
    assert {"need_arranged", "need_cannot"} == {
        p.stem for p in (TEMPLATES / "volunteer_news").glob("need_*.j2")
    }


def sam(needs: frozenset[str], *, consented: bool = True) -> Volunteer:
    return Volunteer(
        1, 1001, 1001, "Sam", "carer", None, NOW, NOW if consented else None, None, False,
        False, needs,
    )  # fmt: skip


def application(panel_id: int) -> Application:
    return Application(1, panel_id, 1, "confirmed", True, "paid", (), (), True, None, NOW)


def mark(need: str, state: NeedState, session_id: int, version: int = 1) -> dict[
    tuple[str, int], NeedMark
]:
    if state == "asked":
        return {}
    return {
        (need, session_id): NeedMark(1, need, session_id, version, state, "A note.", 9001, NOW)
    }


@pytest.mark.parametrize("state", NEED_STATES)
@pytest.mark.parametrize("need", NEED_CODES)
def test_a_reminder_claims_a_need_is_booked_exactly_when_its_state_is_arranged(
    need: str, state: NeedState
) -> None:
    panel, sessions = example_panel()
    briefing = sessions[0]  # at the venue, so every need applies
    for session_id in (ALL_SESSIONS, briefing.id):
        text = compose.reminder(
            panel, briefing, application(panel.id), sam(frozenset({need})), NOW,
            late=False, marks=mark(need, state, session_id),
        ).text  # fmt: skip
        assert bool(CLAIM.search(text)) == (state == "arranged"), (state, text)
        assert ("still arranging" in text) == (state in ("asked", "arranging"))


def test_a_mark_for_a_session_that_moved_since_claims_nothing() -> None:
    panel, sessions = example_panel()
    moved = replace(sessions[0], version=2)
    text = compose.reminder(
        panel, moved, application(panel.id), sam(frozenset({"bsl"})), NOW,
        late=False, marks=mark("bsl", "arranged", moved.id, version=1),
    ).text  # fmt: skip
    assert not CLAIM.search(text)
    assert "You asked for a BSL interpreter. We are still arranging it." in text


def test_nothing_is_said_about_needs_whose_consent_was_withdrawn() -> None:
    panel, sessions = example_panel()
    text = compose.reminder(
        panel, sessions[0], application(panel.id),
        sam(frozenset({"bsl"}), consented=False), NOW,
        late=False, marks=mark("bsl", "arranged", ALL_SESSIONS),
    ).text  # fmt: skip
    assert "Help for you" not in text and "BSL" not in text


@pytest.mark.parametrize("name", ["volunteer_news/need_arranged", "volunteer_news/need_cannot"])
def test_the_notices_are_plain_english(name: str) -> None:
    panel, sessions = example_panel()
    for session in (None, views.session_view(sessions[0], panel.timezone)):
        text = render(
            name, name="Sam", panel=views.panel_view(panel), need="bsl", session=session,
            note="We will pay for you to bring your own interpreter.",
        )  # fmt: skip
        readable = plain(text)
        assert len(text) <= TELEGRAM_TEXT_MAX
        assert textstat.flesch_reading_ease(readable) >= FLESCH_MIN, readable
        sentences = max(1, textstat.sentence_count(readable))
        assert textstat.lexicon_count(readable) / sentences <= WORDS_PER_SENTENCE_MAX, readable
