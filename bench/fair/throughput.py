"""Throughput, three processes: panelbot against two echo bots, none sharing its process.

What runs where:
1. the stand-in Bot API (bench/fair/standin.py): one FakeBotApi per bot, each on its own
   port with its own token, all in one process, plus the control API below;
2. the bot under test: `panelbot run` as in production (settings from the environment, a
   fresh SQLite database in a temporary folder with the example panel imported by
   `panelbot panel import`, dated from today so that sign-up is open, the coordinator
   having opened the bot), or the echo bot (`python -m bench.echo`, one update at a time as
   python-telegram-bot does by default, or `--concurrent 8`). All three bots run from the
   start and poll their own stand-in; only the one whose turn it is gets updates;
3. the load generator: this process, driving simulated people through the control API.

People act in a closed loop, CONCURRENCY at once: each sends an update and waits until the
bot has answered it before sending the next. An update counts as answered when the stand-in
has received as many answers to that person (sendMessage, editMessageText,
answerCallbackQuery and the rest, bench.fair.standin.ANSWERS, counted when they succeed) as
the same step drew in calibration: before measuring, one person of each kind walks their
steps alone, each step waiting until the chat is quiet for CALIBRATE_SETTLE s, which counts
every answer the bot makes to it (several messages, and the quiet chat's edits of earlier
ones). After every round the stand-in must have received exactly the answers expected, or
the benchmark fails: an extra or missing answer would make the latencies lie.

Panelbot's volunteers open the sign-up link and agree to the privacy notice; 1 in FULL_EVERY
goes on through the whole journey to "Send" (they start first in each round, so that they
finish inside it). Echo people send /start and press its button. Each bot gets a warm-up,
then ROUNDS rounds, the three bots taking turns in an order that rotates each round, so that
a change in the machine's load falls on all alike.

Measured per round, per bot:
- updates/s: updates answered from the round's first answer until its list of people ran
  out (the first moment fewer than CONCURRENCY people were acting), over that time;
- p50/p99 latency of those updates: from the load generator's send (time.monotonic() just
  before its request to the control API) to the last of the update's answers arriving at the
  stand-in (time.monotonic() there: CLOCK_MONOTONIC, one clock for every process);
- CPU per update of the bot's process: utime+stime from /proc/<pid>/stat (every thread)
  over the whole round, until the bot is quiet, divided by every update of the round.
Each figure is the median over the rounds, with its range (min-max); the ratios of panelbot
to each echo bot are taken round by round (the bots ran side by side in time), then the
median and range of those.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from bench.common import TOKEN
from bench.fair.client import Answer, StandInControl
from bench.fair.procs import Child, Children, cpu_seconds
from bench.report import Result, Target
from bench.scale import PANELBOT as PANELBOT_COMMAND
from bench.steps import ECHO, FULL_EVERY, Step, first_contact, whole_journey

CONCURRENCY = 32
ROUNDS = 9
VOLUNTEERS_PER_ROUND = 600  # panelbot: 3 of them through the whole journey
ECHO_PEOPLE_PER_ROUND = 650  # each echo bot: about as many updates as panelbot's round
WARM_UP_PEOPLE = 96
CALIBRATE_SETTLE = 0.25  # s of quiet in one chat that says the bot is done with an update
QUIET_SETTLE = 0.2  # s of quiet from the whole bot that ends a round
ANSWER_WITHIN = 60.0
START_WITHIN = 60.0
COORDINATOR_ID = 9001
TARGET_RATE = 0.75
GOAL_RATE = 0.85
TARGET_CPU = 1.4
TARGET_P99 = 1.6


@dataclasses.dataclass(frozen=True)
class Bot:
    name: str  # as the table shows it
    key: str  # the stand-in's name for it
    token: str


PANELBOT = Bot("panelbot", "panelbot", TOKEN)
ECHO_BOT = Bot("echo", "echo", "124:bench-echo-token-not-a-real-one")
ECHO_8 = Bot("echo(8)", "echo8", "125:bench-echo8-token-not-a-real-one")
BOTS = (PANELBOT, ECHO_BOT, ECHO_8)


@dataclasses.dataclass(frozen=True)
class Journey:
    steps: tuple[Step, ...]
    answers: tuple[int, ...]  # answers per step, from calibration


@dataclasses.dataclass(frozen=True)
class Round:
    """One bot's figures from one round."""

    updates: int
    window_updates: int
    window_s: float
    rate: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float  # the bot's process, per update
    standin_cpu_ms: float  # the stand-in's process, per update
    load_cpu_ms: float  # this process, per update
    load_average: float  # the machine's, over the minute before the round: how busy it was


