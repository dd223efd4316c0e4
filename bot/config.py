"""Settings from the environment, checked once at start-up.

A bad setting stops start-up with one line that names it (`SettingsError`), never a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_API_URL = "https://api.telegram.org/bot"
TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")
OFFSET_PATTERN = re.compile(r"^([0-9]+)([dhm])$", re.ASCII)
UNIT_SECONDS = {"d": 86_400, "h": 3_600, "m": 60}
LONGEST_OFFSET = timedelta(days=366)  # a reminder more than a year ahead is a typing slip
CLOCK_PATTERN = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class SettingsError(ValueError):
    """One setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


@dataclass(frozen=True)
class Settings:
    token: str | None
    api_url: str
    database: Path
    coordinators: frozenset[int]
    timezone: ZoneInfo
    reminders: tuple[timedelta, ...]
    quiet_hours: QuietHours
    retention_months: int
    bot_username: str | None = None

    def __repr__(self) -> str:
        # The token must never reach a log line, even through a repr.
        return f"Settings(api_url={self.api_url!r}, database={str(self.database)!r})"


def parse_offsets(raw: str, setting: str) -> tuple[timedelta, ...]:
    """Parse "7d,1d,2h" into timedeltas, largest first."""
    offsets: list[timedelta] = []
    for part in raw.split(","):
        match = OFFSET_PATTERN.match(part.strip())
        if not match:
            raise SettingsError(f"{setting}: {part.strip()!r} is not an offset like 7d, 1d or 2h")
        amount, unit = int(match.group(1)), match.group(2)
        # Checked as a number first: a huge one overflows timedelta.
        if amount * UNIT_SECONDS[unit] > LONGEST_OFFSET.total_seconds():
            raise SettingsError(f"{setting}: {part.strip()!r} is more than a year (at most 366d)")
        offsets.append(timedelta(seconds=amount * UNIT_SECONDS[unit]))
    return tuple(sorted(set(offsets), reverse=True))


def _parse_clock(raw: str, setting: str) -> time:
    match = CLOCK_PATTERN.match(raw.strip())
    if not match:
        raise SettingsError(f"{setting}: {raw.strip()!r} is not a time like 21:00")
    return time(int(match.group(1)), int(match.group(2)))


def _parse_quiet_hours(raw: str) -> QuietHours:
    start, sep, end = raw.partition("-")
    if not sep:
        raise SettingsError(f"PANELBOT_QUIET_HOURS: {raw!r} is not a range like 21:00-08:00")
    return QuietHours(
        _parse_clock(start, "PANELBOT_QUIET_HOURS"), _parse_clock(end, "PANELBOT_QUIET_HOURS")
    )


def _parse_coordinators(raw: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        # str.isdigit() also accepts other scripts' digits and superscripts, which int() then
        # reads or rejects; a Telegram id is plain 0-9.
        if not re.fullmatch(r"[0-9]{1,20}", part) or int(part) == 0:
            raise SettingsError(
                f"PANELBOT_COORDINATORS: {part!r} is not a Telegram user id (digits only)"
            )
        ids.add(int(part))
    return frozenset(ids)


def _parse_timezone(raw: str) -> ZoneInfo:
    try:
        return ZoneInfo(raw.strip())
    # A name that is a folder of the zone database ("Europe") raises IsADirectoryError.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise SettingsError(
            f"PANELBOT_TIMEZONE: {raw!r} is not a known time zone (try Europe/London)"
        ) from None


def _parse_retention(raw: str) -> int:
    match = re.fullmatch(r"(\d+)\s*(?:m|months?)?", raw.strip())
    if not match or not 1 <= int(match.group(1)) <= 120:
        raise SettingsError(f"PANELBOT_RETENTION: {raw!r} is not a number of months like 12")
    return int(match.group(1))


def load_settings(env: Mapping[str, str] | None = None, *, require_token: bool) -> Settings:
    """Read and check every setting; raise SettingsError naming the first bad one."""
    env = os.environ if env is None else env
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    if require_token and token is None:
        raise SettingsError("TELEGRAM_BOT_TOKEN: is not set (ask @BotFather for one)")
    if token is not None and not TOKEN_PATTERN.match(token):
        raise SettingsError("TELEGRAM_BOT_TOKEN: does not look like a bot token (123456:ABC...)")
    api_url = env.get("PANELBOT_API_URL", "").strip() or DEFAULT_API_URL
    if not re.match(r"^https?://[^\s/]+", api_url):
        raise SettingsError(f"PANELBOT_API_URL: {api_url!r} is not an http(s) URL")
    database = Path(env.get("PANELBOT_DATABASE", "").strip() or "panelbot.sqlite3")
    if database.is_dir():
        raise SettingsError(f"PANELBOT_DATABASE: {str(database)!r} is a folder, not a file")
    if not database.absolute().parent.is_dir():
        raise SettingsError(
            f"PANELBOT_DATABASE: the folder {str(database.absolute().parent)!r} does not exist"
        )
    return Settings(
        token=token,
        api_url=api_url,
        database=database,
        coordinators=_parse_coordinators(env.get("PANELBOT_COORDINATORS", "")),
        timezone=_parse_timezone(env.get("PANELBOT_TIMEZONE", "") or "Europe/London"),
        reminders=parse_offsets(
            env.get("PANELBOT_REMINDERS", "") or "7d,1d,2h", "PANELBOT_REMINDERS"
        ),
        quiet_hours=_parse_quiet_hours(env.get("PANELBOT_QUIET_HOURS", "") or "21:00-08:00"),
        retention_months=_parse_retention(env.get("PANELBOT_RETENTION", "") or "12"),
        bot_username=_parse_username(env.get("PANELBOT_BOT_USERNAME", "")),
    )


def _parse_username(raw: str) -> str | None:
    name = raw.strip().lstrip("@")
    if not name:
        return None
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", name):
        raise SettingsError(f"PANELBOT_BOT_USERNAME: {raw!r} is not a Telegram bot username")
    return name
