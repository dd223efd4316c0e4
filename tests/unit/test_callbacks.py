"""Button data: records pack within Telegram's 64 bytes, today's strings parse to the same
records, and anything else parses to None without raising."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot import callbacks as cb
from bot.model import FEEDBACK_QUESTIONS
from bot.services.coordinator import PANEL_COMMANDS
from bot.services.volunteer.journey import OWN_STEPS
from bot.services.volunteer.steps import STEPS

# Strings buttons carry in chats today, and the record each stands for.
TODAY = {
    "v:role:carer": cb.StepButton("role", "carer"),
    "v:needs:t.reading_stand": cb.StepButton("needs", "t.reading_stand"),
    "v:availability:12.maybe": cb.StepButton("availability", "12.maybe"),
    "c:agree:ashbridge-day-2027": cb.PanelByCode("agree", "ashbridge-day-2027"),
    "c:withdraw_yes:3": cb.PanelById("withdraw_yes", 3),
    "c:erase:no": cb.Erase("no"),
    "ch:4:maybe": cb.Reconfirm(4, "maybe"),
    "r:nox:1:2:3": cb.ReminderAnswer("nox", 1, 2, 3),
    "r:take:5": cb.OfferAnswer("take", 5),
    "fb:7:go": cb.FeedbackStep(7, "go"),
    "fb:7:2:enough": cb.FeedbackAnswer(7, 2, "enough"),
    "fb:7:fp:yes": cb.FeedbackFuture(7, "fp", "yes"),
    "k:pick:export:1": cb.PickPanel("export", 1),
    "k:roster:1:0": cb.RosterPage(1, 0),
    "k:person:9": cb.OpenPerson(9),
    "k:set:9:applied:confirmed": cb.SetStatus(9, "applied", "confirmed"),
    "k:propose:1": cb.Propose(1),
    "k:accept:1:0123456789": cb.Accept(1, "0123456789"),
    "k:declinerest:1:abcdef0123": cb.DeclineRest(1, "abcdef0123"),
    "k:close:1:late": cb.CloseSignups(1, "late"),
    "k:aud:2:again": cb.Audience(2, "again"),
    "k:bcstop:2": cb.StopBroadcast(2),
    "k:bcsend:2": cb.SendBroadcast(2),
    "k:sess:cs:6": cb.ChooseSession("cs", 6),
    "k:rsw:6:venue": cb.ChangeWhat(6, "venue"),
    "k:chg:8:skip": cb.ChangeDecision(8, "skip"),
    "k:reply:11": cb.ReplyTo(11),
    "att:p:1": cb.AttendancePanel("p", 1),
    "att:csv:1": cb.AttendancePanel("csv", 1),
    "att:s:6": cb.AttendanceSession("s", 6),
    "att:save:6": cb.AttendanceSession("save", 6),
    "att:t:6:9": cb.AttendanceTick(6, 9),
    "out:score_yes:1": cb.OutcomeStep("score_yes", 1),
    "out:to:1:2": cb.AwardBidder(1, 2),
    "out:to:1:other": cb.AwardOther(1),
}

FORGED = [
    "",
    ":",
    "nonsense",
    "v::",
    "v:role",
    "v:role:admin:x",
    "v:admin:carer",
    "v:role:car er",
    "v:role:carer\n",
    "c:agree:bad code!",
    "c:agree:" + "x" * 40,
    "c:erase:yes" + "x" * 40,
    "c:erase:maybe",
    "k:nonsense",
    "k:confirm:1:1",
    "k:roster:1",
    "k:roster:1:0:0",
    "k:roster:1:007",
    "k:set:1:applied:admin",
    "k:pick:rm -rf:1",
    "att:p:²",
    "att:p:٣",
    "att:p:\uff11",  # a full-width 1
    "att:p:" + "9" * 20,
    f"att:p:{2**63}",
    "att:p:0",
    "att:p:-1",
    "att:p:+1",
    "att:p: 1",
    "att:p:1.0",
    "att:x:1",
    "att:t:1",
    "r:there:1:1",
    "r:yes:1:2",
    "out:to:1:someone",
    "fb:1:fp:maybe",
    "fb:1:later:now",
    "ch:1:yes:no",
    "x" * 10_000,
    "k:reply:" + "1" * 60,
]


@pytest.mark.parametrize("data", sorted(TODAY))
def test_todays_buttons_parse_to_their_record_and_pack_back(data: str) -> None:
    assert cb.parse(data) == TODAY[data]
    assert TODAY[data].pack() == data
    assert type(TODAY[data]).route().match(data)


@pytest.mark.parametrize("data", FORGED)
def test_forged_and_malformed_data_parse_to_none(data: str) -> None:
    assert cb.parse(data) is None
    assert all(kind.parse(data) is None for kind in cb.KINDS)


def test_anything_but_a_string_is_none() -> None:
    for data in (None, 1, b"v:role:carer", ["v", "role", "carer"]):
        assert cb.parse(data) is None


def test_packing_refuses_what_would_not_parse_back() -> None:
    with pytest.raises(ValueError, match="cannot go in a button"):
        cb.StepButton("role", "a:b").pack()
    with pytest.raises(ValueError, match="cannot go in a button"):
        cb.OpenPerson(0).pack()
    with pytest.raises(ValueError, match="cannot go in a button"):
        cb.OpenPerson(True).pack()
    with pytest.raises(ValueError, match="cannot go in a button"):
        cb.Erase("maybe").pack()  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="64 bytes"):
        cb.ReminderAnswer("nox", cb.ID_MAX, cb.ID_MAX, cb.ID_MAX).pack()


def test_the_choices_are_the_ones_the_services_know() -> None:
    assert set(get_args(cb.StepName)) == set(STEPS) | OWN_STEPS
    assert set(get_args(cb.PanelCommand)) == set(PANEL_COMMANDS)
    word = cb.FeedbackAnswer.spec()[2]
    answers = [answer for _, choices in FEEDBACK_QUESTIONS for answer in choices]
    assert all(word.read(answer) == answer for answer in answers)


def _value(field: cb.Field) -> st.SearchStrategy[Any]:
    if field.digits is not None:
        return st.integers(field.digits.low, field.digits.high)
    if field.choices is not None:
        return st.sampled_from(field.choices)
    return st.from_regex(field.regex, fullmatch=True).filter(str.isascii)


@st.composite
def records(draw: st.DrawFn) -> cb.CallbackData:
    kind = draw(st.sampled_from(cb.KINDS))
    return kind(*(draw(_value(field)) for field in kind.spec()))


@given(records())
def test_parse_undoes_pack(record: cb.CallbackData) -> None:
    try:
        data = record.pack()
    except ValueError:
        assume(False)  # only ids too long to fit in 64 bytes together
        raise
    assert len(data.encode()) <= cb.MAX_BYTES
    assert cb.parse(data) == record
    assert [kind for kind in cb.KINDS if kind.parse(data) is not None] == [type(record)]


def _packed_or_empty(record: cb.CallbackData) -> str:
    try:
        return record.pack()
    except ValueError:
        return ""


ODD_CHARACTERS = list("vckrfbatouchpsx:0123456789-_.²٣\uff11 \n")
ODD = st.text(alphabet=st.sampled_from(ODD_CHARACTERS), max_size=70)


PACKED_THEN_ODD = st.builds(str.__add__, records().map(_packed_or_empty), ODD)


@given(st.one_of(st.text(max_size=200), ODD, PACKED_THEN_ODD))
def test_parse_never_raises(data: str) -> None:
    record = cb.parse(data)
    assert record is None or record.pack() == data
