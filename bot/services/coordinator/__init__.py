"""The coordinator's use cases, behind one service the chat handlers call.

Rights are checked inside each use case's own transaction, on every command, press and
typed message. A method returns None when the person is not a coordinator (or, for a
command volunteers have too, when the volunteer's version is meant): the caller then
answers exactly as it would anyone else, so nothing hints that coordinator commands exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from bot.context import AppContext, Person
from bot.model import Panel
from bot.replies import Outcome, Reply, rows
from bot.services.coordinator import broadcast, questions, reports, roster, session_changes
from bot.services.coordinator.base import CoordCtx, kbutton, number, out_of_date, parse, say
from bot.store import coordinators, volunteers
from bot.store.rights import is_coordinator
from messages import render

log = logging.getLogger(__name__)

# Commands that take a panel's code; without one, the coordinator picks a panel.
PANEL_COMMANDS = (
    "roster",
    "needs",
    "availability",
    "broadcast",
    "reschedule",
    "cancelsession",
    "close",
    "export",
)
COMMANDS = ("panels", *PANEL_COMMANDS, "questions", "help", "cancel")

StartBroadcast = Callable[[int], object]


class CoordinatorService:
    def __init__(self, app: AppContext, *, start_broadcast: StartBroadcast | None = None) -> None:
        self.app = app
        self.start_broadcast = start_broadcast

    # --- commands ---------------------------------------------------------------------------

    async def command(self, person: Person, name: str, args: Sequence[str]) -> Outcome | None:
        async with self.app.db.transaction() as tx:
            if not await is_coordinator(tx, self.app.settings, person.telegram_id):
                return None
            c = CoordCtx(self.app, tx, person, self.app.clock.now())
            if (
                name in ("needs", "availability")
                and not args
                and (await volunteers.by_telegram_id(tx, person.telegram_id) is not None)
            ):
                return None  # a coordinator who also volunteers, asking about their own
            stopped = await coordinators.clear_input(tx, person.telegram_id)
            if name == "cancel":
                return Outcome([say("input_cancelled")]) if stopped else None
            if name == "help":
                return Outcome([say("help")])
            if name == "panels":
                return await roster.overview(c)
            if name == "questions":
                return await questions.recent(c)
            if name not in PANEL_COMMANDS:
                return None
            if not args:
                return await self._pick_panel(c, name)
            panel = await c.panel_by_code(args[0])
            if panel is None:
                unknown = say("unknown_panel", code=args[0][:64])
                return Outcome([unknown]).extend(await self._pick_panel(c, name))
            return await self._panel_command(c, name, panel)

    async def _pick_panel(self, c: CoordCtx, name: str) -> Outcome:
        found = await c.all_panels()
        if not found:
            return Outcome([say("no_panels")])
        buttons = [kbutton("pick_panel", "pick", name, p.id, code=p.code) for p in found]
        return Outcome([Reply(render("coordinator/pick_panel", command=name), rows(*buttons))])

    async def _panel_command(self, c: CoordCtx, name: str, panel: Panel) -> Outcome:
        if name == "roster":
            return await roster.roster(c, panel)
        if name == "needs":
            return await reports.needs(c, panel)
        if name == "availability":
            return await reports.availability(c, panel)
        if name == "broadcast":
            return await broadcast.begin(c, panel)
        if name == "reschedule":
            return await session_changes.choose_session(c, panel, "rs")
        if name == "cancelsession":
            return await session_changes.choose_session(c, panel, "cs")
        if name == "close":
            return await roster.ask_close(c, panel)
        return await reports.export(c, panel)

    # --- buttons ------------------------------------------------------------------------------

    async def button(self, person: Person, data: str, message_id: int | None) -> Outcome | None:
        parts = parse(data)
        started: int | None = None
        async with self.app.db.transaction() as tx:
            if not await is_coordinator(tx, self.app.settings, person.telegram_id):
                return None
            if parts is None:
                return out_of_date()
            c = CoordCtx(self.app, tx, person, self.app.clock.now())
            if parts[0] == "bcsend" and len(parts) == 2 and (found := number(parts[1])):
                outcome, started = await broadcast.send(c, found, message_id)
            else:
                outcome = await self._press(c, parts[0], parts[1:])
        if started is not None and self.start_broadcast is not None:
            self.start_broadcast(started)
        return outcome

    async def _press(self, c: CoordCtx, action: str, args: list[str]) -> Outcome:
        if action == "pick" and len(args) == 2 and args[0] in PANEL_COMMANDS:
            panel = await c.panel(number(args[1]) or 0)
            return out_of_date() if panel is None else await self._panel_command(c, args[0], panel)
        if action == "sess" and len(args) == 2 and (session_id := number(args[1])):
            return await session_changes.session_chosen(c, args[0], session_id)
        ids = [number(a) for a in args]
        first = ids[0] if ids else None
        if first is None:
            return out_of_date()
        if action == "person" and len(args) == 1:
            return await roster.person(c, first)
        if action == "set" and len(args) == 3:
            return await roster.set_status(c, first, args[1], args[2])
        if action == "aud" and len(args) == 2:
            return await broadcast.choose(c, first, args[1])
        if action == "bcstop" and len(args) == 1:
            return await broadcast.stop(c, first)
        if action == "rsw" and len(args) == 2:
            return await session_changes.ask_new(c, first, args[1])
        if action == "chg" and len(args) == 2:
            return await session_changes.decide(c, first, args[1])
        if action == "reply" and len(args) == 1:
            return await questions.start_reply(c, first)
        return await self._panel_press(c, action, first, args[1:])

    async def _panel_press(
        self, c: CoordCtx, action: str, panel_id: int, rest: list[str]
    ) -> Outcome:
        panel = await c.panel(panel_id)
        if panel is None:
            return out_of_date()
        if action == "roster" and len(rest) == 1 and (page := number(rest[0])) is not None:
            return await roster.roster(c, panel, page, edit=True)
        if action == "propose" and not rest:
            return await roster.propose(c, panel)
        if action == "accept" and len(rest) == 1:
            return await roster.accept(c, panel, rest[0])
        if action == "declinerest" and len(rest) == 1:
            return await roster.decline_rest(c, panel, rest[0])
        if action == "close" and len(rest) == 1:
            return await roster.close(c, panel, rest[0])
        return out_of_date()

    # --- typed text ---------------------------------------------------------------------------

    async def text(self, person: Person, typed: str) -> Outcome | None:
        """What a coordinator types while the bot waits for it; None if it is not waiting."""
        async with self.app.db.transaction() as tx:
            if not await is_coordinator(tx, self.app.settings, person.telegram_id):
                return None
            pending = await coordinators.pending_input(tx, person.telegram_id)
            if pending is None:
                return None
            c = CoordCtx(self.app, tx, person, self.app.clock.now())
            return await self._typed(c, pending.kind, pending.data, typed)

    async def _typed(self, c: CoordCtx, kind: str, data: dict[str, Any], typed: str) -> Outcome:
        if kind == broadcast.INPUT:
            return await broadcast.typed(c, data, typed)
        if kind == questions.INPUT:
            return await questions.typed(c, data, typed)
        if kind in (session_changes.TIME_INPUT, session_changes.VENUE_INPUT):
            return await session_changes.typed(c, kind, data, typed)
        await coordinators.clear_input(c.tx, c.person.telegram_id)
        return out_of_date()


__all__ = ["COMMANDS", "PANEL_COMMANDS", "CoordinatorService"]
