"""Decisions are marked at once but told later: a short hold to undo, a preview of exactly
what each person gets, one message for a changed mind, and never at night."""

from __future__ import annotations

from datetime import timedelta

from bot.standin.api import FakeUser
from bot.store import volunteers
from bot.telegram import coordinator_handlers
from tests.conftest import EXAMPLE_CODE, START, World
from tests.coordinating import add_coordinator, application_of, rows, runner, seed
from tests.scheduler_helpers import london, tick, tick_at

PLACE = "Good news, Bea 1! You have a place"


def news_to(world: World, chat_id: int) -> list[str]:
    """What the person heard about a decision (place, reserve or no place)."""
    words = ("You have a place", "You are a reserve", "can't offer you a place")
    return [m.text for m in world.api.messages_to(chat_id) if any(w in m.text for w in words)]


async def open_bea(world: World, coordinator: FakeUser) -> None:
    await world.harness.say(coordinator, f"/roster {EXAMPLE_CODE}")
    await world.harness.press_button(coordinator, "Bea 1")


async def test_a_decline_at_night_waits_for_the_morning_and_the_coordinator_is_told_when(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 3)
    world.clock.set(london(2027, 1, 11, 22, 38))
    await open_bea(world, coordinator)
    done = await world.harness.press_button(coordinator, "Decline kindly")
    assert "Bea 1 is now: Not chosen. We will tell them tomorrow at 8am" in done.last.text
    assert (await application_of(world, people[1]))[1] == "declined"  # marked at once
    for hour, minute in ((22, 43), (23, 59)):
        await tick_at(world, london(2027, 1, 11, hour, minute))
    for hour in (2, 5, 7):
        await tick_at(world, london(2027, 1, 12, hour, 59))
    assert news_to(world, people[1]) == []
    await tick_at(world, london(2027, 1, 12, 8))
    assert len(news_to(world, people[1])) == 1
    await tick_at(world, london(2027, 1, 12, 9))
    assert len(news_to(world, people[1])) == 1  # once


async def test_a_changed_mind_within_the_hold_sends_one_message_the_last(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 3)
    await open_bea(world, coordinator)
    for choice in ("Decline kindly", "Make a reserve", "Give a place"):
        await world.harness.press_button(coordinator, choice)
        world.clock.advance(timedelta(minutes=1))
        await tick(world)
    await tick_at(world, START + timedelta(minutes=8))
    heard = news_to(world, people[1])
    assert len(heard) == 1 and PLACE in heard[0]


async def test_undo_before_it_goes_puts_them_back_and_sends_nothing(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 3)
    await open_bea(world, coordinator)
    await world.harness.press_button(coordinator, "Give a place")
    undone = await world.harness.press_button(coordinator, "Undo")
    assert "Undone. Bea 1 is back to: Signed up. Nothing was sent to them." in undone.last.text
    assert (await application_of(world, people[1]))[1] == "applied"
    await tick_at(world, START + timedelta(hours=1))
    assert world.api.messages_to(people[1]) == []  # no news, and no calendar file either
    assert await rows(world, "SELECT action FROM audit_log WHERE action = 'undo_status'") == [
        ("undo_status",)
    ]


async def test_undo_after_it_went_says_so_kindly(world: World, coordinator: FakeUser) -> None:
    people = await seed(world, 3)
    await open_bea(world, coordinator)
    page = await world.harness.press_button(coordinator, "Give a place")
    undo = page.last.find_button("Undo")
    assert undo is not None and undo.callback_data
    await tick_at(world, START + timedelta(minutes=5))
    late = await world.harness.press(coordinator, page.last.message_id, undo.callback_data)
    assert "Bea 1 has already been told, so this cannot be undone" in late.edited[-1].text
    assert (await application_of(world, people[1]))[1] == "confirmed"
    assert len(news_to(world, people[1])) == 1


async def test_the_coordinator_sees_exactly_what_each_person_gets_and_sends_them_together(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 12)
    await world.harness.say(coordinator, f"/roster {EXAMPLE_CODE}")
    await world.harness.press_button(coordinator, "Proposed selection")
    await world.harness.press_button(coordinator, "Confirm these places")
    roster = await world.harness.press_button(coordinator, "Back to the list")
    assert "Decisions waiting to be sent: 9" in str(roster.last.buttons)
    preview = await world.harness.press_button(coordinator, "Decisions waiting to be sent")
    text = preview.last.text
    assert text.count("goes at 10:05am. They will get:") == 9
    assert "You have a place" in text and "You are a reserve" in text
    sent = await world.harness.press_button(coordinator, "Send these 9 now")
    assert "Sending the 9 decisions now" in sent.last.text
    await tick(world)  # what the press's poke starts, awaited here
    assert sum(1 for p in people if news_to(world, p)) == 9


async def test_send_now_in_quiet_hours_still_waits_for_the_morning(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 3)
    world.clock.set(london(2027, 1, 11, 23, 0))
    await open_bea(world, coordinator)
    await world.harness.press_button(coordinator, "Give a place")
    await world.harness.press_button(coordinator, "Back to the list")
    await world.harness.press_button(coordinator, "Decisions waiting to be sent")
    sent = await world.harness.press_button(coordinator, "Send these 1 now")
    assert "It is quiet hours, so the 1 decision goes tomorrow at 8am" in sent.last.text
    await tick_at(world, london(2027, 1, 12, 7, 59))
    assert world.api.messages_to(people[1]) == []
    await tick_at(world, london(2027, 1, 12, 8, 0))
    assert len(news_to(world, people[1])) == 1


