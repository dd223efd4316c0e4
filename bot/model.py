"""Plain records of what the database holds. No behaviour beyond simple derived facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.panelfile import PanelSpec

Stage = Literal[
    "recruiting", "recruitment_closed", "evaluating", "awaiting_award", "awarded", "closed"
]
Status = Literal["draft", "applied", "confirmed", "reserve", "declined", "withdrawn"]
Answer = Literal["yes", "maybe", "no"]
ACTIVE_STATUSES: frozenset[Status] = frozenset({"draft", "applied", "confirmed", "reserve"})
# Signed up and not out of it: these still hear from us; anyone who withdrew or was declined
# hears nothing more.
IN_THE_RUNNING: frozenset[Status] = frozenset({"applied", "confirmed", "reserve"})
# The post-award survey: each question and its answers, in order.
FEEDBACK_QUESTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("information", ("good", "ok", "poor")),
    ("support", ("good", "ok", "poor")),
    ("time_given", ("enough", "just", "short")),
    ("say_mattered", ("yes", "little", "no")),
    ("again", ("yes", "maybe", "no")),
)


@dataclass(frozen=True)
class Panel:
    id: int
    code: str
    title: str
    spec: PanelSpec
    stage: Stage
    late_reserves: bool
    closes_at: datetime
    timezone: ZoneInfo


@dataclass(frozen=True)
class Session:
    id: int
    panel_id: int
    key: str
    position: int
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    venue: str | None
    access: str | None
    online_link: str | None
    optional: bool
    cancelled: bool
    version: int = 1  # raised when the time, place or link changes (0003_scheduler)

    @property
    def has_more_details(self) -> bool:
        """More than a short reminder says: access details, or a link as well as a venue."""
        return bool(self.access or (self.venue and self.online_link))


@dataclass(frozen=True)
class Volunteer:
    id: int
    telegram_id: int
    chat_id: int
    name: str | None
    role: str | None
    contact: str | None
    consented_at: datetime
    needs_consented_at: datetime | None
    needs_note: str | None
    unreachable: bool
    future_panels: bool
    needs: frozenset[str] = frozenset()
    reminders_paused: bool = False  # /settings; urgent session changes still come


@dataclass(frozen=True)
class Application:
    id: int
    panel_id: int
    volunteer_id: int
    status: Status
    interviews: bool | None
    payment: str | None
    days: tuple[str, ...]
    conflicts: tuple[str, ...]
    conflicts_declared: bool
    conflicts_note: str | None
    submitted_at: datetime | None
    availability: dict[int, Answer] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


@dataclass
class Journey:
    """Where a person is in a chat flow; `data` holds the flow's small working state."""

    telegram_id: int
    flow: str
    step: str
    panel_id: int | None
    data: dict[str, Any] = field(default_factory=dict)
