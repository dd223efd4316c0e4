"""The coordinator's use cases, behind one service the chat handlers call.

Rights are checked inside each use case's own transaction, on every command, press and
typed message. A method returns None when the person is not a coordinator (or, for a
command volunteers have too, when the volunteer's version is meant): the caller then
answers exactly as it would anyone else, so nothing hints that coordinator commands exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, get_args

from bot import views
from bot.callbacks import (
    Accept,
    Audience,
    AudienceChosen,
    AudienceSession,
    ChangeDecision,
    ChangeWhat,
    ChooseSession,
    CloseSignups,
    CoordinatorPress,
    DeclineRest,
    HeldDecisions,
    MarkNeed,
    NeedPage,
    OpenPerson,
    PanelCommand,
    PickPanel,
    Propose,
    ReplyTo,
    RosterPage,
    RosterSearch,
    RosterView,
    SendBroadcast,
    SendBroadcastLater,
    SendDecisions,
    SetStatus,
    StopBroadcast,
    TickPerson,
    UndoDecision,
    VenueCopy,
)
from bot.context import AppContext, Person
from bot.model import Panel
from bot.replies import Outcome, Reply, rows
from bot.services.coordinator import (
    broadcast,
    decisions,
    need_marks,
    questions,
    reports,
    roster,
    session_changes,
    venue_copy,
)
from bot.services.coordinator.base import CoordCtx, kbutton, out_of_date, say
from bot.store import coordinator_reach, coordinators, volunteers
from bot.store.rights import rights_of
from messages import render

log = logging.getLogger(__name__)

# Commands that take a panel's code; without one, the coordinator picks a panel.
PANEL_COMMANDS: tuple[PanelCommand, ...] = get_args(PanelCommand)
COMMANDS = ("panels", *PANEL_COMMANDS, "questions", "help", "cancel")
# Health data and copies of it, for a panel's owners only; to a helper the panel is unknown.
OWNER_COMMANDS = ("needs", "export")

StartBroadcast = Callable[[int], object]


class CoordinatorService:
    def __init__(self, app: AppContext, *, start_broadcast: StartBroadcast | None = None) -> None:
        self.app = app
        self.start_broadcast = start_broadcast

    # --- commands ---------------------------------------------------------------------------

    async def command(self, person: Person, name: str, args: Sequence[str]) -> Outcome | None:
        async with self.app.db.transaction() as tx:
            rights = await rights_of(tx, self.app.settings, person.telegram_id)
            if rights is None:
                return None
            await coordinator_reach.wrote(tx, person.telegram_id, self.app.clock.now())
            c = CoordCtx(self.app, tx, person, self.app.clock.now(), rights)
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
            command = next((p for p in PANEL_COMMANDS if p == name), None)
            if command is None:
                return None
            if not args:
                return await self._pick_panel(c, command)
            panel = await c.panel_by_code(args[0])
            if panel is None or not _may(c, command, panel):
                unknown = say("unknown_panel", code=args[0][:64])
                return Outcome([unknown]).extend(await self._pick_panel(c, command))
            return await self._panel_command(c, command, panel)

    async def _pick_panel(self, c: CoordCtx, name: PanelCommand) -> Outcome:
        found = [p for p in await c.all_panels() if _may(c, name, p)]
        if not found:
            return Outcome([say("no_panels")])
        buttons = [kbutton("pick_panel", PickPanel(name, p.id), code=p.code) for p in found]
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

    async def button(
        self, person: Person, pressed: CoordinatorPress, message_id: int | None
    ) -> Outcome | None:
        started: int | None = None
        async with self.app.db.transaction() as tx:
            rights = await rights_of(tx, self.app.settings, person.telegram_id)
            if rights is None:
                return None
            await coordinator_reach.wrote(tx, person.telegram_id, self.app.clock.now())
            c = CoordCtx(self.app, tx, person, self.app.clock.now(), rights)
            if isinstance(pressed, SendBroadcast):
                outcome, started = await broadcast.send(c, pressed.broadcast_id, message_id)
            else:
                outcome = await self._press(c, pressed)
        if started is not None and self.start_broadcast is not None:
            self.start_broadcast(started)
        return outcome

    async def _press(self, c: CoordCtx, pressed: CoordinatorPress) -> Outcome:
        match pressed:
            case PickPanel(command, panel_id):
                panel = await c.panel(panel_id)
                if panel is None or not _may(c, command, panel):
                    return out_of_date()
                return await self._panel_command(c, command, panel)
            case ChooseSession(kind, session_id):
                return await session_changes.session_chosen(c, kind, session_id)
            case OpenPerson(application_id):
                return await roster.person(c, application_id)
            case SetStatus(application_id, expected, to):
                return await roster.set_status(c, application_id, expected, to)
            case UndoDecision(application_id):
                return await roster.undo(c, application_id)
            case Audience(broadcast_id, audience):
                return await broadcast.choose(c, broadcast_id, audience)
            case AudienceSession(broadcast_id, session_id):
                return await broadcast.choose_session(c, broadcast_id, session_id)
            case AudienceChosen() | TickPerson():
                return await broadcast.checklist(c, pressed)
            case SendBroadcastLater(broadcast_id):
                return await broadcast.ask_when(c, broadcast_id)
            case StopBroadcast(broadcast_id):
                return await broadcast.stop(c, broadcast_id)
            case ChangeWhat(session_id, what):
                return await session_changes.ask_new(c, session_id, what)
            case ChangeDecision(change_id, choice):
                return await session_changes.decide(c, change_id, choice)
            case ReplyTo(question_id):
                return await questions.start_reply(c, question_id)
            case NeedPage():
                return await need_marks.open_page(c, pressed)
            case MarkNeed():
                return await need_marks.mark(c, pressed)
            case (
                RosterPage()
                | RosterView()
                | RosterSearch()
                | Propose()
                | Accept()
                | DeclineRest()
                | CloseSignups()
                | HeldDecisions()
                | SendDecisions()
                | VenueCopy()
            ):
                return await self._panel_press(c, pressed)
        return out_of_date()  # SendBroadcast, which `button` takes itself

    async def _panel_press(
        self,
        c: CoordCtx,
        pressed: RosterPage
        | RosterView
        | RosterSearch
        | Propose
        | Accept
        | DeclineRest
        | CloseSignups
        | HeldDecisions
        | SendDecisions
        | VenueCopy,
    ) -> Outcome:
        panel = await c.panel(pressed.panel_id)
        if panel is None:
            return out_of_date()
        if panel.stage == "closed" and isinstance(pressed, Propose | Accept | DeclineRest):
            return Outcome([say("decision_panel_closed", panel=views.panel_view(panel))])
        match pressed:
            case RosterPage(_, page):
                return await roster.roster(c, panel, page, edit=True)
            case RosterView(_, show, page):
                return await roster.roster(c, panel, page, edit=True, show=show)
            case RosterSearch():
                return await roster.ask_search(c, panel)
            case Propose():
                return await roster.propose(c, panel)
            case Accept(_, key):
                return await roster.accept(c, panel, key)
            case DeclineRest(_, key):
                return await roster.decline_rest(c, panel, key)
            case CloseSignups(_, choice):
                return await roster.close(c, panel, choice)
            case HeldDecisions():
                return await decisions.preview(c, panel)
            case SendDecisions(_, key):
                return await decisions.send_now(c, panel, key)
            case VenueCopy():
                return await venue_copy.copy(c, panel)

    # --- typed text ---------------------------------------------------------------------------

    async def text(self, person: Person, typed: str) -> Outcome | None:
        """What a coordinator types while the bot waits for it; None if it is not waiting."""
        async with self.app.db.transaction() as tx:
            rights = await rights_of(tx, self.app.settings, person.telegram_id)
            if rights is None:
                return None
            await coordinator_reach.wrote(tx, person.telegram_id, self.app.clock.now())
            pending = await coordinators.pending_input(tx, person.telegram_id)
            if pending is None:
                return None
            c = CoordCtx(self.app, tx, person, self.app.clock.now(), rights)
            return await self._typed(c, pending.kind, pending.data, typed)

    async def _typed(self, c: CoordCtx, kind: str, data: dict[str, Any], typed: str) -> Outcome:
        if kind == broadcast.INPUT:
            return await broadcast.typed(c, data, typed)
        if kind == broadcast.TIME_INPUT:
            return await broadcast.typed_time(c, data, typed)
        if kind == questions.INPUT:
            return await questions.typed(c, data, typed)
        if kind == roster.INPUT:
            return await roster.typed_search(c, data, typed)
        if kind == need_marks.INPUT:
            return await need_marks.typed(c, data, typed)
        if kind in (session_changes.TIME_INPUT, session_changes.VENUE_INPUT):
            return await session_changes.typed(c, kind, data, typed)
        await coordinators.clear_input(c.tx, c.person.telegram_id)
        return out_of_date()


def _may(c: CoordCtx, command: str, panel: Panel) -> bool:
    return command not in OWNER_COMMANDS or c.owns(panel)


__all__ = ["COMMANDS", "PANEL_COMMANDS", "CoordinatorService"]
