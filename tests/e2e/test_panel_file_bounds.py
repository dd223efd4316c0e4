"""`panelbot panel check` on a hostile or broken panel file: one line, a non-zero exit, in a
moment, within a bounded amount of memory."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.panelfile.loading import MAX_BYTES
from tests.unit.test_panelfile_bounds import TEXT, alias_bomb, deep_nesting

FILES = {
    "alias-bomb": alias_bomb(),
    "deep": deep_nesting(20_000),
    "surrogate": TEXT.replace("title: Help choose who runs Ashbridge day services",
                              'title: "Help choose \\ud800 who runs"', 1),
    "bidi": TEXT.replace("  - Larkfield Recovery Partnership", '  - "\\u202eLarkfield"', 1),
    "huge": TEXT + "#" * MAX_BYTES + "\n",
}  # fmt: skip
MEMORY = 1024**3


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@pytest.mark.parametrize("name", list(FILES))
def test_panel_check_gives_one_line_and_fails_quickly(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(FILES[name], encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PANELBOT_", "TELEGRAM_"))}
    began = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "panel", "check", str(path)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=30, check=False,
        preexec_fn=_bounded,
    )  # fmt: skip
    assert time.monotonic() - began < 10
    assert result.returncode == 1, result.stderr[-500:]
    assert "Traceback" not in result.stderr
    [line] = result.stdout.strip().splitlines()
    assert line.startswith(f"{path}")
