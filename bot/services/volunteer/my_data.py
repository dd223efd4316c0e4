"""All we keep about one person, for /mydata: in their own words or readable labels for the
message, and as stored (codes, with a key to them) for the file."""

from __future__ import annotations

from typing import Any

from bot import views
from bot.model import Application, Panel, Session, Volunteer
from bot.rules.needs import Marks, status_of
from bot.store import applications, kept, need_states, panels
from bot.store.tx import Tx
from messages import label, render
from messages.render import day, money

KEY = {
    "role": {code: label(f"role_is.{code}") for code in ("service_user", "carer", "both")},
    "status": {
        code: label(f"status.{code}")
        for code in ("draft", "applied", "confirmed", "reserve", "declined", "withdrawn")
    },
    "availability": {code: label(f"answer.{code}") for code in ("yes", "maybe", "no")},
    "payment": {code: label(f"payment.{code}") for code in ("paid", "unpaid", "undecided")},
    "need_state": {
        code: label(f"mydata.need.{code}") for code in ("asked", "arranging", "arranged", "cannot")
    },
    "reminder_answer": {code: label(f"mydata.reply.{code}") for code in ("coming", "not_coming")},
    "place_offer": {
        code: label(f"mydata.offer.{code}")
        for code in ("offered", "accepted", "declined", "lapsed")
    },
}


