"""Start-up that fails says so in one line and exits, within seconds; the token never shows.

Each runs the real `panelbot` command in a child process, as an operator (or a supervisor)
would, with a timeout: a start-up that hangs fails the test.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.standin.api import FakeBotApi
from tests.conftest import EXAMPLE_PANEL, TEST_TOKEN

WITHIN_SECONDS = 15.0  # a locked database waits out SQLite's busy_timeout (5 s) first


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(database: Path, **settings: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PANELBOT_", "TELEGRAM_"))}
    return {
        **clean,
        "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
        "PANELBOT_API_URL": f"http://127.0.0.1:{closed_port()}/bot",
        "PANELBOT_DATABASE": str(database),
        "PTB_TIMEDELTA": "1",
        **settings,
    }


def panelbot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    began = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env=env, cwd=cwd, capture_output=True,
        text=True, timeout=WITHIN_SECONDS, check=False,
    )
    assert time.monotonic() - began < WITHIN_SECONDS
    return result


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line the operator sees; nothing else, no traceback, never the token."""
    output = result.stdout + result.stderr
    assert TEST_TOKEN not in output
    assert TEST_TOKEN.split(":")[1] not in output
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert result.returncode != 0
    return lines[0]


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("PANELBOT_TIMEZONE", "Europe"),
        ("PANELBOT_COORDINATORS", "12,\u0661\u0662\u0663"),  # Arabic-Indic digits
        ("PANELBOT_REMINDERS", "1000000000d"),
        ("PANELBOT_DATABASE", "/no/such/folder/panelbot.sqlite3"),
    ],
)
def test_a_bad_setting_stops_run_with_one_line_naming_it(
    tmp_path: Path, setting: str, value: str
) -> None:
    env = environment(tmp_path / "panelbot.sqlite3", **{setting: value})
    line = one_line(panelbot("run", env=env, cwd=tmp_path))
    assert line.startswith(f"panelbot: {setting}: ")


def test_an_unreachable_api_url_stops_with_one_line(tmp_path: Path) -> None:
    env = environment(tmp_path / "panelbot.sqlite3")
    line = one_line(panelbot("run", env=env, cwd=tmp_path))
    assert line.startswith("panelbot: PANELBOT_API_URL: could not reach http://127.0.0.1:")


async def test_a_rejected_token_is_named_never_shown(tmp_path: Path) -> None:
    async with FakeBotApi(token="42:a-different-token-altogether") as api:
        env = environment(tmp_path / "panelbot.sqlite3", PANELBOT_API_URL=api.base_url)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        async with asyncio.timeout(WITHIN_SECONDS):
            out, err = await process.communicate()
    assert process.returncode is not None
    result = subprocess.CompletedProcess([], process.returncode, out.decode(), err.decode())
    assert one_line(result) == "panelbot: TELEGRAM_BOT_TOKEN was rejected by Telegram"
    assert [name for name, _ in api.requests] == ["getMe"]


# --------------------------------------------------------------------------- bad databases
def corrupt(path: Path) -> None:
    sqlite3.connect(path).executescript("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
    data = bytearray(path.read_bytes())
    data[16:100] = b"\xff" * 84  # the header after its magic string: page size, counts...
    path.write_bytes(bytes(data))


def yaml_file(path: Path) -> None:
    shutil.copy(EXAMPLE_PANEL, path)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "read-only.sqlite3"
    sqlite3.connect(path).executescript("CREATE TABLE t (x);")
    path.chmod(0o444)
    immutable = os.geteuid() == 0 and shutil.which("chattr") is not None
    if immutable:  # root writes to a 0444 file anyway
        subprocess.run(["chattr", "+i", str(path)], check=True)
    yield path
    if immutable:
        subprocess.run(["chattr", "-i", str(path)], check=True)


COMMANDS = [
    ("run",),
    ("panel", "import", str(EXAMPLE_PANEL)),
    ("coordinator", "list"),
    ("coordinator", "add", "12345"),
    ("audit",),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("make", [corrupt, yaml_file], ids=["corrupt", "yaml"])
def test_a_bad_database_stops_each_command_with_one_line(
    tmp_path: Path, command: tuple[str, ...], make: object
) -> None:
    database = tmp_path / "bad.sqlite3"
    assert callable(make)
    make(database)
    line = one_line(panelbot(*command, env=environment(database), cwd=tmp_path))
    assert line == (
        f"panelbot: PANELBOT_DATABASE: {str(database)!r} is not a SQLite database, "
        "or it is damaged"
    )


@pytest.mark.parametrize("command", COMMANDS[:3], ids=lambda c: " ".join(c[:2]))
def test_a_read_only_database_stops_with_one_line(
    tmp_path: Path, read_only: Path, command: tuple[str, ...]
) -> None:
    line = one_line(panelbot(*command, env=environment(read_only), cwd=tmp_path))
    assert line.startswith(f"panelbot: PANELBOT_DATABASE: {str(read_only)!r} cannot be ")


@pytest.mark.parametrize("command", [COMMANDS[0], COMMANDS[2]], ids=["run", "coordinator"])
def test_a_locked_database_stops_with_one_line(tmp_path: Path, command: tuple[str, ...]) -> None:
    database = tmp_path / "locked.sqlite3"
    other = sqlite3.connect(database, isolation_level=None)
    try:
        other.execute("PRAGMA journal_mode=WAL")
        other.execute("CREATE TABLE t (x)")
        other.execute("BEGIN EXCLUSIVE")  # another program is writing, and goes on writing
        line = one_line(panelbot(*command, env=environment(database), cwd=tmp_path))
    finally:
        other.close()
    assert line == f"panelbot: PANELBOT_DATABASE: {str(database)!r} is locked by another program"
