"""Scale: start-up time and memory of `panelbot run` with big databases (100,000 and
300,000 volunteers), against an empty one.

The bot runs as a separate process (so its memory is its own), pointed at a stand-in Bot
API served here. An update waits at the stand-in before the process starts; start-up time
is from launching the process until the stand-in receives the bot's answer to it.
Memory is the process's resident set: right after that answer, and the peak over a few
more seconds of running (the scheduler's first pass included).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import seed
from bench.common import TOKEN
from bench.report import Result, Target
from bot.clock import SystemClock
from bot.standin.api import FakeBotApi, FakeUser

OFFSETS = "7d,1d,2h"
SETTLE_SECONDS = 3.0
ANSWER_WITHIN = 120.0
START_UP_TARGET = 3.0
MEMORY_TARGET_MB = 250.0
# Issue 12: start-up and memory at 100,000 no worse than they were (0.57-0.66 s; 70 MB after
# the first answer, peak 94 MB); at 300,000 the peak under 110 MB.
START_UP_100K_TARGET = 0.66
RSS_100K_TARGET_MB = 70.0
PEAK_100K_TARGET_MB = 94.0
PEAK_300K_TARGET_MB = 110.0
# Launches of each database, interleaved (empty, then each size, then again): the machine is
# shared, so each figure is the median of these, with its range.
ROUNDS = 3
PERSON = FakeUser(42, "Ada")
# The installed `panelbot` command, or the same entry point through this interpreter.
_SCRIPT = Path(sys.executable).with_name("panelbot")
PANELBOT = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "bot.cli"]


@dataclass(frozen=True)
class Size:
    """One big database: the same shape at each size (100 volunteers a panel, one in 90 of
    them confirmed, so pending reminders grow with the volunteers)."""

    volunteers: int
    panels: int
    reminders: int  # at least this many pending reminders

    @property
    def key(self) -> str:
        return f"{self.volunteers // 1000}k"


SIZES = (Size(100_000, 1_000, 20_000), Size(300_000, 3_000, 60_000))


@dataclass(frozen=True)
class Launch:
    start_up: float  # seconds from launching the process to the first answer
    second: float  # seconds for the next update, sent once the first was answered
    rss_mb: float  # right after the first answer
    peak_mb: float  # highest resident set seen while it ran
    others: int  # messages the bot sent to anyone else (the scheduler's, say)


def _memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


async def _launch(database: Path, log: Path) -> Launch:
    async with FakeBotApi() as api:
        api.send_text(PERSON, "/help")
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "PANELBOT_API_URL": api.base_url,
            "PANELBOT_DATABASE": str(database),
            "PANELBOT_COORDINATORS": "9001",
            "PANELBOT_REMINDERS": OFFSETS,
            "PTB_TIMEDELTA": "1",
        }
        with log.open("wb") as output:
            began = time.perf_counter()
            process = await asyncio.create_subprocess_exec(
                *PANELBOT, "run", env=env, stdout=output, stderr=output
            )
            try:
                await api.wait_for(
                    lambda: api.deliveries_per_chat[PERSON.id] > 0,
                    timeout=ANSWER_WITHIN,
                    what="the bot's first answer",
                )
                start_up = time.perf_counter() - began
                rss = _memory_mb(process.pid, "VmRSS")
                asked = time.perf_counter()
                api.send_text(PERSON, "/help")
                await api.wait_for(
                    lambda: api.deliveries_per_chat[PERSON.id] > 1,
                    timeout=ANSWER_WITHIN,
                    what="the bot's second answer",
                )
                second = time.perf_counter() - asked
                await asyncio.sleep(SETTLE_SECONDS)  # let start-up work finish: the peak counts
                peak = _memory_mb(process.pid, "VmHWM")
            except TimeoutError:
                raise RuntimeError(f"panelbot run did not answer; its log: {log}") from None
            finally:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
                    try:
                        await asyncio.wait_for(process.wait(), timeout=15)
                    except TimeoutError:
                        process.kill()
                        await process.wait()
    others = sum(api.deliveries_per_chat.values()) - api.deliveries_per_chat[PERSON.id]
    return Launch(start_up, second, rss, peak, others)


def _show_logs(folder: Path) -> None:
    for log in sorted(folder.glob("*.log")):
        print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")


def _fresh_copy(source: Path, copy: Path) -> None:
    """Each launch meets the database as seeded (its first tick makes every session's
    snapshot, for one), not as the launch before left it."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{copy}{suffix}")


