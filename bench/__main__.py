"""Run the benchmarks: `python -m bench` (all) or `python -m bench --only throughput-procs`.

Each prints its table and writes its figures to bench/results/<name>.json. The exit status
is 0 when every benchmark ran, whether or not it met its targets (the tables say).
"""

from __future__ import annotations

import argparse
import asyncio
import time
import traceback
from collections.abc import Callable, Coroutine
from typing import Any

from bench import broadcast, scale, throughput, trips
from bench.fair import throughput as throughput_procs
from bench.report import Result, format_table, save

BENCHMARKS: dict[str, Callable[[], Coroutine[Any, Any, Result]]] = {
    "broadcast": broadcast.run,
    "throughput": throughput.run,
    "throughput-procs": throughput_procs.run,
    "scale": scale.run,
    "trips": trips.run,
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only",
        choices=sorted(BENCHMARKS),
        action="append",
        help="run only this benchmark (may be given more than once)",
    )
    args = parser.parse_args()
    met = total = failed = 0
    for name in args.only or list(BENCHMARKS):
        began = time.perf_counter()
        try:
            result = asyncio.run(BENCHMARKS[name]())
        except Exception:
            traceback.print_exc()
            print(f"({name} failed after {time.perf_counter() - began:.0f} s)\n")
            failed += 1
            continue
        print(format_table(result))
        print(f"({name} took {time.perf_counter() - began:.0f} s; figures in {save(result)})\n")
        met += sum(target.met for target in result.targets)
        total += len(result.targets)
    print(f"targets met: {met} of {total}" + (f"; {failed} benchmark(s) failed" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
