"""The YAML panel file: the example loads, and every mistake is reported with its line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.panelfile import (
    AdviceContact,
    PanelFileError,
    PanelSpec,
    Problem,
    load_panel_file,
    parse_panel_text,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE = EXAMPLES / "panel.yaml"
WITH_ERRORS = EXAMPLES / "panel-with-errors.yaml"
TEXT = EXAMPLE.read_text(encoding="utf-8")
LONDON = "Europe/London"


def parse(text: str, default_timezone: str = LONDON) -> PanelSpec:
    return parse_panel_text(text, default_timezone=default_timezone, source_name="panel.yaml")


def problems(text: str) -> list[Problem]:
    with pytest.raises(PanelFileError) as caught:
        parse(text)
    return caught.value.problems


def edit(old: str, new: str, text: str = TEXT) -> str:
    """Replace text that occurs exactly once in the example."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    lines = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, f"{needle!r} is on lines {lines}"
    return lines[0]


def only(found: list[Problem]) -> Problem:
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def spec() -> PanelSpec:
    return load_panel_file(EXAMPLE, default_timezone="UTC")


# The example ---------------------------------------------------------------------------------


def test_example_loads_with_every_field(spec: PanelSpec) -> None:
    assert spec.code == "ashbridge-day-2027"
    assert spec.timezone == LONDON
    assert [s.kind for s in spec.sessions] == [
        "briefing",
        "training",
        "training",
        "evaluation_window",
        "interview",
        "moderation",
    ]
    assert spec.places == 6 and spec.reserve_places == 2
    assert len(spec.bidders) == 4
    assert spec.reading.bids == 4 and spec.reading.hours_estimate == 12
    assert spec.payment.rate_pence_per_hour == 2000
    assert spec.payment.rate_text == "£20 an hour"
    assert spec.payment.unpaid_allowed is True
    assert spec.payment.benefits_advice.phone == "020 7946 0123"
    assert spec.contact.email == "panels@ashbridge.example"
    assert spec.reminder_offsets == (timedelta(days=7), timedelta(days=1), timedelta(hours=2))
    assert spec.retention_months == 6 and spec.feedback_delay_days == 2
    assert len(spec.follow_on) == 2 and spec.feedback_session
    unset = [name for name in PanelSpec.model_fields if name not in spec.model_fields_set]
    assert unset == [], "the example should show every field"


def test_interviews_are_optional_by_default(spec: PanelSpec) -> None:
    assert spec.session("interviews").optional is True
    assert spec.session("training-video").optional is True  # said so in the file
    assert spec.session("briefing").optional is False
    assert spec.session("reading").venue is None  # reading at home needs no venue


def test_times_are_converted_to_utc(spec: PanelSpec) -> None:
    # Winter: 11:00 GMT is 11:00 UTC.
    briefing = spec.session("briefing")
    assert briefing.start == datetime(2027, 3, 9, 11, 0, tzinfo=UTC)
    assert briefing.start.utcoffset() == timedelta(0)
    # Summer: 11:00 BST is 10:00 UTC.
    assert spec.session("interviews").start == datetime(2027, 4, 27, 10, 0, tzinfo=UTC)
    assert spec.session("scoring-day").end == datetime(2027, 5, 4, 14, 30, tzinfo=UTC)
    assert spec.closes == datetime(2027, 2, 26, 17, 0, tzinfo=UTC)


def test_times_with_an_offset_are_taken_as_written() -> None:
    text = edit("start: 2027-04-27 11:00", "start: 2027-04-27T11:00:00+02:00")
    text = edit("end: 2027-04-27 16:00", "end: 2027-04-27T15:00Z", text)
    interviews = parse(text).session("interviews")
    assert interviews.start == datetime(2027, 4, 27, 9, 0, tzinfo=UTC)
    assert interviews.end == datetime(2027, 4, 27, 15, 0, tzinfo=UTC)


def test_default_timezone_is_used_when_the_file_has_none() -> None:
    text = edit("timezone: Europe/London\n", "")
    spec = parse(text, default_timezone="America/New_York")
    assert spec.timezone is None
    assert spec.session("briefing").start == datetime(2027, 3, 9, 16, 0, tzinfo=UTC)  # EST
    assert spec.zone("America/New_York").key == "America/New_York"


def test_closing_date_alone_means_the_end_of_that_day() -> None:
    spec = parse(edit("closes: 2027-02-26 17:00", "closes: 2027-02-26"))
    assert spec.closes == datetime(2027, 2, 26, 23, 59, tzinfo=UTC)


def test_session_title_defaults_from_its_kind() -> None:
    spec = parse(edit("    title: Read and score the plans at home\n", ""))
    assert spec.session("reading").title == "Reading and scoring the bids at home"


def test_text_that_looks_like_a_number_is_kept_as_written() -> None:
    spec = parse(edit("code: ashbridge-day-2027", "code: 0123"))
    assert spec.code == "0123"


def test_json_round_trip(spec: PanelSpec) -> None:
    again = PanelSpec.from_json(spec.to_json())
    assert again == spec
    assert again.session("interviews").start.utcoffset() == timedelta(0)
    assert PanelSpec.from_json(again.to_json().encode()) == spec


