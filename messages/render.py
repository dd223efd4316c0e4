"""The one place that turns templates into text.

Templates are HTML for Telegram's HTML parse mode. Autoescape is on, so anything a person
typed arrives as typed. StrictUndefined makes a missing value an error, not a blank.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined


def clock(moment: datetime) -> str:
    """10am, 2:30pm, 12 noon: how people say times aloud in the UK."""
    if moment.hour == 12 and moment.minute == 0:
        return "12 noon"
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def day(moment: datetime) -> str:
    """Tuesday 4 March 2027."""
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def short_day(moment: datetime) -> str:
    """Tue 4 Mar."""
    return f"{moment:%a} {moment.day} {moment:%b}"


def money(pence: int) -> str:
    """2000 -> £20, 1250 -> £12.50."""
    pounds, rest = divmod(int(pence), 100)
    return f"£{pounds}" if rest == 0 else f"£{pounds}.{rest:02d}"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("messages", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["clock"] = clock
    env.filters["day"] = day
    env.filters["short_day"] = short_day
    env.filters["money"] = money
    return env


@cache
def _labels() -> dict[str, str]:
    text = (resources.files("messages") / "labels.yaml").read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    return {str(key): str(value) for key, value in loaded.items()}


def render(name: str, /, **context: Any) -> str:
    """Render messages/templates/<name>.j2 and tidy blank lines."""
    text = _environment().get_template(f"{name}.j2").render(**context)
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy)


def label(key: str, /, **context: Any) -> str:
    """A button or command label from messages/labels.yaml (plain text, no markup)."""
    template = _labels()[key]
    return template.format(**context) if context else template


def template_names(prefix: str = "") -> list[str]:
    """Every template name under a folder, for tests that check all of them."""
    names = _environment().list_templates(extensions=["j2"])
    return sorted(name[: -len(".j2")] for name in names if name.startswith(prefix))
