"""Who hears what: nobody who left, was declined or was erased; a place offered to reserves;
attendance and pay; and a volunteer who signed up in the chat gets the calendar and reminders."""

from __future__ import annotations

from html import unescape

from bot.standin.api import FakeUser
from bot.store import applications
from tests.conftest import COORDINATOR_ID, EXAMPLE_CODE, World
from tests.factories import signed_up
from tests.journey import sign_up
from tests.scheduler_helpers import london, messages, tick, tick_at

ALEX = FakeUser(1002, "Alex")
RAE = FakeUser(1003, "Rae")
LOU = FakeUser(1004, "Lou")
DEE = FakeUser(1005, "Dee")


async def test_people_who_left_were_declined_or_erased_receive_nothing(
    world: World, sam: FakeUser, coordinator: FakeUser
) -> None:
    for user in (sam, ALEX, RAE):
        await signed_up(world, world.panel_id, user, world.clock.now())
    await signed_up(world, world.panel_id, DEE, world.clock.now(),
                              status="declined")  # fmt: skip
    await tick(world)
    # Alex leaves and Rae asks to be erased, in the chat.
    await world.harness.say(ALEX, "/withdraw")
    await world.harness.press_button(ALEX, "Yes, I want to leave")
    await world.harness.say(RAE, "/delete")
    await world.harness.press_button(RAE, "Yes, delete everything")
    seen = {user.id: len(world.api.messages_to(user.id)) for user in (ALEX, RAE, DEE)}
    for moment in (london(2027, 3, 2, 11), london(2027, 3, 8, 11), london(2027, 3, 9, 9)):
        await tick_at(world, moment)
    world.clock.set(london(2027, 5, 5, 10))
    await world.harness.say(coordinator, f"/outcome {EXAMPLE_CODE}")
    await world.harness.press_button(coordinator, "Scoring is finished")
    await world.harness.press_button(coordinator, "Yes, thank everyone")
    await tick(world)
    assert len(messages(world, sam.id, "A reminder about Welcome and briefing")) == 3
    assert len(messages(world, sam.id, "The scoring for")) == 1
    for user in (ALEX, RAE, DEE):
        assert len(world.api.messages_to(user.id)) == seen[user.id], user.first_name


async def test_cant_make_it_tells_coordinators_and_offers_the_place_to_reserves_in_turn(
    world: World, sam: FakeUser
) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now())
    reserves = {}
    for user in (RAE, LOU):
        world.clock.set(world.clock.now().replace(minute=world.clock.now().minute + 1))
        reserves[user.id] = await signed_up(
            world, world.panel_id, user, world.clock.now(), status="reserve"
        )
    await tick(world)
    await tick_at(world, london(2027, 3, 8, 11))
    h = world.harness
    # Someone else cannot answer Sam's reminder.
    reminder = messages(world, sam.id, "A reminder about Welcome and briefing")[-1]
    cant = reminder.find_button("I can't make it")
    assert cant is not None and cant.callback_data
    assert "no longer works" in (await h.press(RAE, reminder.message_id, cant.callback_data)).text
    await h.press_button(sam, "I can't make it")
    answer = await h.press_button(sam, "Yes, I can't come")
    assert "I have let the panel team know" in answer.text
    told = [unescape(m.text) for m in world.api.messages_to(COORDINATOR_ID)]
    assert any("Sam can't come to Welcome and briefing" in text for text in told)
    assert any("offered the place" in text and "Rae" in text for text in told)
    await tick(world)
    assert len(messages(world, RAE.id, "A place has come up")) == 1
    assert messages(world, LOU.id, "A place has come up") == []
    assert "still a reserve" in (await h.press_button(RAE, "No, thank you")).text
    await tick(world)
    assert len(messages(world, LOU.id, "A place has come up")) == 1
    taken = await h.press_button(LOU, "Yes, I'll take the place")
    assert "You now have a place" in taken.text
    async with world.db.transaction() as tx:
        lou = await applications.get(tx, reserves[LOU.id].application_id)
    assert lou is not None and lou.status == "confirmed"
    assert any(
        "Lou took the place" in unescape(m.text) for m in world.api.messages_to(COORDINATOR_ID)
    )
    await tick(world)
    calendar = messages(world, LOU.id, "Here are your dates")
    assert len(calendar) == 1 and calendar[0].document is not None
    # Pressing again changes nothing; Sam gets no more reminders for the briefing.
    again = await h.press_button(LOU, "Yes, I'll take the place")
    assert "no longer free" in again.text
    await tick_at(world, london(2027, 3, 9, 9))  # the 2-hour reminder's time
    assert len(messages(world, sam.id, "A reminder about Welcome and briefing")) == 1


async def test_attendance_thanks_people_with_what_they_are_owed_and_exports_for_finance(
    world: World, sam: FakeUser, coordinator: FakeUser
) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now())
    await signed_up(world, world.panel_id, ALEX, world.clock.now(),
                              payment="unpaid")  # fmt: skip
    await tick(world)
    world.clock.set(london(2027, 3, 9, 14))  # after the briefing (11am to 1pm)
    h = world.harness
    sessions = await h.say(coordinator, "/attendance")
    assert "Welcome and briefing" in sessions.last.button_texts[0]
    await h.press_button(coordinator, "Welcome and briefing")
    await h.press_button(coordinator, "Sam")
    marked = await h.press_button(coordinator, "Alex")
    assert "Marked as came: 2." in marked.last.text
    await h.press_button(coordinator, "Done: thank them")
    await tick(world)
    paid = messages(world, sam.id, "Thank you for coming")
    assert len(paid) == 1
    assert "You are owed £40 for your time" in paid[0].text
    assert "Within 4 weeks of each meeting" in paid[0].text
    assert "keep your receipts" in paid[0].text
    unpaid = messages(world, ALEX.id, "Thank you for coming")
    assert len(unpaid) == 1 and "owed" not in unpaid[0].text
    await tick(world)
    assert len(messages(world, sam.id, "Thank you for coming")) == 1
    export = await h.press_button(coordinator, "Download for finance")
    document = export.last.document
    assert document is not None
    lines = document[1].decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Session,Date,Name")
    assert any(",Sam," in line and "£40" in line for line in lines)
    assert any(",Alex," in line and "£0" in line for line in lines)
    assert "Total owed: £40" in export.last.text


async def test_a_volunteer_who_signed_up_in_the_chat_gets_the_calendar_and_reminders(
    world: World, sam: FakeUser
) -> None:
    await sign_up(world, sam)
    await tick(world)
    assert messages(world, sam.id, "Here are your dates") == []  # not confirmed yet
    async with world.db.transaction() as tx:
        await tx.execute("UPDATE applications SET status = 'confirmed'")
    await tick(world)
    calendar = messages(world, sam.id, "Here are your dates")
    assert len(calendar) == 1
    document = calendar[0].document
    assert document is not None and document[0].endswith(".ics")
    assert document[1].count(b"BEGIN:VEVENT") == 6
    await tick_at(world, london(2027, 3, 8, 11))
    reminder = messages(world, sam.id, "A reminder about Welcome and briefing")
    assert len(reminder) == 1
    assert "You asked for a reading stand. We are still arranging it." in reminder[0].text
