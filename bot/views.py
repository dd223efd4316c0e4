"""Turn records into the plain values templates show: local times, labels, summaries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.model import Panel, Session
from bot.needs import NEED_CODES
from messages import label

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


def panel_name(panel: Panel) -> str:
    """The panel as a sentence names it; the title is a heading, not a noun."""
    return panel.spec.short_name or "this panel"


def panel_view(panel: Panel) -> dict[str, Any]:
    return {
        "code": panel.code,
        "title": panel.title,
        "name": panel_name(panel),
        "spec": panel.spec,
        "closes": panel.closes_at.astimezone(panel.timezone),
    }


def local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz)


def need_codes(codes: Iterable[str]) -> list[str]:
    """The codes in the usual order."""
    chosen = set(codes)
    return [code for code in NEED_CODES if code in chosen]


def need_labels(codes: Iterable[str]) -> list[str]:
    chosen = set(codes)
    return [label(f"need.{code}") for code in NEED_CODES if code in chosen]


def day_labels(days: Iterable[str]) -> list[str]:
    chosen = set(days)
    return [label(f"day.{day}") for day in WEEKDAY_ORDER if day in chosen]
