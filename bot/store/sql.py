"""Small helpers for set-based queries: `IN (?, ?, ...)` lists, in bounded chunks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

# Well under SQLite's limit on bound parameters, whatever version it was built with.
CHUNK = 500


def marks(count: int) -> str:
    """The "?, ?, ?" of an IN list of `count` values (at least one, or the SQL is invalid)."""
    if count < 1:
        raise ValueError("an IN list needs at least one value")
    return ", ".join("?" * count)


def chunked(items: Iterable[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
