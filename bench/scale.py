"""Scale: start-up time and memory of `panelbot run` with a big database, against an empty one.

The bot runs as a separate process (so its memory is its own), pointed at a stand-in Bot
API served here. An update waits at the stand-in before the process starts; start-up time
is from launching the process until the stand-in receives the bot's answer to it.
Memory is the process's resident set: right after that answer, and the peak over a few
more seconds of running (the scheduler's first pass included).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import seed
from bench.common import TOKEN
from bench.report import Result, Target
from bot.clock import SystemClock
from bot.standin.api import FakeBotApi, FakeUser

PANELS = 1_000
VOLUNTEERS = 100_000
REMINDERS = 20_000
OFFSETS = "7d,1d,2h"
SETTLE_SECONDS = 3.0
ANSWER_WITHIN = 120.0
START_UP_TARGET = 3.0
MEMORY_TARGET_MB = 250.0
PERSON = FakeUser(42, "Ada")
# The installed `panelbot` command, or the same entry point through this interpreter.
_SCRIPT = Path(sys.executable).with_name("panelbot")
PANELBOT = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "bot.cli"]


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


async def run(
    volunteers: int = VOLUNTEERS, panels: int = PANELS, reminders: int = REMINDERS
) -> Result:
    with tempfile.TemporaryDirectory(prefix="panelbot-bench-") as name:
        folder = Path(name)
        empty_db, full_db = folder / "empty.sqlite3", folder / "full.sqlite3"
        await seed.migrate(empty_db)
        await seed.migrate(full_db)
        began = time.perf_counter()
        seeded = seed.seed(
            full_db,
            panels=panels,
            volunteers=volunteers,
            min_reminders=reminders,
            offsets=len(OFFSETS.split(",")),
            now=SystemClock().now(),
        )
        seeding = time.perf_counter() - began
        size_mb = full_db.stat().st_size / 1024 / 1024
        try:
            empty = await _launch(empty_db, folder / "empty.log")
            full = await _launch(full_db, folder / "full.log")
        except RuntimeError:
            _show_logs(folder)
            raise
    figures: dict[str, object] = {
        "seeded": seeded.__dict__,
        "seeding_s": round(seeding, 2),
        "database_mb": round(size_mb, 1),
    }
    rows: list[tuple[object, ...]] = []
    for label, key, launch in (
        ("empty database", "empty", empty),
        (
            f"{volunteers:,} volunteers, {panels:,} panels, {seeded.pending_reminders:,} reminders",
            "full",
            full,
        ),
    ):
        figures[key] = {
            "start_up_s": round(launch.start_up, 3),
            "second_answer_s": round(launch.second, 3),
            "rss_mb": round(launch.rss_mb, 1),
            "peak_rss_mb": round(launch.peak_mb, 1),
            "other_messages_sent": launch.others,
        }
        rows.append(
            (label, launch.start_up, launch.second, launch.rss_mb, launch.peak_mb, launch.others)
        )
    rows.append(
        (
            "ratio full / empty",
            full.start_up / empty.start_up,
            full.second / empty.second,
            full.rss_mb / empty.rss_mb,
            full.peak_mb / empty.peak_mb,
            "",
        )
    )
    return Result(
        name="scale",
        title=f"Scale: `panelbot run` start-up and memory (database {size_mb:,.0f} MB)",
        header=("database", "start-up s", "next answer s", "RSS MB", "peak RSS MB", "other sends"),
        rows=rows,
        figures=figures,
        targets=[
            Target(f"start-up under {START_UP_TARGET:g} s", full.start_up < START_UP_TARGET),
            Target(f"memory under {MEMORY_TARGET_MB:g} MB", full.peak_mb < MEMORY_TARGET_MB),
        ],
        notes=[
            "start-up: from launching the process to the stand-in receiving its answer to "
            "a waiting /help; next answer: a second /help sent then; peak: the highest RSS "
            f"until {SETTLE_SECONDS:g} s after that; other sends: messages to anyone else "
            "(none expected: calendars count as sent, reminders are weeks away)"
        ],
    )
