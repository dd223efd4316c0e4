"""Broadcast delivery against a scripted transport: 429s, blocked people, failures, restarts
and progress edits, with an injected clock (no real waiting)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.config import Settings
from bot.context import AppContext
from bot.delivery import Blocked, Delivered, NotReachable, Result, RetryLater
from bot.replies import Reply
from bot.sandbox import demo
from bot.services.coordinator import panel_admin
from bot.services.delivery.broadcasts import PROGRESS_EVERY, BroadcastRunner
from bot.services.delivery.pacer import IN_FLIGHT, PER_SECOND, Pacer
from bot.services.delivery.turns import Settled, Turns
from bot.store import broadcasts
from bot.store.db import Database
from tests.conftest import COORDINATOR_ID, EXAMPLE_PANEL, START
from tests.unit.test_coordinator_selection import FakeTime


class ScriptedTransport:
    """Answers like Telegram would, as told; each send takes 10 ms of fake time."""

    def __init__(self, time: FakeTime) -> None:
        self.time = time
        self.sent: list[int] = []
        self.edits: list[str] = []
        self.reports: list[str] = []
        self.blocked: set[int] = set()
        self.broken: set[int] = set()
        self.flaky: dict[int, int] = {}  # chat id -> network failures before it works
        self.too_fast_at: set[int] = set()  # send numbers answered with 429 once
        self.hang_at: int | None = None
        self.hanging = asyncio.Event()
        self.calls = 0
        self.started: list[float] = []  # when each request (send or edit) began

    async def send(self, chat_id: int, reply: Reply) -> Result:
        self.started.append(self.time.now)
        self.time.now += 0.01
        self.calls += 1
        if chat_id == COORDINATOR_ID:
            self.reports.append(reply.text)
            return Delivered(1)
        if self.calls in self.too_fast_at:
            self.too_fast_at.discard(self.calls)
            return RetryLater(1.5)
        if self.hang_at is not None and len(self.sent) == self.hang_at:
            self.hanging.set()
            await asyncio.Event().wait()
        if chat_id in self.blocked:
            return Blocked()
        if chat_id in self.broken:
            return NotReachable("Chat not found")
        if self.flaky.get(chat_id, 0) > 0:
            self.flaky[chat_id] -= 1
            return RetryLater(None, "TimedOut")
        self.sent.append(chat_id)
        return Delivered(len(self.sent))

    async def edit(self, chat_id: int, message_id: int, reply: Reply) -> Result:
        self.started.append(self.time.now)
        self.time.now += 0.01
        self.edits.append(reply.text)
        return Delivered(message_id)


@pytest.fixture
async def ctx(tmp_path: Path, settings: Settings) -> AsyncIterator[AppContext]:
    db = await Database.open(tmp_path / "delivery.sqlite3")
    context = AppContext(db, settings, FakeClock(START))
    await panel_admin.import_file(EXAMPLE_PANEL, context)
    yield context
    await db.close()


async def prepare(ctx: AppContext, count: int) -> tuple[int, list[int]]:
    async with ctx.db.transaction() as tx:
        cursor = await tx.execute("SELECT id FROM panels")
        row = await cursor.fetchone()
        assert row is not None
        panel_id = int(row[0])
    people = await demo.seed_volunteers(ctx.db, panel_id, count, START)
    async with ctx.db.transaction() as tx:
        broadcast_id = await broadcasts.create(tx, panel_id, COORDINATOR_ID, "Hello <all>", START)
        reachable, unreachable = await broadcasts.audience(tx, panel_id, ("applied",))
        await broadcasts.start(
            tx,
            broadcast_id,
            reachable,
            skipped=unreachable,
            progress_chat_id=COORDINATOR_ID,
            progress_message_id=1,
            now=START,
        )
    return broadcast_id, people


def runner_for(ctx: AppContext, transport: ScriptedTransport, time: FakeTime) -> BroadcastRunner:
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    return BroadcastRunner(ctx, transport, pacer, clock=time.clock)


async def states(ctx: AppContext, broadcast_id: int) -> dict[str, int]:
    async with ctx.db.transaction() as tx:
        return await broadcasts.counts(tx, broadcast_id)


async def test_everyone_gets_it_once_and_trouble_is_reported(ctx: AppContext) -> None:
    broadcast_id, people = await prepare(ctx, 40)
    time = FakeTime()
    transport = ScriptedTransport(time)
    transport.blocked = {people[3], people[9]}
    transport.broken = {people[5]}
    transport.flaky = {people[7]: 2, people[8]: 5}  # the second never recovers
    transport.too_fast_at = {12, 20}
    runner = runner_for(ctx, transport, time)
    report = await runner.start(broadcast_id)
    assert (report.delivered, report.blocked, report.failed, report.waits) == (36, 2, 2, 2)
    assert sorted(transport.sent) == sorted(
        set(people) - {people[3], people[9], people[5], people[8]}
    )
    assert len(transport.sent) == len(set(transport.sent))
    assert await states(ctx, broadcast_id) == {
        "queued": 0,
        "sending": 0,
        "delivered": 36,
        "failed": 2,
        "blocked": 2,
    }
    async with ctx.db.transaction() as tx:
        cursor = await tx.execute("SELECT telegram_id FROM volunteers WHERE unreachable = 1")
        assert sorted(r[0] for r in await cursor.fetchall()) == sorted([people[3], people[9]])
        assert (await broadcasts.get(tx, broadcast_id)).status == "done"  # type: ignore[union-attr]
    assert "Blocked the bot: 2" in transport.reports[-1]
    assert "slow down 2 times" in transport.reports[-1]


async def test_a_429_makes_everything_wait_retry_after(ctx: AppContext) -> None:
    broadcast_id, _ = await prepare(ctx, 3)
    time = FakeTime()
    transport = ScriptedTransport(time)
    transport.too_fast_at = {2}  # the first message to a volunteer (call 1 is the progress edit)
    await runner_for(ctx, transport, time).start(broadcast_id)
    assert max(time.slept) >= 1.49
    assert len(transport.sent) == 3


async def test_progress_is_edited_every_few_seconds_within_the_same_pace(
    ctx: AppContext,
) -> None:
    broadcast_id, _ = await prepare(ctx, 240)
    time = FakeTime()
    transport = ScriptedTransport(time)
    started = time.now
    await runner_for(ctx, transport, time).start(broadcast_id)
    elapsed = time.now - started
    requests = len(transport.started)  # 240 messages, the edits and the report
    assert elapsed == pytest.approx(requests / PER_SECOND, rel=0.02)  # the pacer's grid
    # the first edit, one every PROGRESS_EVERY seconds, and the last
    assert 3 <= len(transport.edits) <= elapsed / PROGRESS_EVERY + 2
    assert "240 of 240" in transport.edits[-1]
    # Edits and messages together: never more than 30 begun in any second.
    begun = transport.started
    assert max(sum(1 for t in begun[i:] if t - s < 1.0) for i, s in enumerate(begun)) <= 30


async def test_a_restart_carries_on_and_sends_again_only_what_was_cut_off(
    ctx: AppContext,
) -> None:
    broadcast_id, people = await prepare(ctx, 20)
    time = FakeTime()
    first = ScriptedTransport(time)
    first.hang_at = 7  # the bot stops while the 8th message is in flight
    runner = runner_for(ctx, first, time)
    task = runner.start(broadcast_id)
    await first.hanging.wait()
    await runner.stop(grace=0)  # the message never comes back: cut it off
    assert task.cancelled()
    async with ctx.db.transaction() as tx:  # the ledger was left usable, mid-broadcast
        cursor = await tx.execute(
            "SELECT v.telegram_id FROM broadcast_deliveries d JOIN volunteers v "
            "ON v.id = d.volunteer_id WHERE d.state = 'sending'"
        )
        cut_off = {row[0] for row in await cursor.fetchall()}
    assert people[7] in cut_off and len(cut_off) <= IN_FLIGHT

    second = ScriptedTransport(time)
    again = runner_for(ctx, second, time)
    assert await again.resume() == [broadcast_id]
    reports = await again.join()
    # Those whose message was cut off in flight get it now; nobody else gets a second copy.
    assert set(first.sent).isdisjoint(second.sent)
    assert set(second.sent) >= cut_off
    assert sorted(first.sent + second.sent) == sorted(people)
    report = reports[broadcast_id]
    assert (report.delivered, report.failed) == (20, 0)
    assert await again.resume() == []


async def test_senders_that_finish_together_record_and_claim_in_one_transaction(
    ctx: AppContext,
) -> None:
    broadcast_id, _ = await prepare(ctx, 10)
    turns = Turns(ctx, broadcast_id)
    first = await asyncio.gather(*(turns.next(None) for _ in range(IN_FLIGHT)))
    assert turns.writes == 1
    claimed = [who for who in first if who is not None]
    assert len({who.volunteer_id for who in claimed}) == IN_FLIGHT
    assert (await states(ctx, broadcast_id))["sending"] == IN_FLIGHT  # one each, no more
    outcomes = ["delivered", "blocked", "failed", "delivered"]
    second = await asyncio.gather(
        *(
            turns.next(Settled(who.volunteer_id, state))
            for who, state in zip(claimed, outcomes, strict=True)
        )
    )
    assert turns.writes == 2
    assert {who.volunteer_id for who in second if who is not None}.isdisjoint(
        who.volunteer_id for who in claimed
    )
    assert await states(ctx, broadcast_id) == {
        "queued": 10 - 2 * IN_FLIGHT,
        "sending": IN_FLIGHT,
        "delivered": 2,
        "failed": 1,
        "blocked": 1,
    }


async def test_a_sender_cut_off_while_its_turn_is_written_leaves_the_ledger_usable(
    ctx: AppContext,
) -> None:
    broadcast_id, _ = await prepare(ctx, 5)
    turns = Turns(ctx, broadcast_id)
    cut_off = asyncio.ensure_future(turns.next(None))
    other = asyncio.ensure_future(turns.next(None))
    await asyncio.sleep(0)  # the write has begun
    cut_off.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cut_off
    assert await other is not None
    # The transaction ended whole: the next one opens, and both claims were kept (the one
    # cut off goes again at the next start).
    assert (await states(ctx, broadcast_id))["sending"] == 2