async def test_no_decision_or_broadcast_reaches_a_volunteer_in_quiet_hours(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 12)
    world.clock.set(london(2027, 1, 11, 22, 36))
    await world.harness.say(coordinator, f"/broadcast {EXAMPLE_CODE}")
    await world.harness.say(coordinator, "The venue has a new lift.")
    await world.harness.press_button(coordinator, "Everyone signed up")
    held = await world.harness.press_button(coordinator, "Send to 12")
    assert "It is quiet hours, so your message to 12 people will go tomorrow at 8am" in (
        held.last.text
    )
    await world.harness.say(coordinator, f"/roster {EXAMPLE_CODE}")
    await world.harness.press_button(coordinator, "Proposed selection")
    await world.harness.press_button(coordinator, "Confirm these places")
    await world.harness.press_button(coordinator, "Tell the others kindly")
    night = [london(2027, 1, 11, 22, 50), london(2027, 1, 11, 23, 59)]
    night += [london(2027, 1, 12, hour, 30) for hour in range(0, 8)]
    for moment in night:
        await tick_at(world, moment)
        await coordinator_handlers.check_news(world.harness.app)
        await runner(world).join()
        assert all(world.api.messages_to(p) == [] for p in people), moment
    await tick_at(world, london(2027, 1, 12, 8, 0))
    await coordinator_handlers.check_news(world.harness.app)
    await runner(world).join()
    assert all(len(news_to(world, p)) == 1 for p in people)
    assert all(
        sum("The venue has a new lift." in m.text for m in world.api.messages_to(p)) == 1
        for p in people
    )


# --- bad input: decisions that can no longer be made ------------------------------------------


async def press_on_the_open_page(world: World, coordinator: FakeUser, choice: str) -> str:
    """Press a decision on Bea's page as it was shown before things changed."""
    reply = await world.harness.press_button(coordinator, choice)
    return reply.last.text if reply.messages else reply.edited[-1].text


async def nothing_reached(world: World, telegram_id: int) -> None:
    await tick_at(world, START + timedelta(minutes=30))
    assert news_to(world, telegram_id) == []
    assert await rows(world, "SELECT count(*) FROM outbox WHERE for_status IS NOT NULL") == [
        (0,)
    ]


async def test_a_decision_on_a_closed_panel_is_refused_kindly_and_nothing_is_sent(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 3)
    await open_bea(world, coordinator)
    async with world.db.transaction() as tx:
        await tx.execute("UPDATE panels SET stage = 'closed' WHERE id = ?", (world.panel_id,))
    said = await press_on_the_open_page(world, coordinator, "Give a place")
    assert "is closed, so decisions can't be made any more. Nothing was changed or sent." in said
    assert (await application_of(world, people[1]))[1] == "applied"
    await nothing_reached(world, people[1])
    page = world.api.last_message_to(coordinator.id)
    assert page is not None and page.find_button("Give a place") is None
    await world.harness.say(coordinator, f"/roster {EXAMPLE_CODE}")
    proposed = await world.harness.press_button(coordinator, "Proposed selection")
    assert "is closed, so decisions can't be made any more" in proposed.last.text
    await nothing_reached(world, people[1])


async def test_a_decision_on_someone_who_left_is_refused_kindly_and_nothing_is_sent(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 3)
    await open_bea(world, coordinator)
    async with world.db.transaction() as tx:
        await tx.execute(
            "UPDATE applications SET status = 'withdrawn' WHERE volunteer_id = "
            "(SELECT id FROM volunteers WHERE telegram_id = ?)",
            (people[1],),
        )
    said = await press_on_the_open_page(world, coordinator, "Give a place")
    assert "Bea 1 has left this panel, so nothing was changed or sent." in said
    assert "Someone else changed this" not in said
    assert (await application_of(world, people[1]))[1] == "withdrawn"
    await nothing_reached(world, people[1])


async def test_a_decision_on_someone_erased_is_refused_kindly_and_nothing_is_sent(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 3)
    await open_bea(world, coordinator)
    async with world.db.transaction() as tx:
        [(volunteer_id,)] = await tx.execute_fetchall(
            "SELECT id FROM volunteers WHERE telegram_id = ?", (people[1],)
        )
        await volunteers.erase(tx, int(volunteer_id), world.clock.now(), "asked")
    said = await press_on_the_open_page(world, coordinator, "Give a place")
    assert "That person is no longer on the list" in said
    assert "so nothing was changed or sent." in said
    await nothing_reached(world, people[1])


async def test_two_coordinators_within_the_hold_one_decision_stands_and_both_are_told(
    world: World, coordinator: FakeUser
) -> None:
    other = await add_coordinator(world)
    people = await seed(world, 3)
    await open_bea(world, other)
    await open_bea(world, coordinator)
    done = await world.harness.press_button(coordinator, "Give a place")
    assert "Bea 1 is now: Has a place" in done.last.text
    world.clock.advance(timedelta(minutes=1))  # within the hold
    said = await press_on_the_open_page(world, other, "Decline kindly")
    assert "Someone else changed this meanwhile. Bea 1 is now: Has a place" in said
    told = [m.text for m in world.api.messages_to(other.id)]
    assert any("changed Bea 1" in t and "Has a place" in t for t in told)
    await tick_at(world, START + timedelta(minutes=30))
    heard = news_to(world, people[1])
    assert len(heard) == 1 and PLACE in heard[0]
    assert (await application_of(world, people[1]))[1] == "confirmed"
