"""Broadcasts to whom you mean, when you mean: those with a place at one session, at a
typed time, with a plain-English hint before sending; a panel closed meanwhile sends none."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.standin.api import FakeUser
from bot.store import panels
from bot.telegram import coordinator_handlers
from tests.conftest import COORDINATOR_ID, EXAMPLE_CODE, World
from tests.coordinating import last_to, rows, runner, seed

LONDON = ZoneInfo("Europe/London")
HARD = (
    "Notwithstanding the aforementioned considerations, the commissioning organisation "
    "anticipates substantial modifications concerning accessibility arrangements, "
    "transportation reimbursement methodologies and documentation requirements throughout "
    "the forthcoming evaluation period."
)


def got(world: World, telegram_id: int, words: str) -> int:
    return sum(words in m.text for m in world.api.messages_to(telegram_id))


async def write(world: World, coordinator: FakeUser, text: str) -> None:
    await world.harness.say(coordinator, f"/broadcast {EXAMPLE_CODE}")
    await world.harness.say(coordinator, text)


async def test_a_broadcast_to_one_sessions_places_leaves_out_who_said_no_to_it(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 6)
    async with world.db.transaction() as tx:
        await tx.execute(
            "UPDATE applications SET status = 'confirmed' WHERE id IN "
            "(SELECT id FROM applications ORDER BY id LIMIT 4)"
        )
        await tx.execute("DELETE FROM availability")
        await tx.execute(
            "INSERT INTO availability (application_id, session_id, answer) "
            "SELECT a.id, s.id, CASE WHEN a.id = (SELECT min(id) FROM applications) "
            "THEN 'no' ELSE 'yes' END FROM applications a, sessions s WHERE s.key = 'scoring-day'"
        )
    [(title,)] = await rows(world, "SELECT title FROM sessions WHERE key = 'scoring-day'")
    await write(world, coordinator, "Lunch on the scoring day is at 1pm.")
    choose = last_to(world, COORDINATOR_ID)
    [button] = [b for b in choose.button_texts if b.startswith(f"With a place at {title[:30]}")]
    assert button.endswith("(3)")
    preview = await world.harness.press_button(coordinator, button)
    assert f"It goes to 3 people (with a place at {title}" in preview.last.text
    await world.harness.press_button(coordinator, "Send to 3")
    await runner(world).join()
    words = "Lunch on the scoring day is at 1pm."
    assert [got(world, p, words) for p in people] == [0, 1, 1, 1, 0, 0]


async def test_the_preview_hints_at_hard_text_and_long_sentences_but_still_sends(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 2)
    await write(world, coordinator, HARD)
    preview = await world.harness.press_button(coordinator, "Everyone signed up")
    assert "💡 A hint: this may be hard to read for some people. You can still send it." in (
        preview.last.text
    )
    assert "60 or more is plain English" in preview.last.text
    assert 'A long sentence (over 20 words): "Notwithstanding the aforementioned' in (
        preview.last.text
    )
    await world.harness.press_button(coordinator, "Send to 2")
    await runner(world).join()
    assert all(got(world, p, "Notwithstanding") == 1 for p in people)
    await write(world, coordinator, "Lunch is at 1pm. See you there.")
    easy = await world.harness.press_button(coordinator, "Everyone signed up")
    assert "✅ Easy to read" in easy.last.text and "💡" not in easy.last.text


async def test_a_broadcast_sent_later_goes_at_its_time_and_not_before(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 3)
    world.clock.set(datetime(2027, 1, 11, 15, 0, tzinfo=LONDON))
    await write(world, coordinator, "The reading pack is ready.")
    await world.harness.press_button(coordinator, "Everyone signed up")
    asked = await world.harness.press_button(coordinator, "Send later")
    assert "When should it go?" in asked.last.text
    past = await world.harness.say(coordinator, "2027-01-10 09:30")
    assert "That time has already passed. Nothing was sent." in past.text
    unreadable = await world.harness.say(coordinator, "sometime soon")
    assert "I could not read that time. Nothing was sent." in unreadable.text
    held = await world.harness.say(coordinator, "tomorrow 10am")
    assert "Your message to 3 people will go tomorrow at 10am" in held.text
    for moment in (datetime(2027, 1, 11, 15, 1), datetime(2027, 1, 12, 9, 59)):
        world.clock.set(moment.replace(tzinfo=LONDON))
        await coordinator_handlers.check_news(world.harness.app)
        await runner(world).join()
        assert all(got(world, p, "The reading pack is ready.") == 0 for p in people), moment
    world.clock.set(datetime(2027, 1, 12, 10, 0, tzinfo=LONDON))
    await coordinator_handlers.check_news(world.harness.app)
    await runner(world).join()
    assert all(got(world, p, "The reading pack is ready.") == 1 for p in people)


async def test_a_later_time_in_quiet_hours_waits_for_the_morning(
    world: World, coordinator: FakeUser
) -> None:
    await seed(world, 2)
    world.clock.set(datetime(2027, 1, 11, 15, 0, tzinfo=LONDON))
    await write(world, coordinator, "The reading pack is ready.")
    await world.harness.press_button(coordinator, "Everyone signed up")
    await world.harness.press_button(coordinator, "Send later")
    held = await world.harness.say(coordinator, "today 11:30pm")
    assert "That is in quiet hours, so your message to 2 people will go tomorrow at 8am" in (
        held.text
    )


async def test_a_scheduled_broadcast_whose_panel_closes_first_is_not_sent(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 3)
    world.clock.set(datetime(2027, 1, 11, 15, 0, tzinfo=LONDON))
    await write(world, coordinator, "The reading pack is ready.")
    await world.harness.press_button(coordinator, "Everyone signed up")
    await world.harness.press_button(coordinator, "Send later")
    await world.harness.say(coordinator, "tomorrow 10am")
    async with world.db.transaction() as tx:
        await panels.set_stage(tx, world.panel_id, "closed", world.clock.now())
    world.clock.set(datetime(2027, 1, 12, 10, 5, tzinfo=LONDON))
    await coordinator_handlers.check_news(world.harness.app)
    await runner(world).join()
    assert all(got(world, p, "The reading pack is ready.") == 0 for p in people)
    told = last_to(world, COORDINATOR_ID)
    assert "Not sent" in told.text and "nobody was sent it" in told.text
    assert "The reading pack is ready." in told.text
    await coordinator_handlers.check_news(world.harness.app)
    await runner(world).join()
    assert sum("Not sent" in m.text for m in world.api.messages_to(COORDINATOR_ID)) == 1


async def test_a_broadcast_to_chosen_people_ticked_on_a_checklist_of_pages(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 20)
    names = dict(await rows(world, "SELECT telegram_id, name FROM volunteers"))
    await write(world, coordinator, "Could you bring your reading pack on Tuesday?")
    checklist = await world.harness.press_button(coordinator, "People I choose")
    page = checklist.last
    ticks = [t for t in page.button_texts if t.startswith("⬜")]
    assert len(ticks) == 15 and "Ticked: 0 of 20." in page.text
    assert ticks == sorted(ticks, key=str.casefold)
    assert "· Page 1 ·" in page.button_texts and "Page 2" in page.button_texts
    chosen = [people[3], people[7], people[11]]
    for telegram_id in (*chosen, people[0]):
        ticked = await world.harness.press_button(coordinator, f"⬜ {names[telegram_id]}")
        assert ticked.messages == [] and ticked.edited[-1].message_id == page.message_id
    unticked = await world.harness.press_button(coordinator, f"☑️ {names[people[0]]}")
    assert "Ticked: 3 of 20." in unticked.edited[-1].text
    second = await world.harness.press_button(coordinator, "Page 2")
    assert len([t for t in second.edited[-1].button_texts if t[:1] in "⬜☑"]) == 5
    preview = await world.harness.press_button(coordinator, "Next: check the message (3 ticked)")
    assert "It goes to 3 people (chosen by you)" in preview.last.text
    await world.harness.press_button(coordinator, "Send to 3")
    await runner(world).join()
    words = "Could you bring your reading pack on Tuesday?"
    assert {p for p in people if got(world, p, words)} == set(chosen)
    assert all(got(world, p, words) == 1 for p in chosen)


async def test_a_checklist_with_nobody_ticked_asks_for_someone_and_sends_nothing(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 3)
    await write(world, coordinator, "A short note.")
    await world.harness.press_button(coordinator, "People I choose")
    empty = await world.harness.press_button(coordinator, "Next: check the message (0 ticked)")
    assert "Nobody is ticked yet" in empty.last.text
    assert not any(b.startswith("📣 Send") for b in empty.last.button_texts)
    assert all(got(world, p, "A short note.") == 0 for p in people)
