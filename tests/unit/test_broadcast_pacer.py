"""The broadcast pacer on virtual time: starts on a fixed grid however long requests take,
at most 4 in flight, a short stall made up and a long one not, never two starts closer than
half a step, 429 holds, and never 31 counted in a second however the network's delay varies
or the loop stalls. No real waiting."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import pytest

from bot.services.delivery.pacer import IN_FLIGHT, LIMIT, PER_SECOND, Pacer

STEP = 1 / PER_SECOND


class VirtualTime:
    """A clock that jumps to the next sleeper's wake-up once every task is waiting."""

    def __init__(self, *, oversleep: float = 0.0) -> None:
        self.now = 100.0
        self.oversleep = oversleep  # how late every sleep wakes, as a busy machine's do
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake = asyncio.get_running_loop().create_future()
        deadline = self.now + max(seconds, 0.0) + self.oversleep
        heapq.heappush(self._sleepers, (deadline, next(self._order), wake))
        await wake

    async def run(self, *work: Coroutine[Any, Any, None]) -> None:
        tasks = [asyncio.ensure_future(job) for job in work]
        while not all(task.done() for task in tasks):
            for _ in range(50):  # let every task run until it waits
                await asyncio.sleep(0)
            if all(task.done() for task in tasks):
                break
            assert self._sleepers, "every task is waiting and nobody will wake them"
            deadline, _, wake = heapq.heappop(self._sleepers)
            self.now = max(self.now, deadline)
            wake.set_result(None)
        for task in tasks:
            task.result()


def pacer_on(time: VirtualTime, **options: Any) -> Pacer:
    return Pacer(clock=time.clock, sleep=time.sleep, **options)


async def send_all(
    time: VirtualTime,
    pacer: Pacer,
    count: int,
    request: Callable[[int], Awaitable[None]],
    *,
    senders: int = 8,
) -> None:
    queue = iter(range(count))

    async def sender() -> None:
        for number in queue:
            async with pacer.slot():
                await request(number)

    await time.run(*(sender() for _ in range(senders)))


async def test_starts_keep_to_the_grid_however_long_each_request_takes() -> None:
    time = VirtualTime()
    pacer = pacer_on(time)
    starts: list[float] = []
    in_flight = most_in_flight = 0

    async def request(number: int) -> None:
        nonlocal in_flight, most_in_flight
        starts.append(time.now)
        in_flight += 1
        most_in_flight = max(most_in_flight, in_flight)
        await time.sleep(0.12)  # 3.5 steps of the grid: one at a time would fall behind
        in_flight -= 1

    await send_all(time, pacer, 90, request)
    grid = [starts[0] + n * pacer.interval for n in range(90)]
    assert starts == pytest.approx(grid, abs=1e-9)
    assert most_in_flight == IN_FLIGHT


async def test_a_sleep_that_wakes_late_costs_no_pace_at_each_step() -> None:
    time = VirtualTime(oversleep=0.004)
    pacer = pacer_on(time)
    starts: list[float] = []

    async def request(number: int) -> None:
        starts.append(time.now)

    await send_all(time, pacer, 300, request, senders=1)
    # Counting each step from the last start would add 4 ms every time: 1.2 s in all. What
    # is left is 4 ms once a second: each request counts from when it really began, so the
    # 30th after a late one waits as much longer.
    assert starts[-1] - starts[0] <= 299 * pacer.interval + (299 // LIMIT + 1) * 0.004 + 1e-6
    assert counted_in_one_second(starts) <= LIMIT


async def test_after_a_stall_the_grid_moves_on_rather_than_bursting() -> None:
    time = VirtualTime()
    pacer = pacer_on(time)
    starts: list[float] = []

    async def request(number: int) -> None:
        starts.append(time.now)
        if number == 10:
            time.now += 0.5  # the loop was busy: 15 steps of the grid went by

    await send_all(time, pacer, 40, request, senders=1)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) == pytest.approx(STEP, abs=1e-6)
    assert gaps[10] == pytest.approx(0.5)


