"""The example panel ships with panelbot: it is in the wheel, beside the stand-in Bot API the
sandbox runs on, and `panelbot panel example` prints it, needing no checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path

from bot.examples import TIMEZONE
from bot.panelfile import parse_panel_text
from tests.conftest import EXAMPLE_PANEL, ROOT
from tests.e2e.test_config_and_cli import run_cli

SOURCES = ("pyproject.toml", "README.md", "bot", "messages", "scheduler")


def test_the_wheel_holds_the_example_and_the_stand_in(tmp_path: Path) -> None:
    # A copy, so the build's own folders never land in the checkout.
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(ROOT / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
         str(source)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("panelbot-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        template = archive.read("bot/examples/panel.yaml.j2").decode("utf-8")
    assert template == (ROOT / "bot" / "examples" / "panel.yaml.j2").read_text(encoding="utf-8")
    assert {"bot/examples/__init__.py", "bot/standin/api.py", "bot/standin/harness.py",
            "bot/sandbox/chat.py"} <= names


def test_panel_example_prints_a_panel_file_that_passes_the_check(tmp_path: Path) -> None:
    printed = run_cli("panel", "example", env={}, cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    spec = parse_panel_text(printed.stdout, default_timezone="UTC")
    # The child's today, wherever its clock is: at most a day from ours.
    assert spec.closes.astimezone(TIMEZONE).date() > date.today() + timedelta(weeks=6)
    saved = tmp_path / "my-panel.yaml"
    saved.write_text(printed.stdout, encoding="utf-8")
    checked = run_cli("panel", "check", str(saved), env={}, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.strip() == f"{saved}: OK ({spec.code}, 6 sessions)"


def test_panel_example_on_the_tests_day_is_the_fixture(tmp_path: Path) -> None:
    printed = run_cli("panel", "example", "--today", "2027-01-11", env={}, cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == EXAMPLE_PANEL.read_text(encoding="utf-8")
