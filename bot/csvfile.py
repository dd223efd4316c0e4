"""CSV files for coordinators (roster, finance, feedback): UTF-8 with a byte order mark, so
spreadsheet programs read names' accents right, and no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from bot.text import without_hidden

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: anything that could start a formula is quoted, and
    nothing hidden (direction overrides, zero-width spaces) can disguise what it says."""
    text = "" if value is None else without_hidden(str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
