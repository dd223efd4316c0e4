"""/broadcast end to end: write, choose, preview, send in the background, report; bad input;
people who blocked the bot (and came back); no second copies, also across a restart."""

from __future__ import annotations

from bot.standin.api import FakeUser
from tests.conftest import COORDINATOR_ID, EXAMPLE_CODE, World
from tests.coordinating import last_to, rows, runner, seed


async def confirm_first(world: World, count: int) -> None:
    async with world.db.transaction() as tx:
        await tx.execute(
            "UPDATE applications SET status = 'confirmed' WHERE id IN "
            "(SELECT id FROM applications ORDER BY id LIMIT ?)",
            (count,),
        )


async def test_a_broadcast_goes_one_to_one_to_the_people_chosen(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 5)
    await confirm_first(world, 2)
    asked = await world.harness.say(coordinator, f"/broadcast {EXAMPLE_CODE}")
    assert "Type your message to people on" in asked.text
    choose = await world.harness.say(coordinator, "Lunch is at 1pm <not 12> & free.")
    assert choose.last.button_texts[:3] == [
        "Those with a place (2)",
        "Reserves (0)",
        "Everyone signed up (5)",
    ]
    preview = await world.harness.press_button(coordinator, "Those with a place")
    assert "It goes to 2 people (with a place), one to one." in preview.last.text
    assert "Lunch is at 1pm <not 12> & free." in preview.last.text
    await world.harness.press_button(coordinator, "Send to 2")
    reports = await runner(world).join()
    [report] = reports.values()
    assert (report.delivered, report.failed, report.blocked) == (2, 0, 0)
    for telegram_id in people[:2]:
        [message] = [m for m in world.api.messages_to(telegram_id) if m.text.startswith("📣")]
        assert (
            message.text == "📣 Help choose who runs Ashbridge day services\n\n"
            "Lunch is at 1pm <not 12> & free."
        )
        assert "&lt;not 12&gt; &amp; free." in message.raw_text
    assert all(world.api.messages_to(p) == [] for p in people[2:])
    report_message = last_to(world, COORDINATOR_ID)
    assert "has gone" in report_message.text and "Delivered: 2" in report_message.text
    progress = world.api.bot_messages[(COORDINATOR_ID, preview.last.message_id)]
    assert "2 of 2 done" in progress.text and progress.buttons == []
    assert await rows(world, "SELECT action FROM audit_log WHERE action = 'broadcast'") == [
        ("broadcast",)
    ]


async def test_an_empty_or_too_long_broadcast_is_refused_and_nothing_is_sent(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 2)
    await world.harness.say(coordinator, f"/broadcast {EXAMPLE_CODE}")
    empty = await world.harness.say(coordinator, "   \n  ")
    assert "Your message is empty, so nothing was sent." in empty.text
    too_long = await world.harness.say(coordinator, "x" * 4097)
    assert "Your message is 4097 characters. The most that fits is" in too_long.text
    limit = int(too_long.text.split("The most that fits is ")[1].split(".")[0])
    assert 4000 < limit < 4096
    assert "Nothing was sent" in (await world.harness.say(coordinator, "y" * (limit + 1))).text
    fits = await world.harness.say(coordinator, "z" * limit)
    assert "Who should get it?" in fits.text
    await world.harness.press_button(coordinator, "Everyone signed up")
    await world.harness.press_button(coordinator, "Cancel")
    assert "Cancelled. Nothing was sent." in last_to(world, COORDINATOR_ID).text
    await world.harness.say(coordinator, f"/broadcast {EXAMPLE_CODE}")
    assert "Stopped. Nothing was sent." in (await world.harness.say(coordinator, "/cancel")).text
    assert all(world.api.messages_to(p) == [] for p in people)
    assert await rows(world, "SELECT count(*) FROM broadcast_deliveries") == [(0,)]
    unknown = await world.harness.say(coordinator, "/broadcast nope")
    assert "There is no panel with the code nope" in unknown.text


async def test_people_who_blocked_the_bot_are_reported_then_skipped(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 3)
    world.api.block(people[1])

    async def broadcast(text: str) -> str:
        await world.harness.say(coordinator, f"/broadcast {EXAMPLE_CODE}")
        await world.harness.say(coordinator, text)
        shown = (await world.harness.press_button(coordinator, "Everyone signed up")).last.text
        await world.harness.press_button(coordinator, "Send to")
        await runner(world).join()
        return shown

    await broadcast("First news")
    first = last_to(world, COORDINATOR_ID).text
    assert "Delivered: 2" in first and "Blocked the bot: 1" in first
    assert await rows(world, "SELECT telegram_id FROM volunteers WHERE unreachable = 1") == [
        (people[1],)
    ]
    preview = await broadcast("Second news")
    assert "1 person has blocked the bot and will not get it" in preview
    second = last_to(world, COORDINATOR_ID).text
    assert "Delivered: 2" in second and "Not sent (blocked the bot before): 1" in second
    assert world.api.deliveries_per_chat[people[0]] == 2
    assert world.api.deliveries_per_chat[people[1]] == 0
    roster = await world.harness.say(coordinator, f"/roster {EXAMPLE_CODE}")
    assert "Bea 1: Signed up (Carer) 🚫 blocked the bot" in roster.text

    # They unblock the bot and write to it: the next broadcast reaches them.
    world.api.unblock(people[1])
    await world.harness.say(FakeUser(people[1], "Bea"), "/status")
    preview = await broadcast("Third news")
    assert "blocked the bot" not in preview
    third = last_to(world, COORDINATOR_ID).text
    assert "Delivered: 3" in third
    assert [m for m in world.api.messages_to(people[1]) if "Third news" in m.text] != []


async def test_send_pressed_again_sends_nothing_more(world: World, coordinator: FakeUser) -> None:
    people = await seed(world, 2)
    await world.harness.say(coordinator, f"/broadcast {EXAMPLE_CODE}")
    await world.harness.say(coordinator, "Hello")
    preview = await world.harness.press_button(coordinator, "Everyone signed up")
    send = preview.last.find_button("Send to")
    assert send is not None and send.callback_data is not None
    await world.harness.press(coordinator, preview.last.message_id, send.callback_data)
    again = await world.harness.press(coordinator, preview.last.message_id, send.callback_data)
    await runner(world).join()
    assert "Nothing else was done" in again.text
    assert [world.api.deliveries_per_chat[p] for p in people] == [1, 1]


async def test_a_broadcast_carries_on_after_a_restart_without_second_copies(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 45)
    await world.harness.say(coordinator, f"/broadcast {EXAMPLE_CODE}")
    await world.harness.say(coordinator, "Hello again")
    await world.harness.press_button(coordinator, "Everyone signed up")
    await world.harness.press_button(coordinator, "Send to 45")
    await world.api.wait_for(
        lambda: sum(world.api.deliveries_per_chat[p] for p in people) >= 10, what="ten deliveries"
    )
    await world.restart()  # a graceful stop part way, then a new start on the same file
    await runner(world).join()
    counts = [world.api.deliveries_per_chat[p] for p in people]
    assert max(counts) == 1
    ledger = dict(
        await rows(world, "SELECT state, count(*) FROM broadcast_deliveries GROUP BY state")
    )
    assert ledger.get("delivered", 0) == sum(counts) >= 44
    assert ledger.get("delivered", 0) + ledger.get("failed", 0) == 45
    assert "has gone" in last_to(world, COORDINATOR_ID).text
