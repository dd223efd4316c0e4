"""CSV files for coordinators (finance, feedback): UTF-8 with a BOM so Excel reads it right."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    """Text a person typed, made safe: a spreadsheet runs a cell starting with = as a formula."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def csv_bytes(lines: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    return out.getvalue().encode("utf-8-sig")
