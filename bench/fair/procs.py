"""The benchmark's child processes: started tied to this one, stopped on the way out, and
their CPU time read from /proc."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ROOT = Path(__file__).resolve().parent.parent.parent  # so that children find `bench`
STOP_WITHIN = 10.0  # seconds a child has to stop on SIGTERM before it is killed


def parse_cpu_ticks(stat: str) -> int:
    """utime + stime, in clock ticks, from the text of /proc/<pid>/stat. The command name
    (field 2) is in parentheses and may hold spaces and parentheses itself, so the fields
    are counted from the last ")"; utime and stime are fields 14 and 15."""
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used so far, all its threads together."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    return parse_cpu_ticks(stat) / CLOCK_TICKS


@dataclass
class Child:
    name: str
    process: asyncio.subprocess.Process
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.returncode is None

    def tail(self, characters: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-characters:]
        except OSError:
            return ""


class Children:
    """Every process started here is stopped when the `async with` ends, whatever ended it;
    and each dies with this process should it end without running that (see bench.fair.tied)."""

    def __init__(self) -> None:
        self.started: list[Child] = []

    async def start(
        self,
        name: str,
        command: Sequence[str],
        *,
        log: Path,
        env: Mapping[str, str] | None = None,
        stdout_pipe: bool = False,
    ) -> Child:
        tied = [sys.executable, "-m", "bench.fair.tied", str(os.getpid()), *command]
        environment = dict(os.environ if env is None else env)
        environment["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT), environment.get("PYTHONPATH", "")) if p
        )
        with log.open("ab") as output:
            process = await asyncio.create_subprocess_exec(
                *tied,
                env=environment,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE if stdout_pipe else output,
                stderr=output,
            )
        child = Child(name, process, log)
        self.started.append(child)
        return child

    async def stop(self, child: Child) -> None:
        if child.alive():
            with contextlib.suppress(ProcessLookupError):
                child.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(child.process.wait(), STOP_WITHIN)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    child.process.kill()
                await child.process.wait()

    async def stop_all(self) -> None:
        try:
            for child in reversed(self.started):
                await self.stop(child)
        finally:
            # Even when the stop itself was cancelled or failed: nothing may be left running.
            for child in self.started:
                if child.alive():
                    with contextlib.suppress(ProcessLookupError):
                        child.process.kill()

    async def __aenter__(self) -> Children:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.stop_all()