@settings(max_examples=40, deadline=None)
@given(code=st.from_regex(r"[A-Za-z0-9_-]{3,32}", fullmatch=True))
def test_any_valid_code_round_trips(code: str) -> None:
    if code.lower() == "null":  # YAML's word for "nothing"; it would need quotes
        return
    spec = parse(edit("code: ashbridge-day-2027", f"code: {code}"))
    assert spec.code == code
    assert PanelSpec.from_json(spec.to_json()) == spec


# Every mistake, with its line --------------------------------------------------------------


def test_every_mistake_in_the_errors_example_is_reported_on_its_line() -> None:
    with pytest.raises(PanelFileError) as caught:
        load_panel_file(WITH_ERRORS, default_timezone=LONDON)
    found = caught.value.problems
    lines = WITH_ERRORS.read_text(encoding="utf-8").splitlines()
    marked = {
        number
        for number, line in enumerate(lines, 1)
        if "# mistake" in line and not line.lstrip().startswith("#")
    }
    assert [problem.line for problem in found] == sorted(marked)
    assert [problem.path for problem in found] == [
        "code",
        "timezone",
        "panel_role.weighting_percent",
        "sessions[1].end",
        "sessions[2].kind",
        "sessions[2].start",
        "sessions[2].venu",
        "sessions[3].id",
        "payment.rate_pence_per_hour",
        "places",
        "contact",
        "reminders",
    ]
    report = str(caught.value).splitlines()
    assert len(report) == len(found)
    assert report[0].startswith(f"{WITH_ERRORS}:3: code: ")


def test_unknown_field_suggests_the_right_name() -> None:
    text = edit("venue: Ashbridge Town Hall", "venu: Ashbridge Town Hall")  # the interviews session
    problem = only(problems(text))
    assert problem.path == "sessions[5].venu"
    assert problem.line == line_of(text, "venu:")
    assert problem.message == "unknown field 'venu' (did you mean 'venue'?)"


def test_misspelt_top_level_field_is_reported_with_a_suggestion() -> None:
    text = edit("sessions:\n", "sesions:\n")
    found = problems(text)
    assert (
        Problem(
            line_of(text, "sesions:"),
            "sesions",
            "unknown field 'sesions' (did you mean 'sessions'?)",
        )
        in found
    )
    assert Problem(None, "sessions", "is missing: it must be filled in") in found


def test_end_before_start() -> None:
    text = edit("end: 2027-03-09 13:00", "end: 2027-03-09 10:00")
    with pytest.raises(PanelFileError) as caught:
        parse(text)
    line = line_of(text, "end: 2027-03-09 10:00")
    assert str(caught.value) == (
        f"panel.yaml:{line}: sessions[1].end: must be after the start (2027-03-09 11:00)"
    )


def test_a_meeting_longer_than_a_day_is_probably_a_typing_mistake() -> None:
    text = edit("end: 2027-03-16 15:00", "end: 2027-03-17 15:00")
    problem = only(problems(text))
    assert (problem.path, problem.line) == ("sessions[2].end", line_of(text, "2027-03-17"))
    assert "under 12 hours" in problem.message


def test_duplicate_session_ids() -> None:
    text = edit("- id: training-video", "- id: training")
    problem = only(problems(text))
    assert problem.path == "sessions[3].id"
    same = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "- id: training"]
    assert problem.line == same[1]
    assert "'training' is already the id of sessions[2]" in problem.message


def test_duplicate_ids_are_reported_alongside_other_mistakes() -> None:
    text = edit("- id: training-video", "- id: training")
    text = edit("places: 6", "places: 1", text)
    assert {problem.path for problem in problems(text)} == {"sessions[3].id", "places"}


def test_bad_timezone_suggests_a_name() -> None:
    text = edit("timezone: Europe/London", "timezone: Europe/Londn")
    problem = only(problems(text))
    assert (problem.path, problem.line) == ("timezone", line_of(text, "Londn"))
    assert "did you mean 'Europe/London'?" in problem.message


@pytest.mark.parametrize("written", ["7 days", "7d,,2h", "0d", "7d,7d", "2w", "1d;2h"])
def test_bad_reminders(written: str) -> None:
    text = edit("reminders: 7d,1d,2h", f"reminders: '{written}'")
    problem = only(problems(text))
    assert (problem.path, problem.line) == ("reminders", line_of(text, "reminders:"))


def test_reminders_are_tidied_and_sorted() -> None:
    spec = parse(edit("reminders: 7d,1d,2h", "reminders: 2h, 7d"))
    assert spec.reminders == "2h,7d"
    assert spec.reminder_offsets == (timedelta(days=7), timedelta(hours=2))


def test_time_skipped_when_the_clocks_go_forward() -> None:
    text = edit("start: 2027-03-16 11:00", "start: 2027-03-28 01:30")
    text = edit("end: 2027-03-16 15:00", "end: 2027-03-28 09:00", text)
    problem = only(problems(text))
    assert (problem.path, problem.line) == ("sessions[2].start", line_of(text, "01:30"))
    assert "2027-03-28 01:30 does not exist in Europe/London" in problem.message