def _spread(values: Sequence[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}"


def _figures(launches: Sequence[Launch]) -> dict[str, object]:
    def summary(values: list[float], digits: int) -> dict[str, object]:
        return {
            "median": round(statistics.median(values), digits),
            "range": [round(min(values), digits), round(max(values), digits)],
            "runs": [round(value, digits) for value in values],
        }

    return {
        "start_up_s": summary([launch.start_up for launch in launches], 3),
        "second_answer_s": summary([launch.second for launch in launches], 3),
        "rss_mb": summary([launch.rss_mb for launch in launches], 1),
        "peak_rss_mb": summary([launch.peak_mb for launch in launches], 1),
        "other_messages_sent": sum(launch.others for launch in launches),
    }


async def run(sizes: Sequence[Size] = SIZES, rounds: int = ROUNDS) -> Result:
    figures: dict[str, object] = {"rounds": rounds}
    labels = {"empty": "empty database"}
    sizes_mb: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="panelbot-bench-") as name:
        folder = Path(name)
        sources = {"empty": folder / "empty.sqlite3"}
        await seed.migrate(sources["empty"])
        for size in sizes:
            path = sources[size.key] = folder / f"{size.key}.sqlite3"
            await seed.migrate(path)
            began = time.perf_counter()
            seeded = seed.seed(
                path,
                panels=size.panels,
                volunteers=size.volunteers,
                min_reminders=size.reminders,
                offsets=len(OFFSETS.split(",")),
                now=SystemClock().now(),
            )
            sizes_mb[size.key] = path.stat().st_size / 1024 / 1024
            figures[f"seeded_{size.key}"] = {
                **seeded.__dict__,
                "seeding_s": round(time.perf_counter() - began, 2),
                "database_mb": round(sizes_mb[size.key], 1),
            }
            labels[size.key] = (
                f"{size.volunteers:,} volunteers, {size.panels:,} panels, "
                f"{seeded.pending_reminders:,} reminders"
            )
        launches: dict[str, list[Launch]] = {key: [] for key in sources}
        running = folder / "running.sqlite3"
        try:
            for _ in range(rounds):
                for key, source in sources.items():
                    _fresh_copy(source, running)
                    launches[key].append(await _launch(running, folder / f"{key}.log"))
        except RuntimeError:
            _show_logs(folder)
            raise
    rows: list[tuple[object, ...]] = []
    for key, label in labels.items():
        figures[key] = _figures(launches[key])
        runs = launches[key]
        rows.append(
            (
                label,
                statistics.median(launch.start_up for launch in runs),
                _spread([launch.start_up for launch in runs]),
                statistics.median(launch.second for launch in runs),
                statistics.median(launch.rss_mb for launch in runs),
                statistics.median(launch.peak_mb for launch in runs),
                _spread([launch.peak_mb for launch in runs]),
                sum(launch.others for launch in runs),
            )
        )
    for size in sizes:
        # Each round's launch against that round's empty one: the machine's load cancels.
        pairs = list(zip(launches[size.key], launches["empty"], strict=True))
        rows.append(
            (
                f"ratio {size.key} / empty (median of rounds)",
                statistics.median(full.start_up / empty.start_up for full, empty in pairs),
                "",
                statistics.median(full.second / empty.second for full, empty in pairs),
                statistics.median(full.rss_mb / empty.rss_mb for full, empty in pairs),
                statistics.median(full.peak_mb / empty.peak_mb for full, empty in pairs),
                "",
                "",
            )
        )
    first, biggest = launches[sizes[0].key], launches[sizes[-1].key]
    return Result(
        name="scale",
        title="Scale: `panelbot run` start-up and memory (databases "
        + ", ".join(f"{key} {mb:,.0f} MB" for key, mb in sizes_mb.items())
        + ")",
        header=(
            "database",
            "start-up s",
            "range",
            "next answer s",
            "RSS MB",
            "peak RSS MB",
            "range",
            "other sends",
        ),
        rows=rows,
        figures=figures,
        targets=[
            Target(
                f"start-up at {sizes[0].key} under {START_UP_TARGET:g} s",
                statistics.median(launch.start_up for launch in first) < START_UP_TARGET,
            ),
            Target(
                f"start-up at {sizes[0].key} at most {START_UP_100K_TARGET:g} s (as it was)",
                statistics.median(launch.start_up for launch in first) <= START_UP_100K_TARGET,
            ),
            Target(
                f"memory at {sizes[0].key} under {MEMORY_TARGET_MB:g} MB",
                max(launch.peak_mb for launch in first) < MEMORY_TARGET_MB,
            ),
            Target(
                f"RSS after the first answer at {sizes[0].key} at most {RSS_100K_TARGET_MB:g} MB",
                max(launch.rss_mb for launch in first) <= RSS_100K_TARGET_MB,
            ),
            Target(
                f"peak at {sizes[0].key} at most {PEAK_100K_TARGET_MB:g} MB",
                max(launch.peak_mb for launch in first) <= PEAK_100K_TARGET_MB,
            ),
            Target(
                f"peak at {sizes[-1].key} under {PEAK_300K_TARGET_MB:g} MB",
                max(launch.peak_mb for launch in biggest) < PEAK_300K_TARGET_MB,
            ),
        ],
        notes=[
            "start-up: from launching the process to the stand-in receiving its answer to "
            "a waiting /help; next answer: a second /help sent then; peak: the highest RSS "
            f"until {SETTLE_SECONDS:g} s after that; other sends: messages to anyone else "
            "(none expected: calendars count as sent, reminders are weeks away)",
            f"{rounds} rounds, each launching every database once, in turn, from a fresh "
            "copy of the seeded file; figures are medians, with the range; memory targets "
            "are held by the worst round",
        ],
    )