class Rig:
    """The running processes and how to reach them."""

    def __init__(self, control: StandInControl, standin: Child, bots: dict[str, Child]) -> None:
        self.control, self.standin, self.bots = control, standin, bots
        self._ids = iter(range(10_000_000, 2**31))

    def new_person(self) -> int:
        return next(self._ids)

    def check_alive(self) -> None:
        for child in (self.standin, *self.bots.values()):
            if not child.alive():
                raise RuntimeError(
                    f"{child.name} exited ({child.process.returncode}); its log:\n{child.tail()}"
                )

    async def calibrate(self, bot: Bot, steps: tuple[Step, ...]) -> Journey:
        user, last, counts = self.new_person(), None, []
        for step in steps:
            last = await self.control.act(
                bot.key, user, step, last, expect=None, settle=CALIBRATE_SETTLE,
                within=ANSWER_WITHIN,
            )  # fmt: skip
            counts.append(last.answers)
        return Journey(steps, tuple(counts))

    async def drive(
        self, bot: Bot, people: Sequence[tuple[int, Journey]]
    ) -> tuple[list[tuple[float, float]], float]:
        """Walk `people` CONCURRENCY at a time; every update's (sent, answered) times, and
        when the list ran out."""
        queue = iter(people)
        times: list[tuple[float, float]] = []
        ran_out: list[float] = []

        async def person() -> None:
            for user, journey in queue:
                last: Answer | None = None
                for step, expect in zip(journey.steps, journey.answers, strict=True):
                    sent = time.monotonic()
                    last = await self.control.act(
                        bot.key, user, step, last, expect=expect, within=ANSWER_WITHIN
                    )
                    times.append((sent, last.answered_at))
            ran_out.append(time.monotonic())

        async with asyncio.TaskGroup() as group:
            # A process that dies fails the round at once, not after ANSWER_WITHIN.
            watch = group.create_task(self._watch())
            await asyncio.wait([group.create_task(person()) for _ in range(CONCURRENCY)])
            watch.cancel()
        return times, min(ran_out)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(0.5)
            self.check_alive()

    async def settle(self, bot: Bot, people: Sequence[tuple[int, Journey]]) -> dict[str, Any]:
        """Wait for the bot to go quiet; fail unless each person got exactly the answers
        calibration expects."""
        status = await self.control.quiet(
            bot.key, settle=QUIET_SETTLE, people=[user for user, _ in people]
        )
        expected = sum(sum(journey.answers) for _, journey in people)
        if status["theirs"] != expected:
            raise RuntimeError(
                f"{bot.name}: {status['theirs']} answers where calibration expects {expected}: "
                "the bot no longer answers each step as it did in calibration"
            )
        return status

    async def round(self, bot: Bot, people: Sequence[tuple[int, Journey]]) -> Round:
        self.check_alive()
        busy = os.getloadavg()[0]
        pid = self.bots[bot.key].pid
        mine, standin, load = cpu_seconds(pid), cpu_seconds(self.standin.pid), _own_cpu()
        times, ran_out = await self.drive(bot, people)
        await self.settle(bot, people)
        mine = cpu_seconds(pid) - mine
        standin = cpu_seconds(self.standin.pid) - standin
        load = _own_cpu() - load
        self.check_alive()
        first = min(answered for _, answered in times)
        window = [(s, a) for s, a in times if first < a <= ran_out]
        latencies = sorted(a - s for s, a in window)
        per_update = 1000 / len(times)
        return Round(
            updates=len(times),
            window_updates=len(window),
            window_s=ran_out - first,
            rate=len(window) / (ran_out - first),
            p50_ms=1000 * _quantile(latencies, 0.5),
            p99_ms=1000 * _quantile(latencies, 0.99),
            cpu_ms=mine * per_update,
            standin_cpu_ms=standin * per_update,
            load_cpu_ms=load * per_update,
            load_average=busy,
        )