def test_time_repeated_when_the_clocks_go_back() -> None:
    text = edit("start: 2027-05-04 11:00", "start: 2027-10-31 01:30")
    text = edit("end: 2027-05-04 15:30", "end: 2027-10-31 09:00", text)
    problem = only(problems(text))
    assert (problem.path, problem.line) == ("sessions[6].start", line_of(text, "01:30"))
    assert "happens twice" in problem.message
    # Saying which one with an offset is fine.
    spec = parse(edit("2027-10-31 01:30", "2027-10-31 01:30+00:00", text))
    assert spec.session("scoring-day").start == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("written", ["1", "0", "-3"])
def test_places_must_be_at_least_two(written: str) -> None:
    text = edit("places: 6", f"places: {written}")
    problem = only(problems(text))
    assert (problem.path, problem.line) == ("places", line_of(text, "places:"))
    assert "at least 2" in problem.message and "alone" in problem.message


@pytest.mark.parametrize("written", ["day services!", "ab", "x" * 33, "café", "a/b"])
def test_code_with_bad_characters_or_length(written: str) -> None:
    text = edit("code: ashbridge-day-2027", f"code: {written}")
    problem = only(problems(text))
    assert (problem.path, problem.line) == ("code", line_of(text, "code:"))
    assert "letters, numbers, - or _" in problem.message


def test_sign_up_must_close_before_the_first_session() -> None:
    text = edit("closes: 2027-02-26 17:00", "closes: 2027-03-10 17:00")
    problem = only(problems(text))
    assert (problem.path, problem.line) == ("closes", line_of(text, "closes:"))
    assert "(2027-03-09 11:00)" in problem.message


def test_a_meeting_needs_a_venue_or_a_link() -> None:
    text = edit("    venue: Ashbridge Town Hall, Room 1, High Street, Ashbridge AB1 1AA.\n", "")
    problem = only(problems(text))
    assert (problem.path, problem.line) == ("sessions[5]", line_of(text, "- id: interviews"))
    assert "venue or an online_link" in problem.message


def test_weighting_and_numbers_in_range() -> None:
    text = edit("weighting_percent: 20", "weighting_percent: 120")
    text = edit("bids: 4", "bids: four", text)
    found = problems(text)
    assert [(p.path, p.message) for p in found] == [
        ("panel_role.weighting_percent", "must be 100 or less, not 120"),
        ("reading.bids", "should be a whole number, not 'four'"),
    ]


def test_contact_needs_a_phone_or_email() -> None:
    text = edit('  phone: "020 7946 0456"\n  email: panels@ashbridge.example\n', "")
    problem = only(problems(text))
    assert (problem.path, problem.line) == ("contact", line_of(text, "contact:"))


def test_benefits_advice_can_be_just_a_website() -> None:
    advice = AdviceContact(name="Welfare rights", website="https://advice.example")
    assert advice.phone is None and advice.email is None


def test_missing_field_points_at_its_parent() -> None:
    text = edit("    end: 2027-04-19 17:00\n", "")
    problem = only(problems(text))
    assert problem == Problem(
        line_of(text, "- id: reading"), "sessions[4].end", "is missing: it must be filled in"
    )


def test_key_written_twice() -> None:
    text = edit("places: 6\n", "places: 6\nplaces: 7\n")
    problem = only(problems(text))
    assert (problem.path, problem.line) == ("places", line_of(text, "places: 7"))
    assert "twice" in problem.message


# Files that are not panel files at all ------------------------------------------------------


def test_yaml_syntax_error_gives_its_line() -> None:
    text = edit("title: Help choose", "title: Help: choose")
    problem = only(problems(text))
    assert problem.line == line_of(text, "title: Help: choose")
    assert problem.message.startswith("the YAML layout is broken here")


def test_tabs_are_explained() -> None:
    problem = only(problems("code: abc\nbuying:\n\twhat: x\n"))
    assert problem.line == 3 and "tabs" in problem.message


@pytest.mark.parametrize("text", ["", "   \n\n", "# just a note\n"])
def test_empty_file(text: str) -> None:
    problem = only(problems(text))
    assert problem.line is None and problem.path == ""
    assert "empty" in problem.message or "only comments" in problem.message


def test_a_list_at_the_top_level() -> None:
    problem = only(problems("- code: abc\n- title: x\n"))
    assert problem.line == 1 and "list" in problem.message


def test_file_not_in_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("code: abc\ntitle: Caf\u00e9 panel\n".encode("latin-1"))
    with pytest.raises(PanelFileError) as caught:
        load_panel_file(path, default_timezone=LONDON)
    problem = only(caught.value.problems)
    assert problem.line == 2 and "UTF-8" in problem.message
    assert str(caught.value).startswith(f"{path}:2: ")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PanelFileError) as caught:
        load_panel_file(tmp_path / "nope.yaml", default_timezone=LONDON)
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}: there is no such file"


def test_utf8_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert load_panel_file(path, default_timezone=LONDON).code == "ashbridge-day-2027"


def test_unknown_default_timezone_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse(TEXT, default_timezone="Nowhere/Special")
