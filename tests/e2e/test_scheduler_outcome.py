"""The end of a panel in chat: thanks when scoring ends, the award at its time and never
earlier, then feedback with one nudge, and a summary whose counts add up."""

from __future__ import annotations

from html import unescape

from bot.standin.api import FakeUser
from bot.store import volunteers
from tests.conftest import EXAMPLE_CODE, World
from tests.factories import signed_up
from tests.scheduler_helpers import london, messages, tick, tick_at

ALEX = FakeUser(1002, "Alex")
AWARD_NEWS = "We can now tell you who was chosen"
FEEDBACK = "How did the Ashbridge day services panel go"


async def record_award(world: World, coordinator: FakeUser, when: str) -> str:
    h = world.harness
    await h.say(coordinator, f"/outcome {EXAMPLE_CODE}")
    await h.press_button(coordinator, "Scoring is finished")
    await h.press_button(coordinator, "Yes, thank everyone")
    await h.press_button(coordinator, "Record the award")
    await h.press_button(coordinator, "Brightwater Wellbeing CIC")
    await h.say(coordinator, when)
    check = await h.say(coordinator, "The panel preferred Larkfield, but its costs were too high.")
    assert "Brightwater Wellbeing CIC" in check.text
    saved = await h.press_button(coordinator, "Save")
    return saved.text


async def test_the_award_is_never_sent_before_its_announcement_time(
    world: World, sam: FakeUser, coordinator: FakeUser
) -> None:
    for user in (sam, ALEX):
        await signed_up(world, world.panel_id, user, world.clock.now())
    await tick(world)
    world.clock.set(london(2027, 5, 5, 10))
    # 7am is in quiet hours: people hear at 8am, and the coordinator is told so.
    saved = await record_award(world, coordinator, "2027-06-01 07:00")
    assert "Tuesday 1 June 2027, 7am" in saved and "8am" in saved
    await tick(world)
    assert all(len(messages(world, u.id, "The scoring for")) == 1 for u in (sam, ALEX))
    for moment in (
        london(2027, 5, 31, 23),
        london(2027, 6, 1, 6, 59),
        london(2027, 6, 1, 7),
        london(2027, 6, 1, 7, 59),
    ):
        await tick_at(world, moment)
        assert messages(world, sam.id, AWARD_NEWS) == [], moment
    await world.restart()
    await tick_at(world, london(2027, 6, 1, 8))
    await tick(world)
    for user in (sam, ALEX):
        news = messages(world, user.id, AWARD_NEWS)
        assert len(news) == 1
        assert "The contract goes to Brightwater Wellbeing CIC" in news[0].text
        assert "costs were too high" in news[0].text
    # Feedback comes feedback_delay_days (2) later, also not at night.
    await tick_at(world, london(2027, 6, 3, 7))
    assert messages(world, sam.id, FEEDBACK) == []
    await tick_at(world, london(2027, 6, 3, 8))
    assert len(messages(world, sam.id, FEEDBACK)) == 1


async def test_the_award_date_must_be_in_the_future(world: World, coordinator: FakeUser) -> None:
    h = world.harness
    world.clock.set(london(2027, 5, 5, 10))
    await h.say(coordinator, f"/outcome {EXAMPLE_CODE}")
    await h.press_button(coordinator, "Scoring is finished")
    await h.press_button(coordinator, "Yes, thank everyone")
    await h.press_button(coordinator, "Record the award")
    await h.press_button(coordinator, "Someone else")
    await h.say(coordinator, "Hillside Care")
    assert "could not read" in (await h.say(coordinator, "next Tuesday")).text
    assert "has passed" in (await h.say(coordinator, "2027-05-01 09:00")).text
    assert "short note" in (await h.say(coordinator, "2027-06-01")).text


async def test_outcome_is_for_coordinators_only(world: World, sam: FakeUser) -> None:
    reply = await world.harness.say(sam, f"/outcome {EXAMPLE_CODE}")
    assert "I don't know that command" in reply.text


async def test_feedback_end_to_end_with_one_nudge_and_a_summary_that_adds_up(
    world: World, sam: FakeUser, coordinator: FakeUser
) -> None:
    made = {}
    for user in (sam, ALEX):
        made[user.id] = await signed_up(world, world.panel_id, user,
                                                  world.clock.now())  # fmt: skip
    await tick(world)
    world.clock.set(london(2027, 5, 5, 10))
    await record_award(world, coordinator, "2027-06-01 09:00")
    await tick_at(world, london(2027, 6, 1, 9))
    await tick_at(world, london(2027, 6, 3, 9))
    invite = messages(world, sam.id, FEEDBACK)[0]
    for fact in (
        "We would like to meet you once more",
        "Help check the new service",
        "Join our service user and carer group",
    ):
        assert fact in invite.text
    assert "once the choice is made" not in invite.text  # the award is already out
    # Someone else cannot answer Sam's questions.
    start = invite.find_button("Answer the questions")
    assert start is not None and start.callback_data
    stolen = await world.harness.press(ALEX, invite.message_id, start.callback_data)
    assert "no longer works" in stolen.text
    h = world.harness
    await h.press_button(sam, "Answer the questions")
    for answer in ("Good", "OK", "Enough time", "A little", "Maybe"):
        await h.press_button(sam, answer)
    thanks = await h.say(sam, "The lunch was lovely & the staff kind.")
    assert "future panels" in thanks.text
    done = await h.press_button(sam, "Yes, please")
    assert "Thank you for your feedback" in done.text
    async with world.db.transaction() as tx:
        person = await volunteers.get(tx, made[sam.id].volunteer_id)
    assert person is not None and person.future_panels
    # Alex answered nothing: one gentle nudge a week later, then nothing more.
    await tick_at(world, london(2027, 6, 10, 8, 59))
    assert messages(world, ALEX.id, "A gentle reminder") == []
    await tick_at(world, london(2027, 6, 10, 9))
    await tick_at(world, london(2027, 6, 30, 9))
    assert len(messages(world, ALEX.id, "A gentle reminder")) == 1
    assert messages(world, sam.id, "A gentle reminder") == []
    # The summary: every question's counts add up to the two people asked.
    reply = await h.say(coordinator, f"/feedback {EXAMPLE_CODE}")
    summary = unescape(reply.messages[0].text)
    assert "Asked: 2. Answered: 1." in summary
    assert summary.count("No answer: 1") == 5
    for line in ("Good: 1", "OK: 1", "Enough time: 1", "A little: 1", "Maybe: 1", "Yes: 1"):
        assert line in summary, line
    assert "The lunch was lovely & the staff kind." in summary
    document = reply.messages[1].document
    assert document is not None and document[0] == f"feedback-{EXAMPLE_CODE}.csv"
    rows = document[1].decode("utf-8-sig").splitlines()
    counts = [
        int(row.rsplit(",", 1)[1])
        for row in rows[1:]
        if row.startswith("Information before the panel")
    ]
    assert sum(counts) == 2
