"""Pure decisions about panels and applications. No Telegram, no database."""

from __future__ import annotations

from datetime import datetime

from bot.model import Panel, Status

# Which way an application's status may move. Anything else is refused.
ALLOWED_STATUS_MOVES: dict[Status, frozenset[Status]] = {
    "draft": frozenset({"applied", "withdrawn"}),
    "applied": frozenset({"confirmed", "reserve", "declined", "withdrawn"}),
    "confirmed": frozenset({"reserve", "declined", "withdrawn"}),
    "reserve": frozenset({"confirmed", "declined", "withdrawn"}),
    "declined": frozenset({"confirmed", "reserve", "draft"}),
    "withdrawn": frozenset({"draft"}),
}


def is_open(panel: Panel, now: datetime) -> bool:
    """A panel takes sign-ups while recruiting and before its closing time."""
    return panel.stage == "recruiting" and now < panel.closes_at


def can_move(status: Status, to: str) -> bool:
    return to in ALLOWED_STATUS_MOVES[status]


def takes_late_reserves(panel: Panel, now: datetime) -> bool:
    """After sign-up has closed, a coordinator may still let people join the reserves."""
    return (
        panel.late_reserves
        and panel.stage in ("recruiting", "recruitment_closed")
        and not is_open(panel, now)
    )


def takes_signups(panel: Panel, now: datetime) -> bool:
    return is_open(panel, now) or takes_late_reserves(panel, now)
