"""The example panel file, dated from the day it is made.

One template (panel.yaml.j2) gives both the example a newcomer starts from and, made for
11 January 2027, the tests' fixed-date copy in examples/panel.yaml. The day is passed in,
never read from the clock here, so the same day always gives the same file.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo

import jinja2

TIMEZONE = ZoneInfo("Europe/London")  # the template's `timezone:`
FIXTURE_DAY = date(2027, 1, 11)  # the day that gives examples/panel.yaml
# Long enough to recruit: sign-up closes 11 days before the first session.
LEAD = timedelta(weeks=8)
TUESDAY = 1
SERVICE_STARTS_AFTER_MONTHS = 7  # after the first session's month; scoring ends within 2


def today_in_zone(now: datetime) -> date:
    """The day it is at `now` where the example panel happens."""
    return now.astimezone(TIMEZONE).date()


def first_session(today: date) -> date:
    """The first Tuesday at least eight weeks after `today`."""
    earliest = today + LEAD
    return earliest + timedelta(days=(TUESDAY - earliest.weekday()) % 7)


def example_panel(today: date) -> str:
    """The example panel file's text, with its first session about eight weeks after `today`."""
    first = first_session(today)
    service_starts = _months_after(first.replace(day=1), SERVICE_STARTS_AFTER_MONTHS)
    agreement_ends = _months_after(service_starts, -1)
    return _template().render(
        day=lambda days: (first + timedelta(days=days)).isoformat(),
        year=service_starts.year,
        service_starts=f"{service_starts.day} {service_starts:%B %Y}",
        agreement_ends=f"{agreement_ends:%B %Y}",
    )


def _months_after(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@cache
def _template() -> jinja2.Template:
    text = files(__name__).joinpath("panel.yaml.j2").read_text(encoding="utf-8")
    environment = jinja2.Environment(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False
    )
    return environment.from_string(text)