async def test_a_hold_stops_every_request_then_the_grid_starts_again() -> None:
    time = VirtualTime()
    pacer = pacer_on(time)
    starts: list[float] = []

    async def request(number: int) -> None:
        starts.append(time.now)
        await time.sleep(0.01)
        if number == 5:
            pacer.hold(1.5)  # a 429: retry after 1.5 s

    await send_all(time, pacer, 12, request)
    held = starts[5] + 0.01 + 1.5
    # Requests already in flight went on; none started during the hold; then the grid.
    assert all(not (starts[5] + 0.01 < at < held) for at in starts)
    after = [at for at in starts if at >= held]
    assert after[0] == pytest.approx(held)
    assert [b - a for a, b in itertools.pairwise(after)] == pytest.approx(
        [STEP] * (len(after) - 1), abs=1e-6
    )


def counted_in_one_second(arrivals: list[float]) -> int:
    """The most arrivals a sliding one-second window holds (as the stand-in counts)."""
    ordered = sorted(arrivals)
    return max(
        sum(1 for at in ordered[index:] if at - start < 1.0) for index, start in enumerate(ordered)
    )


async def arrivals_with_jitter(pacer: Pacer, time: VirtualTime) -> list[float]:
    """300 requests; each way takes 5 ms, and one in five is held up by up to 80 ms."""
    rng = random.Random(4)
    arrivals: list[float] = []

    def leg() -> float:
        return 0.005 + (rng.uniform(0.0, 0.08) if rng.random() < 0.2 else 0.0)

    async def request(number: int) -> None:
        await time.sleep(leg())  # to Telegram, which counts it on arrival
        arrivals.append(time.now)
        await time.sleep(leg())  # and the answer back

    await send_all(time, pacer, 300, request)
    return arrivals


async def test_a_slow_request_holds_back_the_30th_after_it_so_no_second_has_31() -> None:
    time = VirtualTime()
    arrivals = await arrivals_with_jitter(pacer_on(time), time)
    assert counted_in_one_second(arrivals) <= LIMIT
    assert len(arrivals) / (time.now - 100.0) > 29  # and the pace stays close to 30

    # The same network with starts on the grid alone puts more than 30 into a second.
    time = VirtualTime()
    unguarded = await arrivals_with_jitter(pacer_on(time, limit=10_000), time)
    assert counted_in_one_second(unguarded) > LIMIT


async def broadcast_with_a_stall(
    time: VirtualTime, stall: float, *, count: int = 300, at: int = 100
) -> tuple[list[float], list[float]]:
    """`count` requests from 4 senders, 5 ms each way; while request `at` is on its way the
    whole loop is blocked for `stall` seconds (a busy machine), so every sleeper wakes late
    at once. Returns the starts and the arrivals (when Telegram counts each)."""
    pacer = pacer_on(time)
    starts: list[float] = []
    arrivals: list[float] = []

    async def request(number: int) -> None:
        starts.append(time.now)
        await time.sleep(0.005)
        arrivals.append(time.now)
        if number == at:
            time.now += stall  # blocked: nothing else ran meanwhile
        await time.sleep(0.005)

    await send_all(time, pacer, count, request, senders=IN_FLIGHT)
    return starts, arrivals


async def test_the_loop_blocked_for_2_s_brings_no_burst_after_it() -> None:
    time = VirtualTime()
    starts, arrivals = await broadcast_with_a_stall(time, 2.0)
    assert counted_in_one_second(arrivals) <= LIMIT
    assert min(b - a for a, b in itertools.pairwise(starts)) >= STEP / 2 - 1e-6
    # The grid moved on rather than making up the 2 s: the broadcast ends that much later,
    # and the second after the stall went at the usual pace.
    plain, _ = await broadcast_with_a_stall(VirtualTime(), 0.0)
    assert starts[-1] - starts[0] >= plain[-1] - plain[0] + 2.0 - STEP
    resumed = next(b for a, b in itertools.pairwise(starts) if b - a > 1.5)
    assert len([at for at in starts if resumed <= at < resumed + 1.0]) <= PER_SECOND + 1