def _own_cpu() -> float:
    return cpu_seconds(os.getpid())


def _quantile(ordered: Sequence[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _clean_env() -> dict[str, str]:
    """This environment without any panelbot or Telegram setting of the person running it."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PANELBOT_") and k != "TELEGRAM_BOT_TOKEN"}  # fmt: skip
    env["PTB_TIMEDELTA"] = "1"  # python-telegram-bot warns on every 429 otherwise
    return env


async def _panelbot_command(args: Sequence[str], env: dict[str, str], log: Path) -> str:
    process = await asyncio.create_subprocess_exec(
        *PANELBOT_COMMAND,
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    with log.open("ab") as output:
        output.write(err)
    if process.returncode != 0:
        raise RuntimeError(f"panelbot {' '.join(args)} failed: {(out + err).decode()[-2000:]}")
    return out.decode()


async def _database(folder: Path, env: dict[str, str]) -> str:
    """A fresh database holding the example panel dated from today; the panel's code."""
    log = folder / "panelbot-setup.log"
    panel = folder / "panel.yaml"
    panel.write_text(await _panelbot_command(["panel", "example"], env, log), encoding="utf-8")
    await _panelbot_command(["panel", "import", str(panel)], env, log)
    found = re.search(r"^code:\s*(\S+)", panel.read_text(encoding="utf-8"), re.MULTILINE)
    if found is None:
        raise RuntimeError(f"no code: line in {panel}")
    return found.group(1)


async def _wait(what: str, ready: Callable[[], Awaitable[bool]], rig: Rig) -> None:
    deadline = time.monotonic() + START_WITHIN
    while not await ready():
        rig.check_alive()
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not ready within {START_WITHIN:g} s")
        await asyncio.sleep(0.05)


async def _start(children: Children, folder: Path, env: dict[str, str]) -> tuple[Child, Any]:
    command = [sys.executable, "-m", "bench.fair.standin"]
    for bot in BOTS:
        command += ["--bot", f"{bot.key}={bot.token}"]
    standin = await children.start(
        "the stand-in", command, log=folder / "standin.log", env=env, stdout_pipe=True
    )
    assert standin.process.stdout is not None
    try:
        line = await asyncio.wait_for(standin.process.stdout.readline(), START_WITHIN)
        where = json.loads(line)
    except (TimeoutError, ValueError):
        raise RuntimeError(f"the stand-in did not start; its log:\n{standin.tail()}") from None
    return standin, where


async def _launch_bots(
    children: Children, folder: Path, env: dict[str, str], apis: dict[str, str]
) -> dict[str, Child]:
    panelbot_env = {
        **env,
        "TELEGRAM_BOT_TOKEN": PANELBOT.token,
        "PANELBOT_API_URL": apis[PANELBOT.key],
        "PANELBOT_DATABASE": str(folder / "panelbot.sqlite3"),
        "PANELBOT_COORDINATORS": str(COORDINATOR_ID),
    }
    panelbot = await children.start(
        "panelbot", [*PANELBOT_COMMAND, "run"], log=folder / "panelbot.log", env=panelbot_env
    )
    bots = {PANELBOT.key: panelbot}
    for bot, extra in ((ECHO_BOT, []), (ECHO_8, ["--concurrent", "8"])):
        command = [sys.executable, "-m", "bench.echo", "--api-url", apis[bot.key], *extra]
        bots[bot.key] = await children.start(
            bot.name, command, log=folder / f"{bot.key}.log",
            env={**env, "TELEGRAM_BOT_TOKEN": bot.token},
        )  # fmt: skip
    return bots


def _people(
    rig: Rig, count: int, journeys: Sequence[tuple[Journey, int]]
) -> list[tuple[int, Journey]]:
    """`count` new people: journeys[i][1] of each kind first, then the last kind."""
    people: list[tuple[int, Journey]] = []
    for journey, how_many in journeys[:-1]:
        people += [(rig.new_person(), journey) for _ in range(how_many)]
    people += [(rig.new_person(), journeys[-1][0]) for _ in range(count - len(people))]
    return people


async def measure(
    rounds: int = ROUNDS,
    volunteers: int = VOLUNTEERS_PER_ROUND,
    echo_people: int = ECHO_PEOPLE_PER_ROUND,
) -> tuple[dict[str, list[Round]], dict[str, Any]]:
    env = _clean_env()
    with tempfile.TemporaryDirectory(prefix="panelbot-fair-") as name:
        folder = Path(name)
        async with Children() as children:
            try:
                return await _measure(children, folder, env, rounds, volunteers, echo_people)
            except Exception:
                _show_logs(folder)
                raise


def _show_logs(folder: Path) -> None:
    for log in sorted(folder.glob("*.log")):
        print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")


async def _measure(
    children: Children,
    folder: Path,
    env: dict[str, str],
    rounds: int,
    volunteers: int,
    echo_people: int,
) -> tuple[dict[str, list[Round]], dict[str, Any]]:
    code = await _database(folder, {**env, "PANELBOT_DATABASE": str(folder / "panelbot.sqlite3")})
    standin, where = await _start(children, folder, env)
    async with StandInControl(where["control"]) as control:
        # The coordinator has opened the bot, as a real one has: their notices are delivered.
        await control.known(PANELBOT.key, COORDINATOR_ID)
        rig = Rig(control, standin, await _launch_bots(children, folder, env, where["apis"]))
        for bot in BOTS:
            # Started, and its first getUpdates is open at the stand-in.
            await _wait(bot.name, functools.partial(_polling, control, bot), rig)
        whole = await rig.calibrate(PANELBOT, whole_journey(code))
        first = await rig.calibrate(PANELBOT, first_contact(code))
        echo_journey = await rig.calibrate(ECHO_BOT, ECHO)
        echo8_journey = await rig.calibrate(ECHO_8, ECHO)
        mixes: dict[str, tuple[int, list[tuple[Journey, int]]]] = {
            PANELBOT.key: (volunteers, [(whole, volunteers // FULL_EVERY), (first, 0)]),
            ECHO_BOT.key: (echo_people, [(echo_journey, 0)]),
            ECHO_8.key: (echo_people, [(echo8_journey, 0)]),
        }
        for bot in BOTS:
            warm = _people(rig, WARM_UP_PEOPLE, [mixes[bot.key][1][-1]])
            await rig.drive(bot, warm)
            await rig.settle(bot, warm)
        measured: dict[str, list[Round]] = {bot.key: [] for bot in BOTS}
        for turn in range(rounds):
            for bot in BOTS[turn % len(BOTS) :] + BOTS[: turn % len(BOTS)]:
                count, mix = mixes[bot.key]
                measured[bot.key].append(await rig.round(bot, _people(rig, count, mix)))
        totals = {bot.key: await control.status(bot.key) for bot in BOTS}
    await children.stop_all()
    extra = {
        "calibrated_answers_per_step": {
            "panelbot first contact": list(first.answers),
            "panelbot whole journey": list(whole.answers),
            "echo": list(echo_journey.answers),
            "echo(8)": list(echo8_journey.answers),
        },
        "refused_requests": {bot.name: totals[bot.key]["refused"] for bot in BOTS},
        "volunteers_in_database": _volunteers(folder / "panelbot.sqlite3"),
        "panel_code": code,
    }
    return measured, extra


async def _polling(control: StandInControl, bot: Bot) -> bool:
    return bool((await control.status(bot.key))["polling"])


def _volunteers(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute("SELECT count(*) FROM volunteers").fetchone()[0])


def _spread(values: Sequence[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def _range(values: Sequence[float], digits: int = 1) -> str:
    return f"{min(values):.{digits}f}-{max(values):.{digits}f}"


async def run(
    rounds: int = ROUNDS,
    volunteers: int = VOLUNTEERS_PER_ROUND,
    echo_people: int = ECHO_PEOPLE_PER_ROUND,
) -> Result:
    measured, extra = await measure(rounds, volunteers, echo_people)
    metrics = ("rate", "p50_ms", "p99_ms", "cpu_ms", "standin_cpu_ms", "load_cpu_ms")
    figures: dict[str, Any] = {
        "concurrency": CONCURRENCY,
        "rounds": rounds,
        "volunteers_per_round": volunteers,
        "echo_people_per_round": echo_people,
        **extra,
    }
    rows: list[tuple[object, ...]] = []
    for bot in BOTS:
        got = measured[bot.key]
        spread = {m: _spread([getattr(r, m) for r in got]) for m in metrics}
        figures[bot.name] = {
            **spread,
            "updates": sum(r.updates for r in got),
            "per_round": [dataclasses.asdict(r) for r in got],
        }
        rows.append((
            bot.name, sum(r.updates for r in got),
            spread["rate"]["median"], _range([r.rate for r in got]),
            spread["p50_ms"]["median"], spread["p99_ms"]["median"],
            _range([r.p99_ms for r in got], 0),
            spread["cpu_ms"]["median"], _range([r.cpu_ms for r in got], 2),
        ))  # fmt: skip
    ratios: dict[str, dict[str, dict[str, float]]] = {}
    for base in (ECHO_BOT, ECHO_8):
        pairs = list(zip(measured[PANELBOT.key], measured[base.key], strict=True))
        ratio = {m: [getattr(p, m) / getattr(b, m) for p, b in pairs] for m in metrics[:4]}
        ratios[base.name] = {m: _spread(values) for m, values in ratio.items()}
        rows.append((
            f"panelbot / {base.name}", "",
            ratios[base.name]["rate"]["median"], _range(ratio["rate"], 3),
            ratios[base.name]["p50_ms"]["median"], ratios[base.name]["p99_ms"]["median"],
            _range(ratio["p99_ms"], 2),
            ratios[base.name]["cpu_ms"]["median"], _range(ratio["cpu_ms"], 2),
        ))  # fmt: skip
    figures["ratios"] = ratios
    echo = ratios[ECHO_BOT.name]
    rate, cpu, p99 = echo["rate"]["median"], echo["cpu_ms"]["median"], echo["p99_ms"]["median"]
    side = {
        bot.name: round(statistics.median(r.standin_cpu_ms for r in measured[bot.key]), 2)
        for bot in BOTS
    }
    load = round(statistics.median(r.load_cpu_ms for rs in measured.values() for r in rs), 2)
    return Result(
        name="throughput-procs",
        title=(
            f"Throughput, three processes: {CONCURRENCY} people at once, {rounds} interleaved "
            f"rounds of {volunteers} volunteers (1 in {FULL_EVERY} the whole journey) "
            f"or {echo_people} echo people"
        ),
        header=(
            "bot",
            "updates",
            "updates/s",
            "(range)",
            "p50 ms",
            "p99 ms",
            "(range)",
            "CPU ms/update",
            "(range)",
        ),
        rows=rows,
        figures=figures,
        targets=[
            Target(f"throughput at least {TARGET_RATE:g} of the echo bot", rate >= TARGET_RATE),
            Target(f"CPU per update at most {TARGET_CPU:g} x the echo bot's", cpu <= TARGET_CPU),
            Target(f"p99 latency at most {TARGET_P99:g} x the echo bot's", p99 <= TARGET_P99),
        ],
        notes=[
            f"goal: throughput {GOAL_RATE:g} of the echo bot: "
            + ("reached" if rate >= GOAL_RATE else f"not yet ({rate:.3f})"),
            "each figure: the median of the rounds (range min-max); ratios taken round by "
            "round. Latency: the load generator's send to the bot's last answer at the "
            "stand-in. CPU: the bot's process (all threads), /proc/<pid>/stat",
            "the other processes' CPU per update, median: stand-in "
            + ", ".join(f"{name} {ms:g} ms" for name, ms in side.items())
            + f"; load generator {load:g} ms (all share the machine's "
            f"{os.cpu_count()} cores)",
            "the machine's load average before the rounds: "
            + _range([r.load_average for rs in measured.values() for r in rs], 2)
            + "; the in-process figure (old, one release more) is the `throughput` benchmark",
        ],
    )
