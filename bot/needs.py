"""Support needs as short codes, in the spirit of the NHS Accessible Information Standard:
record what a person needs to take part (communication, access, support), never why."""

from __future__ import annotations

NEED_CODES: tuple[str, ...] = (
    "step_free",
    "reading_stand",
    "large_print",
    "bsl",
    "hearing_loop",
    "transport",
    "drinks",
    "dietary",
    "breaks",
    "quiet_room",
    "late_start",
    "companion",
    "carer_cover",
)


def is_need_code(code: str) -> bool:
    return code in NEED_CODES
