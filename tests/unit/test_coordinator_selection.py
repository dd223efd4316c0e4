"""Pure parts of the coordinator's work: the proposed selection, the pacer, CSV safety,
anonymous letters and typed session times."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.csvfile import safe_cell, to_csv
from bot.rules.selection import Candidate, propose, reserve_target, rules_out_most_bids
from bot.services.coordinator.reports import member_letters
from bot.services.coordinator.session_changes import parse_times
from bot.services.delivery.pacer import Pacer

LONDON = ZoneInfo("Europe/London")


def person(
    n: int,
    *,
    status: str = "applied",
    yes: int = 4,
    maybe: int = 0,
    conflicts: int = 0,
    role: str | None = "carer",
    reachable: bool = True,
) -> Candidate:
    return Candidate(n, status, role, yes, maybe, conflicts, order=n, reachable=reachable)


@pytest.mark.parametrize(
    ("places", "ratio", "expected"),
    [
        (6, 0.34, 3),
        (6, 1 / 3, 2),
        (3, 1 / 3, 1),
        (4, 0.25, 1),
        (5, 0.0, 0),
        (1, 0.34, 1),
        (10, 0.5, 5),
    ],
)
def test_reserves_are_places_times_the_ratio_rounded_up(
    places: int, ratio: float, expected: int
) -> None:
    assert reserve_target(places, ratio) == expected


def test_the_proposal_fills_places_then_reserves_preferring_the_most_available() -> None:
    people = [
        person(1, yes=1),
        person(2, yes=4),
        person(3, yes=2, maybe=2),
        person(4, yes=3),
        person(5, yes=0),
        person(6, yes=4),
    ]
    proposal = propose(people, places=3, reserve_ratio=0.34, bidders=4)
    assert proposal.panel == (2, 6, 4)  # 4 yes, 4 yes (later), 3 yes
    assert proposal.reserves == (3, 1)  # 2 yes + 2 maybe also counts 3, but fewer are firm
    assert proposal.warnings == ()


def test_decisions_already_made_are_kept_before_availability() -> None:
    people = [
        person(1, yes=4),
        person(2, status="confirmed", yes=0),
        person(3, status="reserve", yes=1),
        person(4, yes=4),
    ]
    proposal = propose(people, places=2, reserve_ratio=0.5, bidders=4)
    assert proposal.panel == (2, 1)  # the place is kept; a new sign-up fills the other
    assert proposal.reserves == (3,)  # the reserve stays a reserve
    assert proposal.reasons == {2: "kept_place", 1: "most_free", 3: "kept_reserve"}


def test_a_reserve_linked_to_most_bidders_is_not_put_first() -> None:
    people = [
        person(1, status="reserve", yes=4, conflicts=3),
        person(2, yes=2),
        person(3, yes=1),
        person(4, yes=4, conflicts=3),
    ]
    proposal = propose(people, places=2, reserve_ratio=0.5, bidders=4)
    assert proposal.panel == (2, 3)
    assert proposal.reserves == (1,)
    assert [w.application_id for w in proposal.warnings if w.kind == "conflicts"] == [1]


def test_people_linked_to_most_bidders_come_last_even_if_free_for_all() -> None:
    people = [person(1, yes=4, conflicts=3), person(2, yes=1), person(3, yes=0)]
    proposal = propose(people, places=2, reserve_ratio=0.5, bidders=4)
    assert proposal.panel == (2, 3) and proposal.reserves == (1,)


def test_a_place_for_someone_who_said_no_to_a_main_session_is_warned_about() -> None:
    people = [person(1, yes=3), person(2, yes=4)]
    people[0] = Candidate(1, "applied", "carer", 3, 0, 0, order=1, no=1)
    proposal = propose(people, places=2, reserve_ratio=0, bidders=4)
    assert [(w.kind, w.count, w.application_id) for w in proposal.warnings] == [("said_no", 1, 1)]


def test_people_who_left_or_were_declined_are_never_proposed() -> None:
    people = [
        person(1, status="withdrawn"),
        person(2, status="declined"),
        person(3, status="draft"),
        person(4),
    ]
    proposal = propose(people, places=2, reserve_ratio=0.5, bidders=4)
    assert proposal.panel == (4,)
    assert {w.kind for w in proposal.warnings} == {"alone", "short_places", "short_reserves"}


def test_nobody_signed_up_warns_about_every_gap() -> None:
    proposal = propose([], places=6, reserve_ratio=0.34, bidders=4)
    assert proposal.panel == () and proposal.reserves == ()
    kinds = {w.kind: w.count for w in proposal.warnings}
    assert kinds == {"alone": 0, "short_places": 6, "short_reserves": 3}


def test_one_person_alone_is_warned_about_even_with_one_place() -> None:
    proposal = propose([person(1), person(2)], places=1, reserve_ratio=1.0, bidders=4)
    assert proposal.panel == (1,)
    assert [w.kind for w in proposal.warnings] == ["alone"]


def test_people_without_a_service_user_or_carer_role_do_not_count_towards_two() -> None:
    proposal = propose([person(1, role=None), person(2)], places=2, reserve_ratio=0, bidders=4)
    assert [(w.kind, w.count) for w in proposal.warnings] == [("alone", 1)]


def test_conflicts_with_more_than_half_the_bidders_are_warned_about() -> None:
    people = [person(1, conflicts=3), person(2, conflicts=2), person(3), person(4, conflicts=4)]
    proposal = propose(people, places=2, reserve_ratio=1.0, bidders=4)
    flagged = [w.application_id for w in proposal.warnings if w.kind == "conflicts"]
    assert flagged == [1, 4]  # 2 of 4 is half, not most
    assert not rules_out_most_bids(1, 0)
    assert rules_out_most_bids(1, 1)


def test_people_who_blocked_the_bot_come_last() -> None:
    people = [person(1, reachable=False, yes=9), person(2, yes=1)]
    proposal = propose(people, places=1, reserve_ratio=1.0, bidders=4)
    assert proposal.panel == (2,) and proposal.reserves == (1,)


def test_the_proposal_key_changes_when_the_choice_does() -> None:
    first = propose([person(1), person(2)], places=1, reserve_ratio=1.0, bidders=4)
    again = propose([person(1), person(2)], places=1, reserve_ratio=1.0, bidders=4)
    other = propose([person(1, yes=0), person(2)], places=1, reserve_ratio=1.0, bidders=4)
    assert first.key == again.key != other.key


# --- the pacer ---------------------------------------------------------------------------------


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


async def test_the_pacer_starts_requests_evenly() -> None:
    time = FakeTime()
    pacer = Pacer(30, clock=time.clock, sleep=time.sleep)
    starts = []
    for duration in (0.01, 0.01, 0.05, 0.0):  # the third request is slower than the pace
        async with pacer.slot():
            starts.append(time.now)
            time.now += duration
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert gaps == pytest.approx([1 / 30, 1 / 30, 0.05], abs=1e-5)


async def test_a_hold_pauses_everything_for_retry_after() -> None:
    time = FakeTime()
    pacer = Pacer(30, clock=time.clock, sleep=time.sleep)
    async with pacer.slot():
        pacer.hold(2.0)  # a 429 asked us to wait 2 seconds
    before = time.now
    async with pacer.slot():
        pass
    assert time.now - before == pytest.approx(2.0)


async def test_no_second_has_more_than_the_limit() -> None:
    time = FakeTime()
    pacer = Pacer(30, clock=time.clock, sleep=time.sleep)
    starts = []
    for _ in range(200):
        async with pacer.slot():
            starts.append(time.now)
    for index, start in enumerate(starts):
        assert sum(1 for s in starts[index:] if s - start < 1.0) <= 30


# --- exports and typed times -------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+1", "+44 7700 900123", "-2", "@SUM(A1)"])
def test_a_cell_that_could_start_a_formula_is_quoted(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["\t=x", "\r=x", "\u202e=x", "\u200b=x"])
def test_a_formula_behind_a_hidden_character_is_quoted_without_it(cell: str) -> None:
    assert safe_cell(cell) == "'=x"


def test_ordinary_cells_are_kept_and_the_csv_reads_back() -> None:
    assert safe_cell("Sam") == "Sam" and safe_cell(None) == "" and safe_cell(3) == "3"
    content = to_csv(["Name", "Note"], [["Sam, Jo", 'said "hi"\nthen left'], ["=cmd", ""]])
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Name,Note"
    assert '"Sam, Jo","said ""hi""' in text
    assert "'=cmd" in text


@pytest.mark.parametrize(
    ("position", "letters"),
    [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")],
)
def test_member_letters_run_like_spreadsheet_columns(position: int, letters: str) -> None:
    assert member_letters(position) == letters


def test_typed_times_are_read_in_the_panels_zone() -> None:
    start, end = parse_times("2027-03-10 11:00-13:30", LONDON) or (None, None)
    assert start == datetime(2027, 3, 10, 11, 0, tzinfo=UTC)  # GMT in March before the 28th
    assert end == datetime(2027, 3, 10, 13, 30, tzinfo=UTC)
    summer = parse_times("2027-4-5 10.00 to 2027-04-19 17:00", LONDON)
    assert summer == (
        datetime(2027, 4, 5, 9, 0, tzinfo=UTC),
        datetime(2027, 4, 19, 16, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    "typed",
    ["tomorrow at 11", "2027-02-30 11:00-12:00", "2027-03-10 25:00-26:00", "", "2027-03-10 11:00"],
)
def test_unreadable_times_are_refused(typed: str) -> None:
    assert parse_times(typed, LONDON) is None
