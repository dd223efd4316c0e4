"""Moving and cancelling sessions, from chat and from a re-imported panel file: exactly the
people affected are told, they re-confirm with buttons, and bad times change nothing."""

from __future__ import annotations

from pathlib import Path

from bot.services.coordinator import panel_admin
from bot.standin.api import BotMessage, FakeUser
from bot.telegram import coordinator_handlers
from tests.conftest import COORDINATOR_ID, EXAMPLE_CODE, EXAMPLE_PANEL, World
from tests.coordinating import add_coordinator, last_to, rows, seed
from tests.scheduler_helpers import london


async def briefing_people(world: World) -> set[int]:
    """Seed sign-ups, some of whom left, said no, or were declined; return who is affected."""
    people = await seed(world, 10)
    async with world.db.transaction() as tx:
        await tx.execute(
            "UPDATE availability SET answer = 'no' WHERE application_id IN "
            "(SELECT id FROM applications ORDER BY id LIMIT 2) AND session_id = "
            "(SELECT id FROM sessions WHERE key = 'briefing')"
        )
        await tx.execute(
            "UPDATE availability SET answer = 'maybe' WHERE application_id = "
            "(SELECT id FROM applications ORDER BY id LIMIT 1 OFFSET 2) AND "
            "session_id = (SELECT id FROM sessions WHERE key = 'briefing')"
        )
        for offset, status in ((3, "withdrawn"), (4, "declined"), (5, "confirmed"), (6, "reserve")):
            await tx.execute(
                "UPDATE applications SET status = ? WHERE id = (SELECT id FROM "
                "applications ORDER BY id LIMIT 1 OFFSET ?)",
                (status, offset),
            )
    found = await rows(
        world,
        "SELECT v.telegram_id FROM volunteers v JOIN applications a ON a.volunteer_id = "
        "v.id JOIN availability av ON av.application_id = a.id JOIN sessions s ON s.id = "
        "av.session_id WHERE s.key = 'briefing' AND av.answer IN ('yes', 'maybe') AND "
        "a.status IN ('applied', 'confirmed', 'reserve')",
    )
    affected = {t for (t,) in found}
    assert people[0] not in affected and people[3] not in affected and people[2] in affected
    return affected


def told(world: World, telegram_id: int) -> list[BotMessage]:
    """Messages about a session change (the scheduler may send others, such as a calendar
    file to someone with a place)."""
    return [
        m
        for m in world.api.messages_to(telegram_id)
        if "has changed" in m.text or "will not happen" in m.text
    ]


async def everyone(world: World) -> list[int]:
    return [t for (t,) in await rows(world, "SELECT telegram_id FROM volunteers")]


async def briefing(world: World) -> tuple[str, str, str | None, int]:
    [(starts, ends, venue, cancelled)] = await rows(
        world, "SELECT starts_at, ends_at, venue, cancelled FROM sessions WHERE key = 'briefing'"
    )
    return starts, ends, venue, cancelled


async def start_time_change(world: World, coordinator: FakeUser) -> None:
    await world.harness.say(coordinator, f"/reschedule {EXAMPLE_CODE}")
    await world.harness.press_button(coordinator, "Welcome and briefing")
    asked = await world.harness.press_button(coordinator, "Change the time")
    assert "Type the new date and times" in asked.last.text


