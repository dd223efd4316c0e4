"""The `panelbot` command: run, sandbox, panel check / import."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from dotenv import load_dotenv

from bot import coordinator_cli
from bot.clock import SystemClock
from bot.config import Settings, SettingsError, load_settings
from bot.context import AppContext
from bot.panelfile import PanelFileError
from bot.services.coordinator import panel_admin
from bot.store.db import Database

EXAMPLE_PANEL = Path(__file__).resolve().parent.parent / "examples" / "panel.yaml"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="panelbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot against Telegram (long polling)")
    sandbox = commands.add_parser("sandbox", help="chat with the bot here, with no token")
    sandbox.add_argument("--as", dest="role", choices=["volunteer", "coordinator"],
                         default="volunteer", help="who you are in the chat")
    sandbox.add_argument("--panel", type=Path, default=EXAMPLE_PANEL,
                         help="panel file to load (default: the example)")
    sandbox.add_argument("--database", type=Path, default=None,
                         help="keep the sandbox's data in this file (default: a temporary one)")
    panel = commands.add_parser("panel", help="check or import a panel file")
    panel_commands = panel.add_subparsers(dest="panel_command", required=True)
    for name, text in (("check", "list every problem in a panel file"),
                       ("import", "create or update a panel from its file")):
        sub = panel_commands.add_parser(name, help=text)
        sub.add_argument("file", type=Path)
    coordinator_cli.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    load_dotenv(override=False)
    quiet = args.command in ("sandbox", "panel", *coordinator_cli.COMMANDS)
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL, and the URL carries the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = load_settings(require_token=args.command == "run")
    except SettingsError as error:
        print(f"panelbot: {error}", file=sys.stderr)
        return 2
    if args.command == "run":
        from bot.runner import run
        return asyncio.run(run(settings))
    if args.command == "sandbox":
        from bot.sandbox.chat import run_sandbox
        return asyncio.run(run_sandbox(settings, role=args.role, panel_file=args.panel,
                                       database=args.database))
    if args.command in coordinator_cli.COMMANDS:
        return asyncio.run(coordinator_cli.run(settings, args))
    return asyncio.run(_panel_command(settings, args.panel_command, args.file))


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
        print("The running bot shows coordinators each change; people are told only after one "
              "of them presses Send.")
    print(f"Sign-up link: {panel_admin.deep_link(settings.bot_username, imported.spec.code)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
