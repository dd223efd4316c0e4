"""What is wrong with a panel file: each problem with its line and field, all at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic_core import PydanticCustomError


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a panel file. `line` counts from 1; None when there is no line."""

    line: int | None
    path: str
    message: str

    def format(self, source_name: str) -> str:
        where = source_name if self.line is None else f"{source_name}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class PanelFileError(Exception):
    """The panel file has problems. `str()` gives every problem, one per line."""

    def __init__(self, source_name: str, problems: Sequence[Problem]) -> None:
        self.source_name = source_name
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(problem.format(self.source_name) for problem in self.problems)


# Cross-field checks raise this error type; its ctx holds (relative location, message) pairs,
# so that one validator can report several problems, each at its own field.
_RULES = "panel_rules"
_Loc = tuple[str | int, ...]


def _raise_problems(problems: Sequence[tuple[_Loc, str]]) -> None:
    if problems:
        summary = "; ".join(message for _, message in problems)
        raise PydanticCustomError(
            _RULES, "{summary}", {"summary": summary, "problems": tuple(problems)}
        )
