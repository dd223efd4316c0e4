"""Who the coordinator's counts include, the same way on /panels, /roster, /needs and
/availability: everyone in the running (a place, a reserve, waiting for a decision); those
who left or were not chosen are named as not counted, so every total adds up the same."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.model import Application


@dataclass(frozen=True)
class Counts:
    confirmed: int
    reserve: int
    applied: int
    declined: int
    withdrawn: int

    @property
    def in_the_running(self) -> int:
        return self.confirmed + self.reserve + self.applied

    @property
    def left_out(self) -> int:
        return self.declined + self.withdrawn

    def view(self) -> dict[str, Any]:
        return {
            "people": self.in_the_running,
            "confirmed": self.confirmed,
            "reserve": self.reserve,
            "applied": self.applied,
            "left_out": self.left_out,
        }


def count(applications: Iterable[Application]) -> Counts:
    found = Counter(a.status for a in applications)
    return Counts(
        found["confirmed"], found["reserve"], found["applied"], found["declined"],
        found["withdrawn"],
    )  # fmt: skip
