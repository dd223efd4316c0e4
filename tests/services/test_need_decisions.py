"""The decisions behind support-need marks, through the use cases on a real SQLite file:
which mark counts, which marks are refused, two coordinators at once, and a changed need."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import FakeClock
from bot.context import AppContext, Person
from bot.services.coordinator import CoordinatorService, panel_admin
from bot.store import applications, coordinators, session_versions, volunteers
from tests.conftest import EXAMPLE_CODE, EXAMPLE_PANEL
from tests.services.chat import CoordinatorChat, VolunteerChat, find_button, text, told
from tests.services.db import one, rows

TOM_ID = 9002


async def sam_asks_for(sam: VolunteerChat, *needs: str) -> None:
    """Sam signs up with these needs (button words) and a place at every session."""
    await sam.start(EXAMPLE_CODE)
    await sam.press("Yes, that's OK")
    for _ in range(8):
        await sam.press("Next")
    await sam.type("Sam")
    await sam.press("I use services")
    await sam.press("Skip this")
    await sam.press("Yes, you can keep a note")
    for need in needs:
        await sam.press(need)
    await sam.press("Done")
    await sam.press("Skip this")
    for _ in range(6):
        await sam.press("Yes")
    await sam.press("Monday")
    await sam.press("Done")
    await sam.press("None of these")
    await sam.press("Yes, I'd like to")
    await sam.press("Yes, please pay me")
    await sam.press("Send")


async def open_need(coordinator: CoordinatorChat, need: str) -> str:
    await coordinator.command("roster", EXAMPLE_CODE)
    await coordinator.press("Sam")
    return text(await coordinator.press(f"{need}: by session"))  # type: ignore[arg-type]


async def states(app: AppContext) -> list[tuple[object, ...]]:
    return await rows(app.db, "SELECT need, session_id, state FROM need_states ORDER BY 1, 2")


async def sam_id(app: AppContext) -> int:
    return int(await one(app.db, "SELECT id FROM volunteers") or 0)  # type: ignore[call-overload]


async def test_a_session_mark_beats_the_all_sessions_mark_and_a_move_undoes_it(
    app: AppContext, sam: VolunteerChat, priya: CoordinatorChat
) -> None:
    await sam_asks_for(sam, "BSL interpreter", "Transport or taxi")
    await open_need(priya, "BSL interpreter")
    await priya.press("✅ Arranged for all sessions")
    page = text(await priya.press("⏳ Tue 9"))  # type: ignore[arg-type]
    assert "Welcome and briefing (Tue 9 Mar): being arranged" in page
    assert "Training day (Tue 16 Mar): ✅ arranged" in page
    await priya.press("Back to Sam")
    await priya.press("Transport or taxi: by session")
    await priya.press("✅ Tue 9")

    async with app.db.transaction() as tx:  # the briefing moves an hour later
        await session_versions.sync(tx, app.clock.now())
        await tx.execute(
            "UPDATE sessions SET starts_at = replace(starts_at, 'T11:', 'T12:'), "
            "ends_at = replace(ends_at, 'T13:', 'T14:') WHERE key = 'briefing'"
        )
        await session_versions.sync(tx, app.clock.now())
    page = await open_need(priya, "Transport or taxi")
    assert "Welcome and briefing (Tue 9 Mar): asked for" in page  # booked for the old time
    page = await open_need(priya, "BSL interpreter")
    # What was booked "for all sessions" was booked for the old time: asked for again there,
    # still arranged everywhere else.
    assert "Welcome and briefing (Tue 9 Mar): asked for" in page
    assert "Training day (Tue 16 Mar): ✅ arranged" in page


async def test_withdrawn_needs_consent_leaves_no_state_and_marks_are_refused(
    app: AppContext, sam: VolunteerChat, priya: CoordinatorChat
) -> None:
    await sam_asks_for(sam, "Reading stand")
    await open_need(priya, "Reading stand")
    await priya.press("✅ Arranged for all sessions")
    stale = find_button(priya.last, "⏳ Tue 9").data
    async with app.db.transaction() as tx:
        await volunteers.set_needs_consent(tx, await sam_id(app), None)
    assert await states(app) == []
    refused = text(await priya.press_data(stale))  # type: ignore[arg-type]
    assert "no longer asks for this" in refused
    assert await states(app) == []
    assert await rows(app.db, "SELECT key FROM outbox WHERE key LIKE 'need:%'") == []


async def test_marks_on_a_dropped_need_a_withdrawn_person_or_a_cancelled_session_change_nothing(
    app: AppContext, sam: VolunteerChat, priya: CoordinatorChat
) -> None:
    await sam_asks_for(sam, "Reading stand", "Step-free access")
    await open_need(priya, "Step-free access")
    dropped = find_button(priya.last, "✅ Arranged for all sessions").data
    await open_need(priya, "Reading stand")
    briefing = find_button(priya.last, "✅ Tue 9").data
    all_sessions = find_button(priya.last, "✅ Arranged for all sessions").data
    async with app.db.transaction() as tx:
        await volunteers.set_needs(tx, await sam_id(app), ["reading_stand"])
        await tx.execute("UPDATE sessions SET cancelled = 1 WHERE key = 'briefing'")
    assert "no longer asks for this" in text(await priya.press_data(dropped))  # type: ignore[arg-type]
    gone = text(await priya.press_data(briefing))  # type: ignore[arg-type]
    assert "has moved, been cancelled or begun" in gone
    async with app.db.transaction() as tx:
        await tx.execute("UPDATE applications SET status = 'withdrawn'")
    out = text(await priya.press_data(all_sessions))  # type: ignore[arg-type]
    assert "Sam is no longer in the running for this panel, so nothing was changed" in out
    assert await states(app) == []
    assert await rows(app.db, "SELECT key FROM outbox WHERE key LIKE 'need:%'") == []


async def test_two_coordinators_marking_one_need_get_one_outcome_and_the_second_hears_why(
    app: AppContext, sam: VolunteerChat, priya: CoordinatorChat
) -> None:
    async with app.db.transaction() as tx:
        await coordinators.add(tx, TOM_ID, app.clock.now())
    tom = CoordinatorChat(CoordinatorService(app), Person(TOM_ID, TOM_ID, "Tom"))
    await sam_asks_for(sam, "BSL interpreter")
    await open_need(priya, "BSL interpreter")
    await open_need(tom, "BSL interpreter")  # both pages show "asked for"
    same = find_button(tom.last, "✅ Arranged for all sessions").data
    other = find_button(tom.last, "⏳ All being arranged").data

    first = await priya.press("✅ Arranged for all sessions")
    assert first is not None and "Saved: BSL interpreter for Sam is ✅ arranged" in text(first)
    second = await tom.press_data(same)
    assert second is not None
    assert (
        "Another coordinator already marked this ✅ arranged, at 10am on Mon 11 Jan. "
        "That is what you chose, so there is nothing more to do."
    ) in text(second)
    third = await tom.press_data(other)
    assert third is not None
    assert (
        "Another coordinator marked this ✅ arranged meanwhile, at 10am on Mon 11 Jan, "
        "so your tap (being arranged) changed nothing."
    ) in text(third)
    assert not told(second, priya.person.chat_id) and not told(third, priya.person.chat_id)
    assert await states(app) == [("bsl", 0, "arranged")]
    # Sam hears once, of the one outcome.
    assert await one(app.db, "SELECT count(*) FROM outbox WHERE key LIKE 'need:%'") == 1
    assert await one(app.db, "SELECT count(*) FROM audit_log WHERE action = 'mark_need'") == 1


async def test_a_changed_need_tells_the_coordinators_and_goes_back_to_asked_for(
    app: AppContext, sam: VolunteerChat, priya: CoordinatorChat, clock: FakeClock
) -> None:
    await sam_asks_for(sam, "BSL interpreter", "Transport or taxi")
    await open_need(priya, "BSL interpreter")
    await priya.press("✅ Arranged for all sessions")
    await priya.press("Back to Sam")
    await priya.press("✅ Transport or taxi: all sessions")
    clock.advance(timedelta(minutes=10))  # past the sign-up's own news
    await sam.needs()
    await sam.press("I want to change it")
    await sam.press("Transport or taxi")  # unticks it
    await sam.press("Done")
    saved = await sam.press("Skip this")
    assert told(saved, priya.person.chat_id) == [
        "✏️ Sam changed the help they need (Help choose who runs Ashbridge day services)."
    ]
    assert await states(app) == [("bsl", 0, "arranged")]  # the unchanged need keeps its mark

    await sam.needs()  # and ticks transport again: it is asked for, not booked
    await sam.press("I want to change it")
    await sam.press("Transport or taxi")
    await sam.press("Done")
    await sam.press("Skip this")
    page = await open_need(priya, "Transport or taxi")
    assert "For all sessions: asked for" in page
    assert "Welcome and briefing (Tue 9 Mar): asked for" in page
    notices = await rows(app.db, "SELECT key FROM outbox WHERE key LIKE 'need:%'")
    assert [key for (key,) in notices if ":transport:" in str(key)] == []  # dropped with it


async def test_needs_carried_to_the_next_panel_start_at_asked_for_there(
    app: AppContext, sam: VolunteerChat, priya: CoordinatorChat, tmp_path: Path
) -> None:
    await sam_asks_for(sam, "BSL interpreter")
    await open_need(priya, "BSL interpreter")
    await priya.press("✅ Arranged for all sessions")
    second = tmp_path / "second.yaml"
    second.write_text(
        EXAMPLE_PANEL.read_text(encoding="utf-8").replace(
            f"code: {EXAMPLE_CODE}", "code: second-panel-2027"
        ),
        encoding="utf-8",
    )
    imported = await panel_admin.import_file(second, app)
    async with app.db.transaction() as tx:  # Sam signs up again: his needs come with him
        application = await applications.create(tx, imported.panel_id, await sam_id(app),
                                                app.clock.now())
        await applications.update(tx, application.id, app.clock.now(), status="applied",
                                  submitted_at=app.clock.now())

    first_panel = text(await priya.command("needs", EXAMPLE_CODE))  # type: ignore[arg-type]
    next_panel = text(await priya.command("needs", "second-panel-2027"))  # type: ignore[arg-type]
    assert "to arrange: Sam" not in first_panel  # booked there
    assert "BSL interpreter: 1" in next_panel and "to arrange: Sam" in next_panel
