"""Turn records into the plain values templates show: local times, labels, summaries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.model import Panel, Session
from bot.needs import NEED_CODES
from messages import label

if TYPE_CHECKING:
    from bot.services.steps import StepCtx

SUMMARY_PARTS = (
    "name",
    "role",
    "contact",
    "needs",
    "availability",
    "days",
    "conflicts",
    "interviews",
    "payment",
)
WEEKDAY_ORDER = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def session_title(session: Session) -> str:
    return session.title or label(f"session_kind.{session.kind}")


def session_view(session: Session, tz: ZoneInfo) -> dict[str, Any]:
    start = session.starts_at.astimezone(tz)
    end = session.ends_at.astimezone(tz)
    return {
        "id": session.id,
        "title": session_title(session),
        "kind": session.kind,
        "start": start,
        "end": end,
        "same_day": start.date() == end.date(),
        "venue": session.venue,
        "access": session.access,
        "online_link": session.online_link,
        "optional": session.optional,
        "cancelled": session.cancelled,
    }


def panel_view(panel: Panel) -> dict[str, Any]:
    return {
        "code": panel.code,
        "title": panel.title,
        "spec": panel.spec,
        "closes": panel.closes_at.astimezone(panel.timezone),
    }


def local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz)


def need_labels(codes: Iterable[str]) -> list[str]:
    chosen = set(codes)
    return [label(f"need.{code}") for code in NEED_CODES if code in chosen]


def day_labels(days: Iterable[str]) -> list[str]:
    chosen = set(days)
    return [label(f"day.{day}") for day in WEEKDAY_ORDER if day in chosen]


def summary_context(c: StepCtx) -> dict[str, Any]:
    panel = c.need_panel()
    application = c.need_application()
    volunteer = c.volunteer
    availability = [
        {
            "session": session_view(s, panel.timezone),
            "answer": label(f"answer.{application.availability[s.id]}")
            if s.id in application.availability
            else None,
        }
        for s in c.live_sessions
    ]
    return {
        "panel": panel_view(panel),
        "name": volunteer.name,
        "role": label(f"role.{volunteer.role}") if volunteer.role else None,
        "contact": volunteer.contact,
        "needs_consented": volunteer.needs_consented_at is not None,
        "needs": need_labels(volunteer.needs),
        "needs_note": volunteer.needs_note,
        "availability": availability,
        "has_window": any(s.kind == "evaluation_window" for s in c.live_sessions),
        "days": day_labels(application.days),
        "conflicts": list(application.conflicts),
        "conflicts_note": application.conflicts_note,
        "has_interviews": any(s.kind == "interview" for s in c.live_sessions),
        "interviews": application.interviews,
        "payment": label(f"payment.{application.payment}") if application.payment else None,
    }
