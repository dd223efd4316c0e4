"""The timing core of the scheduler: pure functions, no database, no Telegram, no "now".

Every moment that goes in or comes out is a timezone-aware ``datetime``; results are in UTC.
The caller supplies "now" from a ``bot.clock.Clock`` so tests can move time.

Semantics across clock changes (decided here, relied on by the tests):

* **Day offsets are calendar days in local wall-clock time.** "7d before a 10:00 session"
  is 10:00 local time seven calendar days earlier, even when a clock change falls in
  between (so it may be 7 x 24 h +/- 1 h in absolute time). Volunteers think in "the same
  time last week", not in 168 hours.
* **Hour/minute offsets are absolute.** "2h before" is exactly 120 minutes before the start,
  whatever the wall clock does in between.
* A mixed offset such as ``timedelta(days=1, hours=12)`` is split: the whole days are
  calendar days, the rest is absolute (``timedelta`` itself normalises ``hours=36`` to
  ``days=1, hours=12``, so that is treated the same way).
* **Local times that do not exist** (the hour skipped when clocks go forward) are shifted
  forward by the length of the gap: 01:30 on 28 March 2027 in London becomes 02:30 BST.
  **Ambiguous local times** (the hour repeated when clocks go back) take the first
  occurrence (``fold=0``, still summer time). Both are what ``zoneinfo`` does with
  ``fold=0``, and both keep the reminder before the session: a day offset is never
  shorter than 23 h in absolute time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from bot.config import QuietHours

__all__ = [
    "LATE_GRACE",
    "URGENT_WITHIN",
    "PlannedReminder",
    "ReminderStatus",
    "is_urgent_change",
    "ledger_key",
    "next_allowed_send",
    "offset_label",
    "reminder_status",
    "reminder_times",
]

ReminderStatus = Literal["future", "due", "late", "expired"]

#: A change to a session starting sooner than this is urgent and ignores quiet hours.
URGENT_WITHIN = timedelta(hours=24)
#: A reminder sent more than this after its send time counts as late (wording changes).
LATE_GRACE = timedelta(minutes=15)


@dataclass(frozen=True)
class PlannedReminder:
    offset: timedelta
    due_utc: datetime
    label: str  # e.g. "7d", "2h", "1h30m"; stable, used in ledger keys


def _require_aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC)


def _local_to_utc(wall: datetime, tz: ZoneInfo, fold: int = 0) -> datetime:
    """A naive local wall-clock time in ``tz`` as UTC.

    ``fold=0``: a time in a spring-forward gap is shifted forward by the gap, an ambiguous
    time in a fall-back overlap is the first occurrence. ``fold=1`` gives the second one.
    """
    return wall.replace(tzinfo=tz, fold=fold).astimezone(UTC)


def offset_label(offset: timedelta) -> str:
    """A short stable label: 7d, 2h, 90 minutes -> "1h30m", 1 day 12 hours -> "1d12h"."""
    if offset <= timedelta(0):
        raise ValueError(f"a reminder offset must be positive, got {offset!r}")
    hours, rest = divmod(offset.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [
        f"{value}{unit}"
        for value, unit in (
            (offset.days, "d"),
            (hours, "h"),
            (minutes, "m"),
            (seconds, "s"),
            (offset.microseconds, "us"),
        )
        if value
    ]
    return "".join(parts)


def reminder_times(
    session_start_utc: datetime, offsets: Sequence[timedelta], tz: ZoneInfo
) -> list[PlannedReminder]:
    """When each reminder before a session is due, earliest first (see module docstring).

    Duplicate offsets give one reminder. Every ``due_utc`` is strictly before the start.
    Quiet hours are *not* applied here; pass each ``due_utc`` to ``next_allowed_send``.
    """
    start = _require_aware(session_start_utc, "session_start_utc")
    local_wall = start.astimezone(tz).replace(tzinfo=None)
    planned: list[PlannedReminder] = []
    for offset in sorted(set(offsets), reverse=True):
        label = offset_label(offset)  # also rejects offsets <= 0
        days = timedelta(days=offset.days)
        absolute = offset - days
        due = start if not days else _local_to_utc(local_wall - days, tz)
        due -= absolute
        planned.append(PlannedReminder(offset=offset, due_utc=due, label=label))
    planned.sort(key=lambda reminder: reminder.due_utc)
    return planned


def _quiet_end_after(local: datetime, quiet: QuietHours) -> date:
    """The local date on which the quiet period containing ``local`` ends."""
    wraps = quiet.start > quiet.end
    if wraps and local.time() >= quiet.start:
        return local.date() + timedelta(days=1)
    return local.date()


def next_allowed_send(
    due_utc: datetime, quiet: QuietHours, tz: ZoneInfo, *, urgent: bool
) -> datetime:
    """The earliest moment at or after ``due_utc`` that is outside quiet hours, in UTC.

    Quiet hours are local wall-clock times and may wrap midnight (21:00-08:00) or not
    (12:00-13:00); the start is inside, the end is not. A message due inside them waits
    until the end of that quiet period in local time (08:00 local the next morning, which
    is correct on clock-change nights because the end is resolved as a local time).
    Urgent messages go at once.

    The result may be after the session start (a 2h reminder for a 07:00 session); check
    it with ``reminder_status`` before sending.
    """
    moment = _require_aware(due_utc, "due_utc")
    if urgent:
        return moment
    # Normally one step. More only if the end of a quiet period falls in a clock-change gap
    # and the shifted time lands in the next quiet period (quiet hours of nearly 24 h).
    for _ in range(4):
        local = moment.astimezone(tz)
        if not quiet.contains(local.time()):
            return moment
        end_wall = datetime.combine(_quiet_end_after(local, quiet), quiet.end)
        # The first occurrence of the end time that is later than now; on the fall-back
        # night an end inside the repeated hour can occur twice.
        candidates = (_local_to_utc(end_wall, tz, fold) for fold in (0, 1))
        moment = next((c for c in candidates if c > moment), moment + timedelta(hours=1))
    return moment


def is_urgent_change(session_start_utc: datetime, now_utc: datetime) -> bool:
    """Whether a change to this session must go out now, even in quiet hours.

    True when the session starts less than 24 hours from now, including a session that
    has already started (a change to it is, if anything, more pressing).
    """
    start = _require_aware(session_start_utc, "session_start_utc")
    now = _require_aware(now_utc, "now_utc")
    return start - now < URGENT_WITHIN


def reminder_status(
    now_utc: datetime,
    due_utc: datetime,
    session_start_utc: datetime,
    *,
    grace: timedelta = LATE_GRACE,
) -> ReminderStatus:
    """Where a reminder stands at ``now_utc``.

    ``due_utc`` should be the effective send time (after ``next_allowed_send``), so a
    reminder held back by quiet hours is "due", not "late", when they end.

    * "future": not yet time.
    * "due": time to send, at most ``grace`` after the send time.
    * "late": more than ``grace`` overdue (e.g. after downtime) but the session is still
      ahead: send it with "late" wording.
    * "expired": the session has started; drop it, never send.
    """
    now = _require_aware(now_utc, "now_utc")
    due = _require_aware(due_utc, "due_utc")
    start = _require_aware(session_start_utc, "session_start_utc")
    if now >= start:
        return "expired"
    if now < due:
        return "future"
    if now - due <= grace:
        return "due"
    return "late"


def _key_part(part: object) -> str:
    if isinstance(part, bool) or part is None:
        raise TypeError(f"ledger_key: {part!r} is not a stable key part")
    if isinstance(part, datetime):
        text = _require_aware(part, "ledger_key part").isoformat()
    elif isinstance(part, timedelta):
        text = offset_label(part)
    elif isinstance(part, str | int | date | UUID):
        text = str(part)
    else:
        raise TypeError(f"ledger_key: {type(part).__name__} is not a stable key part")
    # Escape the separator so ("a:b",) and ("a", "b") cannot collide.
    return text.replace("%", "%25").replace(":", "%3A")


def ledger_key(kind: str, *parts: object) -> str:
    """A stable idempotency key for the sent-message ledger.

    ``ledger_key("reminder", application_id, session_id, session_version, "1d")``
    gives ``"reminder:12:34:2:1d"``. Put the session version in the key so that a
    rescheduled session (new version) gets new keys and its reminders are sent again,
    while a restart or retry of the same version finds the old key and sends nothing.

    Parts may be str, int, UUID, date, aware datetime (written in UTC) or timedelta
    (written as its offset label, so ``timedelta(days=1)`` and ``"1d"`` agree). ``None``,
    bools, floats and other types raise ``TypeError``: a ``None`` version would quietly
    make every version share one key.
    """
    if not kind or not isinstance(kind, str):
        raise ValueError("ledger_key: kind must be a non-empty string")
    return ":".join([_key_part(kind), *(_key_part(part) for part in parts)])
