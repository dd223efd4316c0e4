"""`panelbot coordinator add ID | remove ID | list` and `panelbot audit`.

Coordinators come from PANELBOT_COORDINATORS plus those added here. Rights take effect at
once (they are checked on every command and press); the coordinator's command menu in
Telegram appears at the bot's next start.
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.clock import SystemClock
from bot.config import Settings
from bot.store import coordinator_reach, coordinators
from bot.store.db import Database

COMMANDS = ("coordinator", "audit")


def add_commands(commands: Any) -> None:
    """Add the subcommands to `panelbot`'s argparse subparsers."""
    coordinator = commands.add_parser("coordinator", help="add, remove or list coordinators")
    actions = coordinator.add_subparsers(dest="coordinator_command", required=True)
    for name, text in (
        ("add", "let this Telegram user id act as a coordinator"),
        ("remove", "take coordinator rights away from this Telegram user id"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("telegram_id", type=_user_id)
    actions.add_parser("list", help="list every coordinator and where their rights come from")
    audit = commands.add_parser("audit", help="print what coordinators did, oldest first")
    audit.add_argument("--panel", metavar="CODE", help="only this panel")
    audit.add_argument("--last", metavar="N", type=int, help="only the newest N entries")


def _user_id(text: str) -> int:
    if not text.isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a Telegram user id (digits only)")
    return int(text)


async def run(settings: Settings, args: argparse.Namespace) -> int:
    db = await Database.open(settings.database)
    try:
        if args.command == "audit":
            return await _audit(db, args.panel, args.last)
        return await _coordinator(
            db, settings, args.coordinator_command, getattr(args, "telegram_id", None)
        )
    finally:
        await db.close()


async def _coordinator(db: Database, settings: Settings, action: str, user_id: int | None) -> int:
    async with db.transaction() as tx:
        if action == "list":
            listed = await coordinators.listed(tx)
            reach = await coordinator_reach.everyone(tx)
            for telegram_id in sorted(settings.coordinators | set(listed)):
                where = []
                if telegram_id in settings.coordinators:
                    where.append("PANELBOT_COORDINATORS")
                if telegram_id in listed:
                    where.append("panelbot coordinator add")
                print(f"{telegram_id}  ({', '.join(where)}){_reach_note(reach.get(telegram_id))}")
            if not settings.coordinators and not listed:
                print("No coordinators yet. Add one with: panelbot coordinator add ID")
            return 0
        assert user_id is not None
        if action == "add":
            added = await coordinators.add(tx, user_id, SystemClock().now())
            print(
                f"{user_id} {'is now' if added else 'was already'} a coordinator. "
                "Their command menu appears when the bot next starts."
            )
            return 0
        removed = await coordinators.remove(tx, user_id)
    if user_id in settings.coordinators:
        print(f"{user_id} is in PANELBOT_COORDINATORS: remove it there and restart the bot.")
        return 1
    print(f"{user_id} {'is no longer' if removed else 'was not'} a coordinator.")
    return 0 if removed else 1


def _reach_note(reach: coordinator_reach.Reach | None) -> str:
    if reach is None or not reach.unreached:
        return ""
    if reach.missed == "blocked":
        return "  blocked the bot, so gets no notices"
    return "  has not opened the bot yet, so gets no notices"


async def _audit(db: Database, panel: str | None, last: int | None) -> int:
    async with db.transaction() as tx:
        entries = await coordinators.audit_entries(tx, panel_code=panel, limit=last)
    for entry in entries:
        person = f"volunteer {entry.volunteer_id}" if entry.volunteer_id is not None else "-"
        print(
            f"{entry.at:%Y-%m-%d %H:%M:%S}Z  coordinator {entry.coordinator_id}  {entry.action}  "
            f"{entry.panel_code or '-'}  {person}  {entry.detail}".rstrip()
        )
    if not entries:
        print("Nothing in the audit log yet.")
    return 0