async def test_a_short_stall_is_made_up_at_twice_the_pace_at_most_and_never_31_in_a_second() -> (
    None
):
    time = VirtualTime()
    starts, arrivals = await broadcast_with_a_stall(time, 0.15)
    assert counted_in_one_second(arrivals) <= LIMIT
    assert min(b - a for a, b in itertools.pairwise(starts)) >= STEP / 2 - 1e-6
    # Made up: the broadcast ends as if the loop had never stalled (give or take a step).
    plain, _ = await broadcast_with_a_stall(VirtualTime(), 0.0)
    assert starts[-1] - starts[0] == pytest.approx(plain[-1] - plain[0], abs=STEP + 1e-6)


async def test_a_request_counts_from_when_its_answer_was_heard_not_when_it_was_read() -> None:
    time = VirtualTime()
    pacer = pacer_on(time, in_flight=40)
    starts: list[float] = []

    async def read_slowly() -> None:
        async with pacer.slot():
            await time.sleep(0.002)
            pacer.heard()  # the HTTP answer is in
            await time.sleep(0.5)  # and the bot takes its time over it

    async def others() -> None:
        await time.sleep(0.001)
        for _ in range(LIMIT):
            async with pacer.slot():
                starts.append(time.now)

    await time.run(read_slowly(), others())
    # The 30th after it went a second after the answer was heard (less the quickest round
    # trip: none, as the others answer at once), not a second after the block ended.
    assert starts[-1] == pytest.approx(100.0 + 0.002 + 1.002, abs=1e-6)


async def test_an_unanswered_request_keeps_its_place_in_the_count_and_only_its_own() -> None:
    time = VirtualTime()
    pacer = pacer_on(time, in_flight=40)
    answered = asyncio.Event()
    starts: list[float] = []

    async def slow() -> None:
        async with pacer.slot():
            await answered.wait()  # counted by Telegram at some unknown moment

    async def others() -> None:
        for _ in range(150):
            async with pacer.slot():
                starts.append(time.now)

    async def late_answer() -> None:
        await time.sleep(3.0)
        answered.set()

    await time.run(slow(), others(), late_answer())
    # Until a second after its answer (less the quickest round trip, none here) the slow one
    # may be counted in any second, so no second had more than 29 others in it meanwhile;
    # but the others went on at 29 a second rather than waiting for it.
    meanwhile = [at for at in starts if at < 100.0 + 3.0 + 1.002]
    assert counted_in_one_second(meanwhile) == LIMIT - 1
    assert len([at for at in starts if at < 103.0]) >= 29 * 3 - 1
    # Then its place is free again: 30 a second.
    assert counted_in_one_second([at for at in starts if at >= 104.002]) == LIMIT


async def test_the_bots_other_requests_go_at_once_but_a_broadcast_after_them_leaves_room() -> None:
    time = VirtualTime()
    pacer = pacer_on(time)
    others: list[float] = []
    paced: list[float] = []

    async def replies() -> None:
        for _ in range(3):  # answers to the Send press, say
            async with pacer.other():
                others.append(time.now)

    async def broadcast() -> None:
        for _ in range(40):
            async with pacer.slot():
                paced.append(time.now)

    await time.run(replies())
    await time.run(broadcast())
    assert others == [100.0] * 3  # nothing was sending: no waiting
    assert paced[0] == 100.0
    assert paced[26] < 101.0 <= paced[27]  # 27 + 3 in the first second, and no more
    assert counted_in_one_second(others + paced) <= LIMIT


async def test_while_a_broadcast_sends_the_bots_other_requests_take_their_place() -> None:
    time = VirtualTime()
    pacer = pacer_on(time)
    starts: list[float] = []
    marks: list[bool] = []

    async def broadcast() -> None:
        with pacer.sending():
            for _ in range(60):
                async with pacer.slot():
                    marks.append(pacer.paced())
                    starts.append(time.now)

    async def replies() -> None:
        for _ in range(6):
            await time.sleep(0.25)
            async with pacer.other():
                starts.append(time.now)

    await time.run(broadcast(), replies())
    ordered = sorted(starts)
    assert min(b - a for a, b in itertools.pairwise(ordered)) == pytest.approx(STEP, abs=1e-6)
    assert counted_in_one_second(starts) <= LIMIT
    assert all(marks) and not pacer.paced()
