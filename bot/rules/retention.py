"""When a closed panel's personal data is due for deletion."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.model import Panel


def add_months(moment: datetime, months: int, tz: ZoneInfo) -> datetime:
    """The same local day and time `months` later (the last day of a shorter month)."""
    local = moment.astimezone(tz)
    years, index = divmod(local.month - 1 + months, 12)
    year, month = local.year + years, index + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day).astimezone(UTC)


def retention_months(panel: Panel, settings: Settings) -> int:
    return panel.spec.retention_months or settings.retention_months


def deletion_due(panel: Panel, closed_at: datetime, settings: Settings) -> datetime:
    return add_months(closed_at, retention_months(panel, settings), panel.timezone)