async def everything_about(
    tx: Tx, volunteer: Volunteer, tz: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what the message shows, what the file holds)."""
    shown_panels: list[dict[str, Any]] = []
    stored_panels: list[dict[str, Any]] = []
    titles: dict[int, str] = {}
    mine = await applications.for_volunteer(tx, volunteer.id)
    marks = await need_states.for_applications(tx, [a.id for a in mine])
    for application in mine:
        panel = await panels.get(tx, application.panel_id, tz)
        assert panel is not None
        titles[panel.id] = panel.title
        sessions = await panels.sessions(tx, panel.id)
        extra = await kept.per_session(tx, application.id)
        feedback = await kept.feedback(tx, application.id)
        own_marks = marks.get(application.id, {})
        shown_panels.append(
            _shown_panel(panel, application, sessions, volunteer, own_marks, extra, feedback)
        )
        stored_panels.append(
            _stored_panel(panel, application, sessions, own_marks, extra, feedback)
        )
    asked = await kept.questions(tx, volunteer.id)
    shown = {
        "name": volunteer.name,
        "role": KEY["role"].get(volunteer.role or ""),
        "contact": volunteer.contact,
        "consented": day(volunteer.consented_at.astimezone(tz)),
        "needs_consented": day(volunteer.needs_consented_at.astimezone(tz))
        if volunteer.needs_consented_at
        else None,
        "needs": views.need_labels(volunteer.needs),
        "needs_note": volunteer.needs_note,
        "future_panels": volunteer.future_panels,
        "panels": shown_panels,
        "questions": [{"text": q["text"], "panel": titles.get(q["panel_id"])} for q in asked],
    }
    stored = {
        "key": KEY,
        "name": volunteer.name,
        "role": volunteer.role,
        "contact": volunteer.contact,
        "consented_at": volunteer.consented_at.isoformat(),
        "needs_consented_at": volunteer.needs_consented_at.isoformat()
        if volunteer.needs_consented_at
        else None,
        "needs": sorted(volunteer.needs),
        "needs_note": volunteer.needs_note,
        "hear_about_future_panels": volunteer.future_panels,
        "panels": stored_panels,
        "questions": [
            {"text": q["text"], "panel": titles.get(q["panel_id"]), "asked_at": q["asked_at"]}
            for q in asked
        ],
    }
    return shown, stored


def _titles(sessions: list[Session]) -> dict[int, str]:
    return {s.id: views.session_title(s) for s in sessions}


def _need_lines(volunteer: Volunteer, sessions: list[Session], marks: Marks) -> list[str]:
    lines = []
    live = [s for s in sessions if not s.cancelled]
    for code in views.need_codes(volunteer.needs):
        states = [(s, status_of(marks, code, s)) for s in live]
        if not states:
            continue
        need = label(f"need.{code}")
        if len({(st.state, st.note) for _, st in states}) == 1:
            lines.append(f"{need}: {_state_words(states[0][1].state, states[0][1].note)}")
            continue
        for session, st in states:
            lines.append(
                f"{need}, {views.session_title(session)}: {_state_words(st.state, st.note)}"
            )
    return lines


def _state_words(state: str, note: str | None) -> str:
    words = KEY["need_state"][state]
    return f"{words} {note}" if note else words


def _feedback_lines(feedback: dict[str, Any] | None) -> list[str]:
    if feedback is None:
        return []
    lines = []
    for question in kept.FEEDBACK_ANSWERS:
        answer = feedback.get(question)
        if answer:
            heading = label(f"mydata.feedback.{question}")
            lines.append(f"{heading}: {label(f'feedback.{question}.{answer}')}")
    if feedback.get("comment"):
        lines.append(f"{label('mydata.feedback.comment')}: {feedback['comment']}")
    return lines


def _shown_panel(
    panel: Panel,
    application: Application,
    sessions: list[Session],
    volunteer: Volunteer,
    marks: Marks,
    extra: dict[str, list[dict[str, Any]]],
    feedback: dict[str, Any] | None,
) -> dict[str, Any]:
    titles = _titles(sessions)
    session_lines = []
    for row in extra["attendance"]:
        came = "mydata.came" if row["attended"] else "mydata.did_not_come"
        owed = row["amount_pence"]
        session_lines.append(
            label(came, session=titles.get(row["session_id"], ""))
            + (label("mydata.owed", amount=money(owed)) if row["attended"] and owed else "")
        )
    for row in extra["session_replies"]:
        session_lines.append(
            f"{titles.get(row['session_id'], '')}: {KEY['reminder_answer'][row['answer']]}"
        )
    for row in extra["place_offers"]:
        session_lines.append(
            f"{titles.get(row['session_id'], '')}: {KEY['place_offer'][row['status']]}"
        )
    return {
        "title": panel.title,
        "status": KEY["status"][application.status],
        "availability": [
            f"{titles[s]}: {KEY['availability'][answer]}"
            for s, answer in application.availability.items()
            if s in titles
        ],
        "days": views.day_labels(application.days),
        "conflicts": list(application.conflicts),
        "conflicts_note": application.conflicts_note,
        "interviews": None
        if application.interviews is None
        else label("interviews.yes" if application.interviews else "interviews.no"),
        "payment": KEY["payment"].get(application.payment or ""),
        "needs": _need_lines(volunteer, sessions, marks),
        "sessions": session_lines,
        "feedback": _feedback_lines(feedback),
    }


def _stored_panel(
    panel: Panel,
    application: Application,
    sessions: list[Session],
    marks: Marks,
    extra: dict[str, list[dict[str, Any]]],
    feedback: dict[str, Any] | None,
) -> dict[str, Any]:
    titles = _titles(sessions)

    def named(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "session": titles.get(r["session_id"]),
                **{k: v for k, v in r.items() if k != "session_id"},
            }
            for r in rows
        ]

    return {
        "panel": panel.title,
        "status": application.status,
        "availability": {titles[k]: v for k, v in application.availability.items() if k in titles},
        "days": list(application.days),
        "conflicts": list(application.conflicts),
        "conflicts_note": application.conflicts_note,
        "interviews": application.interviews,
        "payment": application.payment,
        "need_states": [
            {
                "need": m.need,
                "session": titles.get(m.session_id, "every session"),
                "state": m.state,
                "note": m.note,
            }
            for m in marks.values()
        ],
        "attendance": named(extra["attendance"]),
        "reminder_answers": named(extra["session_replies"]),
        "place_offers": named(extra["place_offers"]),
        "feedback": feedback,
    }


def message(shown: dict[str, Any]) -> str:
    return render("volunteer/my_data", record=shown)
