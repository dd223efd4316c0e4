"""Shared output for the benchmarks: a result, its table on the terminal and its JSON file."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Target:
    """One goal from the issue and whether this run met it."""

    what: str
    met: bool


@dataclass
class Result:
    name: str
    title: str
    header: tuple[str, ...]
    rows: list[tuple[object, ...]]
    figures: dict[str, Any]
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def format_table(result: Result) -> str:
    cells = [tuple(_cell(v) for v in row) for row in [result.header, *result.rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(result.header))]
    lines = [f"== {result.title}"]
    for number, row in enumerate(cells):
        lines.append(
            "  ".join(
                text.ljust(width) if i == 0 else text.rjust(width)
                for i, (text, width) in enumerate(zip(row, widths, strict=True))
            )
        )
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    lines.extend(f"target: {t.what}: {'met' if t.met else 'MISSED'}" for t in result.targets)
    lines.extend(f"note: {note}" for note in result.notes)
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kib = next(
        (
            int(line.split()[1])
            for line in _read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": os.getloadavg(),
        "git_commit": _git_commit(),
    }


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""


def _git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=RESULTS.parent,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip() or None


def save(result: Result) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{result.name}.json"
    document = {
        "benchmark": result.name,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "figures": result.figures,
        "targets": {t.what: t.met for t in result.targets},
        "notes": result.notes,
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path
