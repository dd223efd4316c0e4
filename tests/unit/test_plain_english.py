"""Every volunteer-facing message, rendered with the example panel, is short and plain."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from typing import Any

import pytest
import textstat
from jinja2 import Environment, Undefined

from bot import views
from bot.config import load_settings
from bot.model import Panel, Session
from bot.panelfile import load_panel_file
from bot.rules.retention import retention_months
from bot.services.volunteer import info
from messages import render, template_names
from tests.conftest import EXAMPLE_PANEL

FLESCH_MIN = 70
WORDS_PER_SENTENCE_MAX = 15
COORDINATOR_FLESCH_MIN = 50
TELEGRAM_TEXT_MAX = 4096
LONG_NAME = "Christopher Alexander"
# The scheduler folder holds both sides: these are the ones a volunteer is sent.
SCHEDULER_TO_VOLUNTEERS = (
    "reminder", "calendar", "calendar_update", "place_offer", "scoring_thanks", "award_news",
    "attendance_thanks", "feedback_invite", "feedback_nudge", "feedback_question",
    "feedback_comment", "feedback_comment_empty", "feedback_comment_thanks", "feedback_future",
    "feedback_done", "feedback_later", "feedback_use_buttons", "too_long", "stale",
    "reminder_changed",
    "reminder_coming", "reminder_cant_check", "reminder_not_coming", "offer_gone",
    "offer_passed", "offer_taken", "choose_panel", "which_panel",
)  # fmt: skip


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
    record = {"name": "Sam", "role": "a carer", "contact": "07700 900123",
              "consented": "Monday 11 January 2027", "needs_consented": "Monday 11 January 2027",
              "needs": ["Reading stand"], "needs_note": "I need a later start.",
              "future_panels": False, "questions": [{"text": "Can I bring a friend?",
                                                     "panel": panel.title}],
              "panels": [{"title": panel.title, "status": "You have a place on the panel.",
                          "availability": ["Briefing: Yes"], "days": ["Monday"],
                          "conflicts": ["Brightwater"], "conflicts_note": "I used to work there.",
                          "interviews": "Yes, I'd like to", "payment": "Yes, please pay me",
                          "needs": ["Reading stand: booked."],
                          "sessions": ["Briefing: you came. We owe you £40."],
                          "feedback": ["Support on the day: Good"]}]}
    return {
        "panel": views.panel_view(panel), "spec": panel.spec, "sessions": session_views,
        "session": session_views[0], "window": session_views[3], "interviews": session_views[4:5],
        "kinds": {s.kind for s in sessions}, "page": 1, "total": len(info.PAGES),
        "first_name": "Sam", "name": "Sam", "count": 1, "returning": False,
        "retention_months": retention_months(panel, load_settings({}, require_token=False)),
        "signing_up": True, "signup": "closed", "changed": "reminders_paused",
        "reminders_paused": True,
        "future_panels": True, "current": None, "needs": ["Reading stand"], "note": "Later",
        "limit": 64, "what": "name", "number": 1, "has_bidders": True,
        "payment": panel.spec.payment, "status": "You have a place on the panel.",
        "items": [{"panel": views.panel_view(panel), "status": "confirmed",
                   "status_label": "You have a place.", "sessions": session_views}],
        "record": record, "kind": "sticker", "role": "a carer", "needs_consented": True,
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
    # An address or number is looked up, not read as prose: it counts as one short word.
    without_tags = re.sub(r"\S+@\S+|https?://\S+|\+?\d[\d ]{6,}\d", "link", without_tags)
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


# --- everything a volunteer can receive, at one floor -------------------------------------


def everything_a_volunteer_can_receive() -> list[tuple[str, dict[str, Any]]]:
    """Each template a volunteer can be sent, with the contexts it is sent with."""
    from tests.unit import test_coordinator_messages as news
    from tests.unit import test_scheduler_messages as scheduled

    chat = sample_context()
    chat_folders = template_names("volunteer/") + template_names("info/")
    chat_folders += template_names("common/")
    cases = [(name, chat) for name in chat_folders]
    cases += [("shared/team", chat)]
    for name in SCHEDULER_TO_VOLUNTEERS:
        extra = {"codes": [chat["panel"]["code"]], "command": "/status"}
        cases += [(f"scheduler/{name}", {**chat, **scheduled.context(**extra)})]
    cases += [(name, {**chat, **context}) for name in template_names("volunteer_news/")
              for context in news.contexts()]
    return cases


def with_long_name(context: dict[str, Any]) -> dict[str, Any]:
    return {**context, "name": LONG_NAME, "first_name": LONG_NAME}


def readability(text: str) -> tuple[float, float]:
    """Flesch reading ease, and words per sentence (headings and bullets are sentences)."""
    readable = plain(text)
    sentences = max(1, textstat.sentence_count(readable))
    return textstat.flesch_reading_ease(readable), textstat.lexicon_count(readable) / sentences


def test_everything_a_volunteer_can_receive_is_plain_english() -> None:
    scores: list[tuple[float, float, str]] = []
    for name, context in everything_a_volunteer_can_receive():
        for variant in (context, with_long_name(context)):
            text = render(name, **variant)
            assert len(text) <= TELEGRAM_TEXT_MAX, name
            if text.strip():
                flesch, per_sentence = readability(text)
                scores.append((flesch, per_sentence, name))
    scores.sort()
    print("\nThe ten hardest messages a volunteer can receive (Flesch, words a sentence):")
    lowest = {name: (flesch, per) for flesch, per, name in reversed(scores)}
    for name, (flesch, per_sentence) in sorted(lowest.items(), key=lambda i: i[1])[:10]:
        print(f"  {flesch:6.1f} {per_sentence:5.1f}  {name}")
    flesches = sorted(score[0] for score in scores)
    print(f"  min {flesches[0]:.1f}, median {flesches[len(flesches) // 2]:.1f}, "
          f"below {FLESCH_MIN}: {sum(f < FLESCH_MIN for f in flesches)} of {len(flesches)}")
    too_hard = sorted({name for flesch, _, name in scores if flesch < FLESCH_MIN})
    too_long = sorted({name for _, per, name in scores if per > WORDS_PER_SENTENCE_MAX})
    assert not too_hard, f"below Flesch {FLESCH_MIN}: {too_hard}"
    assert not too_long, f"over {WORDS_PER_SENTENCE_MAX} words a sentence: {too_long}"


def test_every_folder_that_reaches_a_volunteer_is_covered() -> None:
    covered = {name for name, _ in everything_a_volunteer_can_receive()}
    for folder in ("volunteer/", "info/", "volunteer_news/", "common/"):
        assert set(template_names(folder)) <= covered, folder
    scheduler = set(template_names("scheduler/"))
    assert {f"scheduler/{name}" for name in SCHEDULER_TO_VOLUNTEERS} <= scheduler


class _AnyValue(Undefined):
    """A value a coordinator template was not given: reads as a short everyday word."""

    def __str__(self) -> str:
        return "three"

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(())

    def __bool__(self) -> bool:
        return False

    def __getattr__(self, name: str) -> _AnyValue:
        if name.startswith("__"):
            raise AttributeError(name)
        return _AnyValue()

    __getitem__ = __getattr__

    def __gt__(self, other: object) -> bool:
        return False

    __lt__ = __ge__ = __le__ = __gt__


def _coordinator_environment() -> Environment:
    from messages.render import _environment

    base = _environment()
    env = base.overlay(undefined=_AnyValue)
    for filter_name in ("clock", "day", "short_day", "money"):
        real = base.filters[filter_name]
        env.filters[filter_name] = (
            lambda value, real=real: "three" if isinstance(value, Undefined) else real(value)
        )
    return env


@pytest.mark.parametrize("name", template_names("coordinator/"))
def test_each_coordinator_message_is_plain_enough(name: str) -> None:
    text = _coordinator_environment().get_template(f"{name}.j2").render(**sample_context())
    if not plain(text).strip():
        return
    flesch, _ = readability(text)
    assert flesch >= COORDINATOR_FLESCH_MIN, plain(text)


# A template line that ends in a block tag loses its line break (trim_blocks): the next
# bullet then runs on ("... day or night)• NHS 111 ..."), which a phone shows as one line.
BULLET_RUNS_ON = re.compile(r"[^\n ] ?• ")


def test_every_bullet_a_volunteer_can_receive_starts_its_own_line() -> None:
    run_on = [
        (name, BULLET_RUNS_ON.search(text).group(0))  # type: ignore[union-attr]
        for name, context in everything_a_volunteer_can_receive()
        if BULLET_RUNS_ON.search(text := render(name, **context))
    ]
    assert run_on == []


@pytest.mark.parametrize("name", template_names("coordinator/"))
def test_every_bullet_a_coordinator_receives_starts_its_own_line(name: str) -> None:
    text = _coordinator_environment().get_template(f"{name}.j2").render(**sample_context())
    assert not BULLET_RUNS_ON.search(text), text
