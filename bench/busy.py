"""Another program keeping every core busy while a benchmark runs: one process per core, each
spinning in a Python loop, started before and killed after, whatever happens in between.

Each spinner also ends by itself when the benchmark's process is gone (killed with -9, say),
so none is ever left behind spinning.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from bench.fair.procs import cpu_seconds

# Spins, and looks up every few million turns whether its parent (named by the benchmark, as
# it may be gone before this has even started) is still there.
SPIN = """
import os, sys
parent = int(sys.argv[1])
while os.getppid() == parent:
    for _ in range(2_000_000):
        pass
"""


@dataclass
class Busy:
    """The spinners of one `busy_cores` block, and the CPU they had (when it has ended)."""

    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    began: float = 0.0
    cores_used: float = 0.0  # CPU seconds the spinners had, a second of the block


@contextmanager
def busy_cores(count: int | None = None) -> Iterator[Busy]:
    """`count` spinners (one a core by default) for as long as the block lasts."""
    busy = Busy()
    try:
        for _ in range(count or os.cpu_count() or 2):
            busy.processes.append(subprocess.Popen([sys.executable, "-c", SPIN, str(os.getpid())]))
        busy.began = time.perf_counter()
        yield busy
        elapsed = time.perf_counter() - busy.began
        used = sum(cpu_seconds(process.pid) for process in busy.processes)
        busy.cores_used = used / elapsed if elapsed > 0 else 0.0
    finally:
        for process in busy.processes:
            process.kill()
        for process in busy.processes:
            process.wait()
