"""Coordinators in chat, end to end through the stand-in Bot API: rights, the roster and
decisions, the proposed selection, needs, availability, closing, exports, questions, news."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta

from bot.standin.api import FakeUser
from bot.telegram import coordinator_handlers
from tests.conftest import COORDINATOR_ID, EXAMPLE_CODE, START, World
from tests.coordinating import (
    SECOND_COORDINATOR,
    add_coordinator,
    application_of,
    last_to,
    rows,
    said_to,
    seed,
    texts_to,
)
from tests.journey import consent, sign_up
from tests.scheduler_helpers import tick_at

UNKNOWN = "Sorry, I don't know that command."


# --- rights ------------------------------------------------------------------------------------


async def test_a_volunteer_typing_a_coordinator_command_gets_the_unknown_command_reply(
    world: World, sam: FakeUser
) -> None:
    baseline = (await world.harness.say(sam, "/frobnicate")).text
    assert UNKNOWN in baseline
    for command in (
        "/roster",
        f"/roster {EXAMPLE_CODE}",
        "/panels",
        f"/broadcast {EXAMPLE_CODE}",
        f"/export {EXAMPLE_CODE}",
        "/reschedule",
        "/cancelsession",
        "/close",
        "/questions",
    ):
        assert (await world.harness.say(sam, command)).text == baseline, command
    assert await rows(world, "SELECT * FROM audit_log") == []


async def test_a_crafted_coordinator_button_is_refused(world: World, sam: FakeUser) -> None:
    [someone] = await seed(world, 1)
    application_id, _ = await application_of(world, someone)
    await world.harness.say(sam, "/help")
    message_id = last_to(world, sam.id).message_id
    stale = "That button is from an earlier message and no longer works."
    for data in (
        f"k:set:{application_id}:applied:confirmed",
        f"k:person:{application_id}",
        f"k:accept:{world.panel_id}:0123456789",
        f"k:close:{world.panel_id}:closed",
        "k:bcsend:1",
        "k:chg:1:send",
        "k:reply:1",
        "k:pick:export:1",
        "k:nonsense",
    ):
        reply = await world.harness.press(sam, message_id, data)
        assert stale in reply.text, data
    assert await application_of(world, someone) == (application_id, "applied")
    assert world.api.messages_to(someone) == []
    assert await rows(world, "SELECT stage FROM panels") == [("recruiting",)]


async def test_coordinators_get_their_own_menu_and_volunteers_never_see_it(
    world: World, coordinator: FakeUser
) -> None:
    def names(commands: list[dict[str, str]]) -> set[str]:
        return {c["command"] for c in commands}

    assert "roster" not in names(world.api.commands_for())
    assert {"panels", "roster", "broadcast", "export", "help"} <= names(
        world.api.commands_for(COORDINATOR_ID)
    )
    await add_coordinator(world)
    assert world.api.commands_for(SECOND_COORDINATOR.id) == []
    reply = await world.harness.say(SECOND_COORDINATOR, "/panels")  # rights apply at once
    assert "Your panels" in reply.text
    await world.restart()  # the menu comes with the next start
    assert "roster" in names(world.api.commands_for(SECOND_COORDINATOR.id))


async def test_help_is_the_coordinators_own(
    world: World, coordinator: FakeUser, sam: FakeUser
) -> None:
    assert "What coordinators can do" in (await world.harness.say(coordinator, "/help")).text
    assert "What coordinators can do" not in (await world.harness.say(sam, "/help")).text


# --- panels, roster and decisions --------------------------------------------------------------


async def test_panels_show_stage_and_counts(world: World, coordinator: FakeUser) -> None:
    await seed(world, 4)
    reply = await world.harness.say(coordinator, "/panels")
    assert "Help choose who runs Ashbridge day services" in reply.text
    assert "Stage: Taking sign-ups" in reply.text
    assert (
        "Counted: the 4 people in the running (0 with a place ✅, 0 reserves 🔸, "
        "4 waiting for a decision)." in reply.text
    )
    assert "Places taken: 0 of 6 · Reserves: 0 of 3" in reply.text
    world.clock.advance(timedelta(days=60))  # past the closing date in the panel file
    assert "Stage: Sign-ups closed" in (await world.harness.say(coordinator, "/panels")).text


async def test_a_decision_from_a_persons_page_tells_them_kindly(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 3)
    roster = await world.harness.say(coordinator, f"/roster {EXAMPLE_CODE}")
    assert "1. Alex 1: Signed up (Uses services)" in roster.text
    page = await world.harness.press_button(coordinator, "Bea 1")
    assert "Bea 1" in page.last.text and "When they can come" in page.last.text
    done = await world.harness.press_button(coordinator, "Give a place")
    assert "Done. Bea 1 is now: Has a place. We will tell them at 10:05am" in done.last.text
    assert (await application_of(world, people[1]))[1] == "confirmed"
    await tick_at(world, START + timedelta(minutes=5))
    assert said_to(world, people[1], "Good news, Bea 1! You have a place")
    await world.harness.press_button(coordinator, "Make a reserve")
    await tick_at(world, START + timedelta(minutes=10))
    assert said_to(world, people[1], "You are a reserve")
    assert await rows(
        world, "SELECT action, detail FROM audit_log WHERE action = 'set_status'"
    ) == [("set_status", "applied -> confirmed"), ("set_status", "confirmed -> reserve")]


async def test_two_coordinators_acting_at_once_end_in_one_state_and_both_are_told(
    world: World, coordinator: FakeUser
) -> None:
    other = await add_coordinator(world)
    [person] = await seed(world, 1)
    application_id, _ = await application_of(world, person)
    for who in (coordinator, other):
        await world.harness.say(who, f"/roster {EXAMPLE_CODE}")
        await world.harness.press_button(who, "Alex 1")
    give = world.api.last_message_to(coordinator.id)
    decline = world.api.last_message_to(other.id)
    assert give is not None and decline is not None
    give_data = give.find_button("Give a place").callback_data  # type: ignore[union-attr]
    decline_data = decline.find_button("Decline").callback_data  # type: ignore[union-attr]
    first, second = await asyncio.gather(
        world.harness.press(coordinator, give.message_id, give_data or ""),
        world.harness.press(other, decline.message_id, decline_data or ""),
    )
    status = (await application_of(world, person))[1]
    assert status in ("confirmed", "declined")
    winner, loser = (first, second) if status == "confirmed" else (second, first)
    shown = "Has a place" if status == "confirmed" else "Not chosen"
    assert f"is now: {shown}" in winner.edited[-1].text
    assert f"Someone else changed this meanwhile. Alex 1 is now: {shown}" in loser.edited[-1].text
    await tick_at(world, START + timedelta(minutes=5))
    news = [m for m in world.api.messages_to(person) if "Alex 1" in m.text and not m.document]
    assert len(news) == 1  # one decision's news (a place also brings its calendar file)
    # the loser was also told by a notice the moment the other decided
    loser_chat = other if status == "confirmed" else coordinator
    assert any("changed Alex 1" in t for t in texts_to(world, loser_chat.id))
    assert (await application_of(world, person)) == (application_id, status)


async def test_the_proposed_selection_is_confirmed_in_one_press(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 12)
    await world.harness.say(coordinator, f"/roster {EXAMPLE_CODE}")
    proposal = await world.harness.press_button(coordinator, "Proposed selection")
    assert "6 places and 3 reserves" in proposal.last.text
    chosen = proposal.last.text.split("Please check")[0]
    assert "Gus 1" not in chosen  # links to 3 of the 4 bidders: never proposed first
    assert "said No to 1 of the 4 main sessions everyone must come to" in proposal.last.text
    done = await world.harness.press_button(coordinator, "Confirm these places")
    assert "now has 6 people with a place and 3 reserves" in done.last.text
    assert "We will tell the 9 people whose status changed at 10:05am" in done.last.text
    assert not any(world.api.messages_to(p) for p in people)  # held: they can be undone
    await tick_at(world, START + timedelta(minutes=5))
    statuses = [s for (s,) in await rows(world, "SELECT status FROM applications ORDER BY id")]
    assert (statuses.count("confirmed"), statuses.count("reserve"), statuses.count("applied")) == (
        6,
        3,
        3,
    )
    told = [p for p in people if world.api.messages_to(p)]
    assert len(told) == 9
    await world.harness.press_button(coordinator, "Tell the others kindly")
    assert [s for (s,) in await rows(world, "SELECT status FROM applications")].count(
        "declined"
    ) == 3
    await tick_at(world, START + timedelta(minutes=10))
    declined = [p for p in people if said_to(world, p, "can't offer you a place")]
    assert len(declined) == 3


async def test_a_proposal_that_went_out_of_date_changes_nothing(
    world: World, coordinator: FakeUser
) -> None:
    await seed(world, 8)
    await world.harness.say(coordinator, f"/roster {EXAMPLE_CODE}")
    await world.harness.press_button(coordinator, "Proposed selection")
    await seed(world, 4, seed=7)  # more sign-ups arrive meanwhile
    async with world.db.transaction() as tx:  # one of them is free for everything
        await tx.execute(
            "UPDATE availability SET answer = 'yes' WHERE application_id = "
            "(SELECT max(id) FROM applications)"
        )
    reply = await world.harness.press_button(coordinator, "Confirm these places")
    assert "The sign-ups changed since you looked" in reply.last.text
    assert await rows(world, "SELECT DISTINCT status FROM applications") == [("applied",)]


# --- needs, availability, unknown panels -------------------------------------------------------


async def test_needs_adds_up_what_the_venue_must_arrange(
    world: World, coordinator: FakeUser, sam: FakeUser
) -> None:
    await seed(world, 8)
    reply = await world.harness.say(coordinator, f"/needs {EXAMPLE_CODE}")
    assert "Support needs for Help choose" in reply.text
    assert "• Reading stand: 1 · ⚠️ to arrange: Alex 1\n" in reply.text
    assert "• BSL interpreter: 1 · ⚠️ to arrange: Femi 1\n" in reply.text
    assert "please do not share names with the venue" in reply.text
    await sign_up(world, sam)
    own = await world.harness.say(sam, "/needs")  # a volunteer still gets their own
    assert "Last time, you told us" in own.text


async def test_availability_counts_yes_maybe_and_no_for_each_session(
    world: World, coordinator: FakeUser
) -> None:
    await seed(world, 5)
    reply = await world.harness.say(coordinator, f"/availability {EXAMPLE_CODE}")
    assert "Welcome and briefing, Tuesday 9 March 2027, 11am to 1pm" in reply.text
    answers = await rows(
        world,
        "SELECT answer, count(*) FROM availability av JOIN sessions s "
        "ON s.id = av.session_id WHERE s.key = 'briefing' GROUP BY answer",
    )
    counts = dict(answers)
    assert (
        f"Yes {counts.get('yes', 0)} · Maybe {counts.get('maybe', 0)} · No {counts.get('no', 0)}"
    ) in reply.text


async def test_a_panel_code_nobody_knows_is_a_clear_error(
    world: World, coordinator: FakeUser
) -> None:
    for command in ("roster", "needs", "availability", "broadcast", "reschedule", "export"):
        reply = await world.harness.say(coordinator, f"/{command} no-such-panel")
        assert "There is no panel with the code no-such-panel. Nothing was done." in reply.text
        assert "Which panel?" in reply.text  # and a list to choose from
    chosen = await world.harness.press_button(coordinator, EXAMPLE_CODE)
    assert "ashbridge-day-2027-roster.csv" in [m.document[0] for m in chosen.messages if m.document]


# --- closing sign-ups ------------------------------------------------------------------------


async def test_closing_sign_ups_thanks_people_who_come_later(
    world: World, coordinator: FakeUser, sam: FakeUser
) -> None:
    await world.harness.say(coordinator, f"/close {EXAMPLE_CODE}")
    closed = await world.harness.press_button(coordinator, "Close sign-ups")
    assert "are closed" in closed.last.text
    assert await rows(world, "SELECT stage, late_reserves FROM panels") == [
        ("recruitment_closed", 0)
    ]
    reply = await world.harness.say(sam, f"/start {EXAMPLE_CODE}")
    assert "Sign-up has now closed" in reply.text
    again = await world.harness.say(coordinator, f"/close {EXAMPLE_CODE}")
    assert "already closed" in again.text


async def test_late_sign_ups_can_join_the_reserves_when_allowed(
    world: World, coordinator: FakeUser, sam: FakeUser
) -> None:
    await world.harness.say(coordinator, f"/close {EXAMPLE_CODE}")
    await world.harness.press_button(coordinator, "let late sign-ups be reserves")
    reply = await world.harness.say(sam, f"/start {EXAMPLE_CODE}")
    assert "You can still join as a reserve" in reply.text
    sent = await sign_up(world, sam)
    assert "you are now a reserve" in sent.text
    assert await rows(world, "SELECT status FROM applications") == [("reserve",)]


# --- exports ------------------------------------------------------------------------------------


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


async def test_export_gives_a_full_roster_and_an_anonymised_list(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 6)
    async with world.db.transaction() as tx:
        await tx.execute(
            "UPDATE volunteers SET contact = '=HYPERLINK(\"http://x\")' WHERE telegram_id = ?",
            (people[0],),
        )
        await tx.execute(
            "UPDATE applications SET status = 'confirmed' WHERE id IN "
            "(SELECT id FROM applications ORDER BY id LIMIT 3)"
        )
        await tx.execute(
            "UPDATE applications SET status = 'reserve' WHERE id = "
            "(SELECT max(id) FROM applications)"
        )
    reply = await world.harness.say(coordinator, f"/export {EXAMPLE_CODE}")
    full_message, anon_message = reply.messages
    assert full_message.document is not None and anon_message.document is not None
    assert full_message.document[0] == "ashbridge-day-2027-roster.csv"
    full = read_csv(full_message.document[1])
    assert full[0][:4] == ["Name", "Status", "They are", "Contact"]
    assert [r[0] for r in full[1:]] == ["Alex 1", "Bea 1", "Chris 1", "Dev 1", "Ella 1", "Femi 1"]
    assert full[1][3] == '\'=HYPERLINK("http://x")'  # no formula can run
    anonymised = read_csv(anon_message.document[1])
    assert anonymised == [
        ["Panel member", "Place"],
        ["Panel member A", "Panel member"],
        ["Panel member B", "Panel member"],
        ["Panel member C", "Panel member"],
        ["Panel member D", "Reserve"],
    ]
    raw = anon_message.document[1].decode("utf-8-sig")
    volunteer_rows = await rows(world, "SELECT id, telegram_id, name, contact FROM volunteers")
    for _volunteer_id, telegram_id, name, contact in volunteer_rows:
        assert name not in raw and str(telegram_id) not in raw
        assert contact is None or contact not in raw
    # Letters stay with people: the first panel member leaves, a reserve moves up.
    async with world.db.transaction() as tx:
        await tx.execute(
            "UPDATE applications SET status = 'withdrawn' WHERE id = "
            "(SELECT min(id) FROM applications)"
        )
        await tx.execute("UPDATE applications SET status = 'confirmed' WHERE status = 'reserve'")
    again = await world.harness.say(coordinator, f"/export {EXAMPLE_CODE}")
    assert again.messages[1].document is not None
    assert read_csv(again.messages[1].document[1])[1:] == [
        ["Panel member B", "Panel member"],
        ["Panel member C", "Panel member"],
        ["Panel member D", "Panel member"],
    ]
    assert await rows(world, "SELECT count(*) FROM audit_log WHERE action = 'export'") == [(2,)]


# --- questions ----------------------------------------------------------------------------------


async def test_a_question_is_answered_through_the_bot_and_the_thread_is_kept(
    world: World, coordinator: FakeUser, sam: FakeUser
) -> None:
    other = await add_coordinator(world)
    await consent(world, sam)
    await world.harness.press_button(sam, "I have a question")
    await world.harness.say(sam, "Can I bring my support worker?")
    question = last_to(world, COORDINATOR_ID)
    assert "Can I bring my support worker?" in question.text
    asked = await world.harness.press_button(coordinator, "Reply")
    assert "Your name and account are not shown" in asked.text
    sent = await world.harness.say(coordinator, "Yes <of course> & welcome.")
    assert "Sent to" in sent.text
    answer = last_to(world, sam.id)
    assert "The panel team has answered your question" in answer.text
    assert "Yes <of course> & welcome." in answer.text
    assert "&lt;of course&gt; &amp; welcome." in answer.raw_text  # escaped, as typed
    assert "Priya" not in answer.text and str(COORDINATOR_ID) not in answer.raw_text
    assert "answered question" in last_to(world, other.id).text
    assert await rows(world, "SELECT coordinator_id, text FROM question_replies") == [
        (COORDINATOR_ID, "Yes <of course> & welcome.")
    ]
    thread = await world.harness.say(coordinator, "/questions")
    assert "Can I bring my support worker?" in thread.text
    assert "↳ Yes <of course> & welcome." in thread.text
    await world.harness.say(coordinator, "just chatting")  # the bot is not waiting any more
    assert last_to(world, sam.id) is answer


async def test_an_empty_answer_is_refused_and_cancel_stops_it(
    world: World, coordinator: FakeUser, sam: FakeUser
) -> None:
    await consent(world, sam)
    await world.harness.press_button(sam, "I have a question")
    await world.harness.say(sam, "When is lunch?")
    before = len(world.api.messages_to(sam.id))
    await world.harness.press_button(coordinator, "Reply")
    assert "Your answer is empty" in (await world.harness.say(coordinator, "   ")).text
    assert "Stopped. Nothing was sent." in (await world.harness.say(coordinator, "/cancel")).text
    assert len(world.api.messages_to(sam.id)) == before


# --- news for coordinators --------------------------------------------------------------------


async def test_many_withdrawals_at_once_arrive_as_one_digest(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 6)
    before = len(world.api.messages_to(COORDINATOR_ID))
    for telegram_id in people[:5]:
        user = FakeUser(telegram_id, "V")
        await world.harness.say(user, "/withdraw")
        await world.harness.press_button(user, "Yes, I want to leave")
    told = texts_to(world, COORDINATOR_ID)[before:]
    assert len(told) == 3 and all("has left" in t for t in told)  # the first few at once
    world.clock.advance(timedelta(minutes=2))
    await coordinator_handlers.check_news(world.harness.app)
    assert len(texts_to(world, COORDINATOR_ID)) == before + 3  # still gathering
    world.clock.advance(timedelta(minutes=4))
    await coordinator_handlers.check_news(world.harness.app)
    digest = last_to(world, COORDINATOR_ID).text
    assert "2 updates from volunteers" in digest
    assert "Left the panel (Help choose who runs Ashbridge day services): Dev 1, Ella 1" in digest
