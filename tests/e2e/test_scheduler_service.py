"""The scheduler's machinery: what a crash can repeat, blocked people, the outbox, the
APScheduler job, calendar files, and the sandbox's !clock."""

from __future__ import annotations

import asyncio
import io
from datetime import datetime, timedelta
from pathlib import Path

from icalendar import Calendar

from bot.calendar import sessions_ics_document
from bot.config import Settings
from bot.delivery import Result
from bot.replies import Button, Document, Reply
from bot.sandbox.chat import SandboxChat
from bot.standin.api import FakeUser
from bot.store import applications, ledger, outbox, panels, volunteers
from bot.telegram.scheduling import telegram_send
from scheduler.service import tick
from tests.conftest import EXAMPLE_PANEL, World
from tests.factories import confirmed_volunteer, signed_up
from tests.scheduler_helpers import london, messages, runner, tick_at

ALEX = FakeUser(1002, "Alex")


async def test_a_crash_between_sending_and_recording_repeats_that_message_once(
    world: World, sam: FakeUser
) -> None:
    await signed_up(world, world.panel_id, sam, world.clock.now())
    real = telegram_send(world.harness.app.bot)
    await asyncio.wait_for(runner(world).started(), timeout=10)

    async def sends_then_dies(chat_id: int, reply: Reply) -> Result:
        await real(chat_id, reply)
        raise RuntimeError("the process died before recording")

    async def dies_before_sending(chat_id: int, reply: Reply) -> Result:
        raise RuntimeError("the process died before sending")

    await tick(world.ctx, dies_before_sending)
    assert messages(world, sam.id, "Here are your dates") == []
    await tick(world.ctx, sends_then_dies)
    assert len(messages(world, sam.id, "Here are your dates")) == 1
    await tick(world.ctx, real)  # not recorded, so sent again: the one repeat
    await tick(world.ctx, real)
    assert len(messages(world, sam.id, "Here are your dates")) == 2


async def test_someone_who_blocked_the_bot_is_not_tried_again(world: World, sam: FakeUser) -> None:
    made = await signed_up(world, world.panel_id, sam, world.clock.now())
    world.api.block(sam.id)
    report = await tick_at(world, world.clock.now())
    assert [result for _, result in report.not_sent] == ["blocked"]
    async with world.db.transaction() as tx:
        person = await volunteers.get(tx, made.volunteer_id)
    assert person is not None and person.unreachable
    attempts = len(world.api.calls("sendDocument"))
    await tick_at(world, london(2027, 3, 8, 11))
    assert len(world.api.calls("sendDocument")) == attempts


async def test_the_outbox_sends_a_queued_notice_once_and_drops_it_if_the_person_left(
    world: World, sam: FakeUser
) -> None:
    made = {u.id: await signed_up(world, world.panel_id, u, world.clock.now())
            for u in (sam, ALEX)}  # fmt: skip
    morning = london(2027, 2, 1, 8)
    note = Reply("A note for you.", ((Button("OK", "r:yes:0:0:0"),),),
                 Document("note.ics", b"BEGIN:VCALENDAR", None))  # fmt: skip
    async with world.db.transaction() as tx:
        for user in (sam, ALEX):
            queued = await outbox.enqueue(
                tx, key=f"test:{user.id}", chat_id=user.id, reply=note, not_before=morning,
                now=world.clock.now(), panel_id=world.panel_id,
                application_id=made[user.id].application_id,
            )  # fmt: skip
            assert queued
        await applications.update(tx, made[ALEX.id].application_id, world.clock.now(),
                                  status="withdrawn")  # fmt: skip
    await tick_at(world, morning - timedelta(minutes=1))
    assert messages(world, sam.id, "A note for you.") == []
    await tick_at(world, morning)
    await tick_at(world, morning + timedelta(hours=1))
    got = messages(world, sam.id, "A note for you.")
    assert len(got) == 1 and got[0].document == ("note.ics", b"BEGIN:VCALENDAR")
    assert messages(world, ALEX.id, "A note for you.") == []
    async with world.db.transaction() as tx:
        again = await outbox.enqueue(tx, key=f"test:{sam.id}", chat_id=sam.id, reply=note,
                                     not_before=morning, now=world.clock.now())  # fmt: skip
    assert not again


async def test_the_periodic_job_runs_late_rather_than_skipping(world: World) -> None:
    settings = runner(world).job_settings
    assert settings["misfire_grace_time"] is None
    assert settings["coalesce"] is True
    assert settings["interval"] == timedelta(seconds=60)
    await asyncio.wait_for(runner(world).started(), timeout=10)
    assert runner(world).last_report is not None  # the tick at start-up ran


async def test_one_calendar_file_holds_every_session_with_stable_uids(world: World) -> None:
    async with world.db.transaction() as tx:
        panel = await panels.get(tx, world.panel_id, world.settings.timezone)
        sessions = await panels.sessions(tx, world.panel_id)
    assert panel is not None
    document = sessions_ics_document(sessions[:2], panel, world.clock.now())
    assert document.filename == "2027-03-09-help-choose-who-runs-ashbridge-day-services.ics"
    events = Calendar.from_ical(document.content).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"session-{s.id}@panelbot" for s in sessions[:2]]
    starts = [e.decoded("DTSTART") for e in events]
    assert all(isinstance(start, datetime) and start.tzinfo is not None for start in starts)


async def test_the_sandbox_clock_shows_what_the_scheduler_sends(
    settings: Settings, tmp_path: Path
) -> None:
    out = io.StringIO()
    chat = SandboxChat(settings, "coordinator", EXAMPLE_PANEL, tmp_path / "sandbox.db", out)
    await chat.open()
    try:
        assert chat.db is not None
        async with chat.db.transaction() as tx:
            panel_id = (await panels.list_all(tx, settings.timezone))[0].id
        chat.clock.set(london(2027, 1, 11, 10))  # daytime, whatever the real time is
        await confirmed_volunteer(chat.db, panel_id, FakeUser(1001, "Sam"), chat.clock.now())
        await chat.handle("!clock +1m")
        shown = out.getvalue()
        assert "(to Sam)" in shown and "Here are your dates" in shown
        assert "[file: " in shown
    finally:
        await chat.close()


async def test_a_reminder_to_a_chat_not_found_is_recorded_and_the_tick_goes_on(
    world: World, sam: FakeUser
) -> None:
    alex = await signed_up(world, world.panel_id, ALEX, world.clock.now())  # tried first
    await signed_up(world, world.panel_id, sam, world.clock.now())
    await tick_at(world, world.clock.now())  # their calendar files
    world.api.known_chats.discard(ALEX.id)  # Alex deleted their Telegram account
    report = await tick_at(world, london(2027, 3, 2, 11))  # the 7-day reminder for 9 March
    assert [(item.chat_id, item.kind, kind) for item, kind in report.not_sent] == [
        (ALEX.id, "reminder", "not_reachable")
    ]
    assert [item.chat_id for item in report.sent if item.kind == "reminder"] == [sam.id]
    assert messages(world, sam.id, "A reminder about")
    [(missed, _)] = report.not_sent
    async with world.db.transaction() as tx:
        entries = [await ledger.get(tx, key) for key in missed.keys]
        assert [entry and entry.outcome for entry in entries] == ["not_reachable"]
        person = await volunteers.get(tx, alex.volunteer_id)
    assert person is not None and person.unreachable
