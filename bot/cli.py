"""The `panelbot` command: run, sandbox, panel check / import / example, backup."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from dotenv import load_dotenv

from bot import coordinator_cli
from bot.clock import SystemClock
from bot.config import Settings, SettingsError, load_settings
from bot.context import AppContext
from bot.examples import example_panel, today_in_zone
from bot.panelfile import PanelFileError
from bot.services.coordinator import panel_admin
from bot.store.backup import BackupError, backup
from bot.store.db import Database, DatabaseUnusable


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="panelbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot against Telegram (long polling)")
    sandbox = commands.add_parser("sandbox", help="chat with the bot here, with no token")
    sandbox.add_argument(
        "--as",
        dest="role",
        choices=["volunteer", "coordinator"],
        default="volunteer",
        help="who you are in the chat",
    )
    sandbox.add_argument(
        "--panel",
        type=Path,
        default=None,
        help="panel file to load (default: the example, dated from today)",
    )
    sandbox.add_argument(
        "--clock",
        type=moment,
        default=None,
        metavar="TIME",
        help="start the sandbox clock at this time, like '2027-01-11 10:00' "
        "(in PANELBOT_TIMEZONE unless it has an offset; default: now)",
    )
    sandbox.add_argument(
        "--database",
        type=Path,
        default=None,
        help="keep the sandbox's data in this file (default: a temporary one)",
    )
    panel = commands.add_parser("panel", help="check or import a panel file, or print an example")
    panel_commands = panel.add_subparsers(dest="panel_command", required=True)
    for name, text in (
        ("check", "list every problem in a panel file"),
        ("import", "create or update a panel from its file"),
    ):
        sub = panel_commands.add_parser(name, help=text)
        sub.add_argument("file", type=Path)
    example = panel_commands.add_parser(
        "example", help="print a complete example panel file, its first session weeks ahead"
    )
    example.add_argument(
        "--today",
        type=day,
        default=None,
        metavar="YYYY-MM-DD",
        help="date the example as if today were this day, like 2027-01-11",
    )
    backup = commands.add_parser(
        "backup", help="copy the database to FILE, safely, even while the bot runs"
    )
    backup.add_argument("file", type=Path)
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    coordinator_cli.add_commands(commands)
    return parser


def day(text: str) -> date:
    return date.fromisoformat(text)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    load_dotenv(override=False)
    quiet = args.command in ("sandbox", "panel", "backup", *coordinator_cli.COMMANDS)
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL, and the URL carries the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # APScheduler says at INFO each time a job is added or runs: every minute, and before a
    # failed start-up's one line.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    try:
        settings = load_settings(require_token=args.command == "run")
    except SettingsError as error:
        print(f"panelbot: {error}", file=sys.stderr)
        return 2
    try:
        return _command(args, settings)
    except DatabaseUnusable as error:
        print(f"panelbot: PANELBOT_DATABASE: {str(settings.database)!r} {error}", file=sys.stderr)
        return 1


def _command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        from bot.runner import StartupFailed, run

        try:
            return asyncio.run(run(settings))
        except StartupFailed as error:
            print(f"panelbot: {error}", file=sys.stderr)
            return 1
    if args.command == "sandbox":
        from bot.sandbox.chat import run_sandbox

        start = args.clock
        if start is not None and start.tzinfo is None:
            start = start.replace(tzinfo=settings.timezone)
        return asyncio.run(
            run_sandbox(
                settings, role=args.role, panel_file=args.panel, database=args.database, start=start
            )
        )
    if args.command == "backup":
        return _backup(settings, args.file, overwrite=args.force)
    if args.command in coordinator_cli.COMMANDS:
        return asyncio.run(coordinator_cli.run(settings, args))
    if args.panel_command == "example":
        print(example_panel(args.today or today_in_zone(SystemClock().now())), end="")
        return 0
    return asyncio.run(_panel_command(settings, args.panel_command, args.file))


def _backup(settings: Settings, target: Path, *, overwrite: bool) -> int:
    try:
        size = backup(settings.database, target, overwrite=overwrite)
    except BackupError as error:
        print(f"panelbot backup: {error}", file=sys.stderr)
        return 1
    print(
        f"Backed up {settings.database} to {target} ({size:,} bytes). To restore: stop the "
        "bot, copy the backup over the database file, start the bot."
    )
    return 0


async def _panel_command(settings: Settings, command: str, path: Path) -> int:
    if command == "check":
        try:
            spec = panel_admin.load_panel_file(path, default_timezone=settings.timezone.key)
        except PanelFileError as error:
            print(error)
            return 1
        print(f"{path}: OK ({spec.code}, {len(spec.sessions)} sessions)")
        return 0
    db = await Database.open(settings.database)
    try:
        imported = await panel_admin.import_file(path, AppContext(db, settings, SystemClock()))
    except PanelFileError as error:
        print(error)
        return 1
    finally:
        await db.close()
    verb = "Created" if imported.created else "Updated"
    print(f"{verb} panel {imported.spec.code}: {imported.spec.title}")
    for change in imported.changes:
        after = "cancelled" if change.after is None else change.after.starts_at.isoformat()
        print(f"  session {change.before.key}: {change.before.starts_at.isoformat()} -> {after}")
    if imported.changes:
        print(
            "The running bot shows coordinators each change; people are told only after one "
            "of them presses Send."
        )
    print(f"Sign-up link: {panel_admin.deep_link(settings.bot_username, imported.spec.code)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
