"""/attendance: a coordinator marks who came to each session; those who came are thanked and
told what they are owed (by the scheduler, outside quiet hours); finance gets a CSV.

Buttons: callbacks.AttendancePanel (a panel's sessions, or its CSV), AttendanceSession (mark
a session, or save it: thank those who came) and AttendanceTick (tick or untick a person).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import views
from bot.callbacks import AttendancePanel, AttendanceSession, AttendanceTick
from bot.context import AppContext, Person
from bot.csvfile import to_csv
from bot.model import Application, Panel, Session
from bot.replies import Button, Document, Outcome, Reply, rows
from bot.services.coordinator import not_allowed
from bot.store import applications, attendance, panels, volunteers
from bot.store.rights import Rights, rights_of
from bot.store.tx import Tx
from messages import label, render
from messages.render import money, short_day

# Who can be marked as attending a session: anyone still on the panel, and anyone marked
# before (so a mistake can be undone even after they left).
MARKABLE = frozenset({"confirmed", "reserve"})
AttendancePress = AttendancePanel | AttendanceSession | AttendanceTick


def _say(template: str, **context: Any) -> Reply:
    return Reply(render(f"scheduler/{template}", **context))


def hours_for(panel: Panel, session: Session) -> float | None:
    """Paid hours: the session's length; for reading at home, the panel's reading estimate."""
    if session.kind == "evaluation_window":
        return panel.spec.reading.hours_estimate
    return (session.ends_at - session.starts_at).total_seconds() / 3600


def amount_for(panel: Panel, application: Application, hours: float | None) -> int:
    if application.payment == "unpaid" or hours is None:
        return 0
    return round(panel.spec.payment.rate_pence_per_hour * hours)


class AttendanceService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    async def command(self, person: Person, code: str) -> Outcome:
        async with self.app.db.transaction() as tx:
            rights = await rights_of(tx, self.app.settings, person.telegram_id)
            if rights is None:
                return not_allowed.unknown_command()
            tz = self.app.settings.timezone
            panel = await panels.get_by_code(tx, code, tz) if code else None
            if panel is None or not rights.sees(panel.id):
                panel = None
                choices = [p for p in await panels.list_all(tx, tz) if rights.sees(p.id)]
                if code or len(choices) != 1:
                    return Outcome(
                        [
                            Reply(
                                render("scheduler/choose_panel"),
                                rows(
                                    *(
                                        Button(p.title, AttendancePanel("p", p.id).pack())
                                        for p in choices
                                    )
                                ),
                            )
                        ]
                    )
                panel = choices[0]
            return Outcome([await self._sessions(tx, panel, rights)])

    async def button(self, person: Person, pressed: AttendancePress) -> Outcome | None:
        """None for anyone who is not a coordinator, before any id is looked up."""
        async with self.app.db.transaction() as tx:
            rights = await rights_of(tx, self.app.settings, person.telegram_id)
            if rights is None:
                return None
            if isinstance(pressed, AttendancePanel):
                panel = await panels.get(tx, pressed.panel_id, self.app.settings.timezone)
                if panel is None or not rights.sees(panel.id):
                    return Outcome([_say("stale")])
                if pressed.view == "p":
                    return Outcome([await self._sessions(tx, panel, rights)])
                if not rights.owns(panel.id):  # the finance CSV is for the panel's owners
                    return Outcome([_say("stale")])
                return Outcome([await self._csv(tx, panel)])
            found = await self._session(tx, pressed.session_id)
            if found is None or not rights.sees(found[0].id):
                return Outcome([_say("stale")])
            panel, session = found
            if isinstance(pressed, AttendanceTick):
                await self._toggle(tx, panel, session, pressed.application_id)
                return Outcome([await self._marking(tx, panel, session, edit=True)])
            if pressed.action == "s":
                return Outcome([await self._marking(tx, panel, session, edit=False)])
            await attendance.save(tx, session.id, self.app.clock.now())
            marks = await attendance.for_session(tx, session.id)
            came = sum(1 for mark in marks.values() if mark.attended)
            view = views.session_view(session, panel.timezone)
            return Outcome([_say("attendance_saved", came=came, session=view)])

    async def _session(self, tx: Tx, session_id: int) -> tuple[Panel, Session] | None:
        found = await panels.with_session(tx, session_id, self.app.settings.timezone)
        if found is None:
            return None
        panel, session = found
        if session.cancelled or session.starts_at > self.app.clock.now():
            return None
        return panel, session

    async def _sessions(self, tx: Tx, panel: Panel, rights: Rights) -> Reply:
        now = self.app.clock.now()
        started = [
            s for s in await panels.sessions(tx, panel.id) if not s.cancelled and s.starts_at <= now
        ]
        buttons = [
            Button(
                label(
                    "attendance.session",
                    day=short_day(s.starts_at.astimezone(panel.timezone)),
                    title=views.session_title(s),
                ),
                AttendanceSession("s", s.id).pack(),
            )
            for s in started
        ]
        if rights.owns(panel.id):
            buttons.append(Button(label("attendance.csv"), AttendancePanel("csv", panel.id).pack()))
        return Reply(
            render(
                "scheduler/attendance_sessions", panel=views.panel_view(panel), count=len(started)
            ),
            rows(*buttons),
        )

    async def _people(
        self, tx: Tx, panel: Panel, session: Session
    ) -> list[tuple[Application, str]]:
        marks = await attendance.for_session(tx, session.id)
        people = []
        for application in await applications.for_panel(tx, panel.id):
            if application.status not in MARKABLE and application.id not in marks:
                continue
            volunteer = await volunteers.get(tx, application.volunteer_id)
            name = (volunteer.name if volunteer else None) or label(
                "attendance.no_name", number=application.id
            )
            people.append((application, name))
        return people

    async def _marking(self, tx: Tx, panel: Panel, session: Session, *, edit: bool) -> Reply:
        marks = await attendance.for_session(tx, session.id)
        buttons = []
        for application, name in await self._people(tx, panel, session):
            mark = marks.get(application.id)
            key = "attendance.came" if mark and mark.attended else "attendance.not_marked"
            tick = AttendanceTick(session.id, application.id)
            buttons.append(Button(label(key, name=name), tick.pack()))
        save = AttendanceSession("save", session.id)
        buttons.append(Button(label("attendance.save"), save.pack()))
        return Reply(
            render(
                "scheduler/attendance_marking",
                panel=views.panel_view(panel),
                session=views.session_view(session, panel.timezone),
                came=sum(1 for mark in marks.values() if mark.attended),
            ),
            rows(*buttons),
            edit=edit,
        )

    async def _toggle(self, tx: Tx, panel: Panel, session: Session, application_id: int) -> None:
        application = await applications.get(tx, application_id)
        if application is None or application.panel_id != panel.id:
            return
        marks = await attendance.for_session(tx, session.id)
        current = marks.get(application_id)
        if current is None and application.status not in MARKABLE:
            return
        hours = hours_for(panel, session)
        await attendance.set_mark(
            tx,
            application_id,
            session.id,
            attended=not (current and current.attended),
            hours=hours,
            amount_pence=amount_for(panel, application, hours),
            now=self.app.clock.now(),
        )

    async def _csv(self, tx: Tx, panel: Panel) -> Reply:
        sessions = {s.id: s for s in await panels.sessions(tx, panel.id)}
        lines: list[list[object]] = [
            [
                label(f"csv.{name}")
                for name in (
                    "session",
                    "date",
                    "name",
                    "contact",
                    "payment",
                    "attended",
                    "hours",
                    "amount",
                )
            ]
        ]
        total = 0
        for mark in await attendance.for_panel(tx, panel.id):
            application = await applications.get(tx, mark.application_id)
            volunteer = (
                None if application is None else await volunteers.get(tx, application.volunteer_id)
            )
            session = sessions[mark.session_id]
            amount = mark.amount_pence if mark.attended else 0
            total += amount or 0
            lines.append(
                [
                    views.session_title(session),
                    _local_day(session.starts_at, panel),
                    (volunteer.name if volunteer else None) or "",
                    (volunteer.contact if volunteer else None) or "",
                    label(f"payment.{application.payment}")
                    if application and application.payment
                    else "",
                    label("answer.yes") if mark.attended else label("answer.no"),
                    f"{mark.hours:g}" if mark.hours is not None else "",
                    money(amount or 0),
                ]
            )
        content = to_csv(lines[0], lines[1:])
        return Reply(
            render("scheduler/attendance_csv", panel=views.panel_view(panel), total=total),
            document=Document(f"attendance-{panel.code}.csv", content),
        )


def _local_day(moment: datetime, panel: Panel) -> str:
    return moment.astimezone(panel.timezone).date().isoformat()
