"""`panelbot coordinator add ID [--panel CODE --role owner|helper] | remove ID [--panel CODE] |
list` and `panelbot audit`.

Coordinators come from PANELBOT_COORDINATORS plus those added here (bot/store/rights.py says
what each may see). Rights take effect at
once (they are checked on every command and press); the coordinator's command menu in
Telegram appears at the bot's next start.
"""

from __future__ import annotations

import argparse
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import SystemClock
from bot.config import Settings
from bot.store import coordinator_reach, coordinators, panels
from bot.store.db import Database
from bot.store.rights import ROLES, rights_of
from bot.store.tx import Tx

COMMANDS = ("coordinator", "audit")


def add_commands(commands: Any) -> None:
    """Add the subcommands to `panelbot`'s argparse subparsers."""
    coordinator = commands.add_parser(
        "coordinator",
        help="add, remove or list coordinators",
        description=(
            "A coordinator added without --panel (and everyone in PANELBOT_COORDINATORS) owns "
            "every panel. With --panel CODE they see only the panels they are given: as an "
            "owner (everything) or a helper (the roster, decisions and messages; never "
            "support needs, no /needs, no /export, no attendance CSV). To them other panels "
            "do not exist."
        ),
    )
    actions = coordinator.add_subparsers(dest="coordinator_command", required=True)
    add = actions.add_parser(
        "add", help="let this Telegram user id act as a coordinator, of every panel or of one"
    )
    add.add_argument("telegram_id", type=_user_id)
    add.add_argument("--panel", metavar="CODE", help="only this panel (add again for another)")
    add.add_argument(
        "--role",
        choices=ROLES,
        help="with --panel: owner sees everything, helper sees no health data (default owner)",
    )
    remove = actions.add_parser(
        "remove", help="take coordinator rights away from this Telegram user id"
    )
    remove.add_argument("telegram_id", type=_user_id)
    remove.add_argument("--panel", metavar="CODE", help="only for this panel")
    actions.add_parser("list", help="list every coordinator, their panels and roles")
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
        async with db.transaction() as tx:
            if args.coordinator_command == "list":
                return await _list(tx, settings)
            if args.coordinator_command == "add":
                return await _add(tx, args.telegram_id, args.panel, args.role)
            return await _remove(tx, settings, args.telegram_id, args.panel)
    finally:
        await db.close()


async def _list(tx: Tx, settings: Settings) -> int:
    listed = await coordinators.listed(tx)
    reach = await coordinator_reach.everyone(tx)
    codes = {p.id: p.code for p in await panels.list_all(tx, settings.timezone)}
    for telegram_id in sorted(settings.coordinators | set(listed)):
        where = []
        if telegram_id in settings.coordinators:
            where.append("PANELBOT_COORDINATORS")
        if telegram_id in listed:
            where.append("panelbot coordinator add")
        rights = await rights_of(tx, settings, telegram_id)
        if rights is None or rights.every_panel:
            panels_text = "owner of every panel"
        else:
            panels_text = ", ".join(
                sorted(f"{codes.get(i, i)} ({role})" for i, role in rights.roles.items())
            )
        note = _reach_note(reach.get(telegram_id))
        print(f"{telegram_id}  {panels_text}  ({', '.join(where)}){note}")
    if not settings.coordinators and not listed:
        print("No coordinators yet. Add one with: panelbot coordinator add ID")
    return 0


async def _add(tx: Tx, user_id: int, code: str | None, role: str | None) -> int:
    menu = "Their command menu appears when the bot next starts."
    if code is None and role is not None:
        print("--role goes with --panel CODE: without a panel they own every panel.")
        return 1
    if code is None:
        added = await coordinators.add(tx, user_id, SystemClock().now())
        print(
            f"{user_id} {'is now' if added else 'was already'} a coordinator, owner of every "
            f"panel. {menu}"
        )
        return 0
    panel = await panels.get_by_code(tx, code, ZoneInfo("UTC"))
    if panel is None:
        print(f"There is no panel with the code {code!r}. Nothing was changed.")
        return 1
    role = role or "owner"
    if not await coordinators.add_to_panel(tx, user_id, panel.id, role, SystemClock().now()):
        print(
            f"{user_id} already owns every panel. To give them only some, first "
            f"`panelbot coordinator remove {user_id}`, then add each panel."
        )
        return 1
    print(f"{user_id} is now a coordinator, {role} of {panel.code}. {menu}")
    return 0


async def _remove(tx: Tx, settings: Settings, user_id: int, code: str | None) -> int:
    if user_id in settings.coordinators:
        print(f"{user_id} is in PANELBOT_COORDINATORS: remove it there and restart the bot.")
        return 1
    if code is None:
        removed = await coordinators.remove(tx, user_id)
        print(f"{user_id} {'is no longer' if removed else 'was not'} a coordinator.")
        return 0 if removed else 1
    panel = await panels.get_by_code(tx, code, ZoneInfo("UTC"))
    if panel is None:
        print(f"There is no panel with the code {code!r}. Nothing was changed.")
        return 1
    if await coordinators.owns_every_panel(tx, user_id):
        print(
            f"{user_id} owns every panel. To give them only some, first "
            f"`panelbot coordinator remove {user_id}`, then add each panel."
        )
        return 1
    if not await coordinators.remove_from_panel(tx, user_id, panel.id):
        print(f"{user_id} had no rights to {panel.code}.")
        return 1
    left = await coordinators.is_listed(tx, user_id)
    print(
        f"{user_id} no longer has rights to {panel.code}."
        + ("" if left else " With no panel left, they are no longer a coordinator.")
    )
    return 0


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