async def test_a_reschedule_reaches_exactly_the_affected_people(
    world: World, coordinator: FakeUser
) -> None:
    affected = await briefing_people(world)
    await start_time_change(world, coordinator)
    preview = await world.harness.say(coordinator, "2027-03-10 14:00-16:00")
    assert f"{len(affected)} people said yes or maybe to it and will be told" in preview.text
    assert "Was: Tuesday 9 March 2027, 11am to 1pm" in preview.text
    assert "Now: Wednesday 10 March 2027, 2pm to 4pm" in preview.text
    assert await briefing(world) == (
        "2027-03-09T11:00:00+00:00",
        "2027-03-09T13:00:00+00:00",
        (await briefing(world))[2],
        0,
    )  # nothing changed yet
    sent = await world.harness.press_button(coordinator, f"Send to {len(affected)}")
    assert f"We told {len(affected)} people" in sent.last.text
    assert (await briefing(world))[:2] == ("2027-03-10T14:00:00+00:00", "2027-03-10T16:00:00+00:00")
    for telegram_id in await everyone(world):
        messages = told(world, telegram_id)
        if telegram_id in affected:
            [message] = messages
            assert "Welcome and briefing for the Ashbridge day services panel" in message.text
            assert "Was: Tuesday 9 March 2027, 11am to 1pm" in message.text
            assert "Now: Wednesday 10 March 2027, 2pm to 4pm" in message.text
            assert message.button_texts == ["Yes, I can come", "Maybe", "No, I can't come"]
        else:
            assert messages == [], telegram_id
    someone = FakeUser(sorted(affected)[0], "V")
    thanks = await world.harness.press_button(someone, "No, I can't come")
    assert "We have noted that you can't come to Welcome and briefing" in thanks.text
    [(answer,)] = await rows(
        world,
        "SELECT av.answer FROM availability av JOIN applications a ON a.id = "
        "av.application_id JOIN volunteers v ON v.id = a.volunteer_id JOIN sessions s ON "
        "s.id = av.session_id WHERE v.telegram_id = ? AND s.key = 'briefing'",
        someone.id,
    )
    assert answer == "no"
    assert "Chris 1 changed when they can come" in last_to(world, COORDINATOR_ID).text
    assert await rows(world, "SELECT action FROM audit_log WHERE action = 'session_changed'") == [
        ("session_changed",)
    ]


async def test_a_bad_time_is_a_clear_error_and_nothing_changes(
    world: World, coordinator: FakeUser
) -> None:
    await briefing_people(world)
    before = await briefing(world)
    await start_time_change(world, coordinator)
    for typed, error in (
        ("2027-01-05 11:00-13:00", "That time has already passed"),
        ("2027-03-10 14:00-13:00", "That ends before it starts"),
        ("2027-03-10 14:00-14:00", "That ends before it starts"),
        ("next Tuesday", "I could not read that time"),
    ):
        reply = await world.harness.say(coordinator, typed)
        assert error in reply.text and "Nothing was changed or sent" in reply.text, typed
    assert "Stopped" in (await world.harness.say(coordinator, "/cancel")).text
    assert await briefing(world) == before
    assert all(told(world, t) == [] for t in await everyone(world))


async def test_a_time_already_past_is_refused_with_an_example_that_is_still_ahead(
    world: World, coordinator: FakeUser
) -> None:
    await briefing_people(world)
    before = await briefing(world)
    world.clock.set(london(2027, 3, 9, 12))  # during the briefing, 11am to 1pm
    await start_time_change(world, coordinator)
    refused = await world.harness.say(coordinator, "2027-03-09 10:00-11:00")
    assert "That time has already passed. Nothing was changed or sent." in refused.text
    assert "Type it like 2027-03-10 11:00-13:00" in refused.text
    assert await briefing(world) == before
    assert all(told(world, t) == [] for t in await everyone(world))
    copied = await world.harness.say(coordinator, "2027-03-10 11:00-13:00")
    assert "Wednesday 10 March" in copied.text and "already passed" not in copied.text
    assert await briefing(world) == before


async def test_a_new_place_that_is_not_sent_changes_nothing(
    world: World, coordinator: FakeUser
) -> None:
    await briefing_people(world)
    before = await briefing(world)
    await world.harness.say(coordinator, f"/reschedule {EXAMPLE_CODE}")
    await world.harness.press_button(coordinator, "Welcome and briefing")
    await world.harness.press_button(coordinator, "Change the place")
    preview = await world.harness.say(coordinator, "Ashbridge Library, Room 4")
    assert "Place now: Ashbridge Library, Room 4" in preview.text
    kept = await world.harness.press_button(coordinator, "Don't change it")
    assert "was not changed, and nobody was told" in kept.last.text
    assert await briefing(world) == before
    assert all(told(world, t) == [] for t in await everyone(world))


