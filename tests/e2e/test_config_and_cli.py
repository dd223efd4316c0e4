"""Settings are checked once; a bad one stops start-up with one line naming it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from tests.conftest import ROOT

GOOD_TOKEN = "123:test-token-not-a-real-one"


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "not a token"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": GOOD_TOKEN, "PANELBOT_TIMEZONE": "Mars/Olympus"},
         "PANELBOT_TIMEZONE"),
        ({"TELEGRAM_BOT_TOKEN": GOOD_TOKEN, "PANELBOT_COORDINATORS": "12,abc"},
         "PANELBOT_COORDINATORS"),
        ({"TELEGRAM_BOT_TOKEN": GOOD_TOKEN, "PANELBOT_API_URL": "ftp://x"}, "PANELBOT_API_URL"),
        ({"TELEGRAM_BOT_TOKEN": GOOD_TOKEN, "PANELBOT_REMINDERS": "7d,soon"},
         "PANELBOT_REMINDERS"),
        ({"TELEGRAM_BOT_TOKEN": GOOD_TOKEN, "PANELBOT_QUIET_HOURS": "25:00-08:00"},
         "PANELBOT_QUIET_HOURS"),
        ({"TELEGRAM_BOT_TOKEN": GOOD_TOKEN, "PANELBOT_RETENTION": "forever"},
         "PANELBOT_RETENTION"),
    ],
)
def test_a_bad_setting_is_named(env: dict[str, str], setting: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(env, require_token=True)
    assert str(raised.value).startswith(f"{setting}:")
    assert "\n" not in str(raised.value)


def test_defaults() -> None:
    settings = load_settings({}, require_token=False)
    assert settings.timezone.key == "Europe/London"
    assert settings.api_url == "https://api.telegram.org/bot"
    assert [int(r.total_seconds() // 3600) for r in settings.reminders] == [168, 24, 2]
    assert settings.database.name == "panelbot.sqlite3"


def test_the_token_never_shows_in_a_repr() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": GOOD_TOKEN}, require_token=True)
    assert GOOD_TOKEN not in repr(settings)


def run_cli(*args: str, env: dict[str, str], cwd: Path, stdin: str | None = None
            ) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("PANELBOT_", "TELEGRAM_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env={**clean, **env}, cwd=cwd,
        capture_output=True, text=True, input=stdin, timeout=60, check=False,
    )


def test_run_without_a_token_stops_with_one_line(tmp_path: Path) -> None:
    result = run_cli("run", env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "panelbot: TELEGRAM_BOT_TOKEN: is not set (ask @BotFather for one)"
    ]
    assert "Traceback" not in result.stderr


def test_panel_check_lists_every_problem_with_its_line(tmp_path: Path) -> None:
    result = run_cli("panel", "check", str(ROOT / "examples" / "panel-with-errors.yaml"),
                     env={}, cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) > 3
    assert all(re.match(r"^\S*panel-with-errors\.yaml:\d+: \S+: ", line) for line in lines)


def test_panel_import_prints_the_deep_link_and_updates_in_place(tmp_path: Path) -> None:
    env = {"PANELBOT_DATABASE": str(tmp_path / "p.sqlite3"),
           "PANELBOT_BOT_USERNAME": "ashbridge_panels_bot"}
    first = run_cli("panel", "import", str(ROOT / "examples" / "panel.yaml"), env=env,
                    cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Created panel ashbridge-day-2027" in first.stdout
    assert "https://t.me/ashbridge_panels_bot?start=ashbridge-day-2027" in first.stdout
    moved = tmp_path / "moved.yaml"
    moved.write_text((ROOT / "examples" / "panel.yaml").read_text(encoding="utf-8")
                     .replace("2027-03-09 11:00", "2027-03-09 12:00"), encoding="utf-8")
    second = run_cli("panel", "import", str(moved), env=env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "Updated panel ashbridge-day-2027" in second.stdout
    assert "session briefing" in second.stdout


def test_scripted_sandbox_walkthrough_signs_up(tmp_path: Path) -> None:
    script = (ROOT / "examples" / "walkthrough.txt").read_text(encoding="utf-8")
    result = run_cli("sandbox", env={}, cwd=tmp_path, stdin=script)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "You have signed up for the Ashbridge day services panel" in result.stdout
    assert "You have signed up. We will tell you soon if you have a place." in result.stdout
