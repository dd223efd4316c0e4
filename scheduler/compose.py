"""What each scheduled message says: the record in, a Reply out. All words are templates."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from bot import views
from bot.calendar import sessions_ics_document
from bot.callbacks import FeedbackStep, OfferAnswer, ReminderAnswer, ReminderDetails
from bot.model import FEEDBACK_QUESTIONS, Application, Panel, Session, Volunteer
from bot.replies import Button, Keyboard, Reply, rows
from bot.rules.needs import Marks, statuses
from bot.store.attendance import Mark
from bot.store.outcomes import PanelOutcome
from messages import label, render


def need_lines(volunteer: Volunteer, session: Session, marks: Marks) -> list[dict[str, Any]]:
    """What the help a person asked for looks like in a message: each need's own state."""
    return [
        {"code": s.need, "state": s.state, "note": s.note}
        for s in statuses(volunteer, session, marks)
    ]


def _days_away(session: Session, tz: Any, now: datetime) -> int:
    return (session.starts_at.astimezone(tz).date() - now.astimezone(tz).date()).days


def _base(panel: Panel, volunteer: Volunteer) -> dict[str, Any]:
    return {"panel": views.panel_view(panel), "spec": panel.spec, "name": volunteer.name}


def reminder(
    panel: Panel,
    session: Session,
    application: Application,
    volunteer: Volunteer,
    now: datetime,
    *,
    late: bool,
    marks: Marks,
    coming: bool = False,
    details: bool = False,
) -> Reply:
    """Short: what, when, where and the help arranged. The rest (access, the online link
    beside a venue) waits behind "More details"; someone who said they will be there is not
    asked again, only offered "I can't make it" in case that changes."""
    at_home = session.kind == "evaluation_window"
    return Reply(
        render(
            "scheduler/reminder",
            **_base(panel, volunteer),
            session=views.session_view(session, panel.timezone),
            days_away=_days_away(session, panel.timezone, now),
            late=late,
            at_home=at_home,
            needs=need_lines(volunteer, session, marks),
            coming=coming,
            details=details,
        ),
        reminder_buttons(application, session, asking=not coming, more=not details),
    )


def reminder_buttons(
    application: Application, session: Session, *, asking: bool, more: bool
) -> Keyboard:
    pressed = ReminderAnswer("yes", application.id, session.id, session.version)
    suffix = "_home" if session.kind == "evaluation_window" else ""
    buttons: list[Button] = []
    if asking:
        buttons.append(Button(label(f"reminder.yes{suffix}"), pressed.pack()))
    # Someone who said they will be there can still tell us if that changes.
    buttons.append(Button(label(f"reminder.no{suffix}"), replace(pressed, answer="no").pack()))
    if more and session.has_more_details:
        more_data = ReminderDetails(application.id, session.id, session.version)
        buttons.append(Button(label("reminder.more"), more_data.pack()))
    return rows(*buttons)


def needs_flag(
    panel: Panel,
    session: Session,
    waiting: list[tuple[Volunteer, list[str]]],
    now: datetime,
) -> Reply:
    """For coordinators: who still waits for which need, a few days before a session."""
    return Reply(
        render(
            "scheduler/needs_flag",
            panel=views.panel_view(panel),
            session=views.session_view(session, panel.timezone),
            days_away=_days_away(session, panel.timezone, now),
            people=[
                {"name": v.name or label("coord.no_name"), "needs": views.need_labels(needs)}
                for v, needs in waiting
            ],
        )
    )


def calendar(panel: Panel, sessions: list[Session], volunteer: Volunteer, now: datetime) -> Reply:
    document = sessions_ics_document(sessions, panel, now)
    return Reply(
        render(
            "scheduler/calendar",
            **_base(panel, volunteer),
            sessions=[views.session_view(s, panel.timezone) for s in sessions],
        ),
        document=document,
    )


def place_offer(
    panel: Panel,
    session: Session,
    offer_id: int,
    volunteer: Volunteer,
    now: datetime,
    *,
    answer_by: datetime,
) -> Reply:
    return Reply(
        render(
            "scheduler/place_offer",
            **_base(panel, volunteer),
            session=views.session_view(session, panel.timezone),
            answer_by=answer_by.astimezone(panel.timezone),
        ),
        rows(
            Button(label("offer.take"), OfferAnswer("take", offer_id).pack()),
            Button(label("offer.pass"), OfferAnswer("pass", offer_id).pack()),
        ),
    )


def scoring_thanks(panel: Panel, volunteer: Volunteer, now: datetime) -> Reply:
    return Reply(render("scheduler/scoring_thanks", **_base(panel, volunteer)))


def award_news(panel: Panel, outcome: PanelOutcome, volunteer: Volunteer, now: datetime) -> Reply:
    return Reply(
        render(
            "scheduler/award_news",
            **_base(panel, volunteer),
            awarded_to=outcome.awarded_to,
            note=outcome.note,
        )
    )


def attendance_thanks(
    panel: Panel,
    session: Session,
    mark: Mark,
    application: Application,
    volunteer: Volunteer,
    now: datetime,
) -> Reply:
    paid = application.payment != "unpaid" and panel.spec.payment.rate_pence_per_hour > 0
    return Reply(
        render(
            "scheduler/attendance_thanks",
            **_base(panel, volunteer),
            session=views.session_view(session, panel.timezone),
            paid=paid,
            amount_pence=mark.amount_pence or 0,
            hours=mark.hours,
            payment=panel.spec.payment,
            contact=panel.spec.contact,
        )
    )


def retention_warning(panel: Panel, due: datetime, counts: dict[str, int]) -> Reply:
    return Reply(
        render(
            "scheduler/retention_warning",
            panel=views.panel_view(panel),
            due=due.astimezone(panel.timezone),
            **counts,
        )
    )


def coordinator_unreached(coordinator_id: int) -> Reply:
    return Reply(render("scheduler/coordinator_unreached", coordinator_id=coordinator_id))


def retention_done(panel: Panel, counts: dict[str, int]) -> Reply:
    return Reply(render("scheduler/retention_done", panel=views.panel_view(panel), **counts))


def invite_reply(panel: Panel, application_id: int, name: str | None) -> Reply:
    return Reply(
        render(
            "scheduler/feedback_invite",
            panel=views.panel_view(panel),
            spec=panel.spec,
            name=name,
            total=len(FEEDBACK_QUESTIONS),
        ),
        rows(
            Button(label("feedback.start"), FeedbackStep(application_id, "go").pack()),
            Button(label("feedback.later"), FeedbackStep(application_id, "later").pack()),
        ),
    )


def nudge_reply(panel: Panel, application_id: int, name: str | None) -> Reply:
    return Reply(
        render(
            "scheduler/feedback_nudge",
            panel=views.panel_view(panel),
            name=name,
            total=len(FEEDBACK_QUESTIONS),
        ),
        rows(Button(label("feedback.start"), FeedbackStep(application_id, "go").pack())),
    )