async def test_a_cancelled_session_is_explained_to_exactly_those_affected(
    world: World, coordinator: FakeUser
) -> None:
    affected = await briefing_people(world)
    await world.harness.say(coordinator, f"/cancelsession {EXAMPLE_CODE}")
    preview = await world.harness.press_button(coordinator, "Welcome and briefing")
    assert "Cancelled. It was Tuesday 9 March 2027, 11am to 1pm." in preview.last.text
    await world.harness.press_button(coordinator, f"Send to {len(affected)}")
    assert (await briefing(world))[3] == 1
    for telegram_id in await everyone(world):
        messages = told(world, telegram_id)
        assert len(messages) == (1 if telegram_id in affected else 0)
        if messages:
            assert "will not happen" in messages[0].text and messages[0].buttons == []
    shown = await world.harness.say(coordinator, f"/availability {EXAMPLE_CODE}")
    assert "Welcome and briefing" not in shown.text


async def test_a_re_imported_panel_file_is_sent_only_after_a_coordinator_says_so(
    world: World, coordinator: FakeUser, tmp_path: Path
) -> None:
    other = await add_coordinator(world)
    affected = await briefing_people(world)
    edited = tmp_path / "panel.yaml"
    edited.write_text(
        EXAMPLE_PANEL.read_text(encoding="utf-8").replace(
            "start: 2027-03-09 11:00\n    end: 2027-03-09 13:00",
            "start: 2027-03-09 12:00\n    end: 2027-03-09 14:00",
        ),
        encoding="utf-8",
    )
    imported = await panel_admin.import_file(edited, world.ctx)  # as `panelbot panel import`
    assert [c.before.key for c in imported.changes] == ["briefing"]
    await coordinator_handlers.check_news(world.harness.app)  # the bot's periodic check
    for who in (coordinator, other):
        shown = last_to(world, who.id)
        assert "The panel file changed a session" in shown.text
        assert "Was: Tuesday 9 March 2027, 11am to 1pm" in shown.text
        assert "Now: Tuesday 9 March 2027, 12 noon to 2pm" in shown.text
        assert f"{len(affected)} people said yes or maybe" in shown.text
    assert all(told(world, t) == [] for t in await everyone(world))
    await coordinator_handlers.check_news(world.harness.app)  # shown once only
    assert (
        len([m for m in world.api.messages_to(COORDINATOR_ID) if "panel file changed" in m.text])
        == 1
    )
    await world.harness.press_button(coordinator, f"Send to {len(affected)}")
    late = await world.harness.press_button(other, f"Send to {len(affected)}")
    assert "This change has already been sent. Nothing else was done." in late.text
    for telegram_id in await everyone(world):
        assert len(told(world, telegram_id)) == (1 if telegram_id in affected else 0)


async def test_a_file_change_can_be_kept_quiet(
    world: World, coordinator: FakeUser, tmp_path: Path
) -> None:
    await briefing_people(world)
    edited = tmp_path / "panel.yaml"
    edited.write_text(
        EXAMPLE_PANEL.read_text(encoding="utf-8").replace(
            "Room 2, on the ground floor.", "Room 5, on the first floor.", 1
        ),
        encoding="utf-8",
    )
    await panel_admin.import_file(edited, world.ctx)
    await world.restart()  # the bot also looks at start-up
    assert "Place now: Ashbridge Community Centre" in last_to(world, COORDINATOR_ID).text
    kept = await world.harness.press_button(coordinator, "Don't tell anyone")
    assert "stays, but nobody was told" in kept.last.text
    assert all(told(world, t) == [] for t in await everyone(world))
    assert "Room 5" in ((await briefing(world))[2] or "")


async def test_only_the_newest_change_can_be_answered(world: World, coordinator: FakeUser) -> None:
    affected = await briefing_people(world)
    someone = FakeUser(sorted(affected)[0], "V")
    for typed in ("2027-03-10 14:00-16:00", "2027-03-11 14:00-16:00"):
        await start_time_change(world, coordinator)
        await world.harness.say(coordinator, typed)
        await world.harness.press_button(coordinator, "Send to")
    first, second = told(world, someone.id)
    assert "Thursday 11 March" not in first.text and "Thursday 11 March" in second.text
    button = first.find_button("Maybe")
    assert button is not None and button.callback_data is not None
    old = await world.harness.press(someone, first.message_id, button.callback_data)
    assert "That message is old" in old.text
    stranger = FakeUser(4242, "Stranger")
    forged = await world.harness.press(stranger, 1, button.callback_data.replace(":maybe", ":yes"))
    assert "no longer works" in forged.text
