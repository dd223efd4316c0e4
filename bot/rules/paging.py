"""Which page numbers a long list offers as buttons: the first, the last, and those near the
one shown, so 400 people take as few taps as 40."""

from __future__ import annotations

NEAR = 2


def page_count(items: int, size: int) -> int:
    return max(1, -(-items // size))


def page_numbers(page: int, pages: int) -> list[int]:
    """0-based page numbers to offer, in order, always including the current one."""
    if pages <= 1:
        return []
    near = range(max(0, page - NEAR), min(pages, page + NEAR + 1))
    return sorted({0, pages - 1, *near})
