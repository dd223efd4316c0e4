"""A PNG grid of people by sessions, each cell yes / maybe / no / no answer, for a phone.

Each answer has its own colour and its own mark, so the grid reads without colour too (and
in black and white). Every cell of one answer is drawn identically, at whole pixels, so a
picture's pixels of each colour are an exact multiple of the cells with that answer.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

Answer = Literal["yes", "maybe", "no", "none"]
ANSWERS: tuple[Answer, ...] = ("yes", "maybe", "no", "none")

WIDTH = 1000  # fits a phone's screen when opened, with the names still readable
NAME_WIDTH = 320
CELL_MIN_WIDTH = 56
ROW_HEIGHT = 40
HEADER_HEIGHT = 64
LEGEND_HEIGHT = 56
GAP = 2  # white lines between cells
FONT_SIZE = 22

BACKGROUND = (255, 255, 255)
INK = (20, 20, 20)
COLOURS: dict[Answer, tuple[int, int, int]] = {
    "yes": (26, 127, 55),  # green
    "maybe": (242, 183, 5),  # amber
    "no": (196, 52, 44),  # red
    "none": (222, 229, 238),  # pale grey-blue: no grey of antialiased text
}
MARK_INK: dict[Answer, tuple[int, int, int]] = {
    "yes": (255, 255, 255),
    "maybe": (20, 20, 20),
    "no": (255, 255, 255),
    "none": (90, 90, 90),
}
MARKS: dict[Answer, str] = {"yes": "Y", "maybe": "?", "no": "N", "none": "-"}


@dataclass(frozen=True)
class Column:
    """One session: a short heading in two lines (such as "S1" and "9 Mar")."""

    top: str
    bottom: str


@cache
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    return ImageFont.load_default(size=FONT_SIZE)


def _fit(draw: ImageDraw.ImageDraw, text: str, width: float) -> str:
    """The text cut to fit `width` pixels, with an ellipsis when it was cut."""
    font = _font()
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def draw_grid(
    names: Sequence[str],
    columns: Sequence[Column],
    answers: Sequence[Sequence[Answer]],
    legend: Mapping[Answer, str],
) -> bytes:
    """`answers[row][column]` for each person (row) and session (column); PNG bytes."""
    # Imported when a picture is drawn, not at start-up: Pillow costs a few MB for all of
    # the bot's life, and only /availability draws.
    from PIL import Image, ImageDraw

    cell_width = max(CELL_MIN_WIDTH, (WIDTH - NAME_WIDTH) // max(1, len(columns)))
    width = max(WIDTH, NAME_WIDTH + cell_width * len(columns))
    height = HEADER_HEIGHT + ROW_HEIGHT * len(names) + LEGEND_HEIGHT
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = _font()
    for n, column in enumerate(columns):
        x = NAME_WIDTH + n * cell_width + cell_width // 2
        draw.text((x, 18), _fit(draw, column.top, cell_width - 4), fill=INK, font=font, anchor="mm")
        draw.text(
            (x, 46), _fit(draw, column.bottom, cell_width - 4), fill=INK, font=font, anchor="mm"
        )
    for row, name in enumerate(names):
        top = HEADER_HEIGHT + row * ROW_HEIGHT
        draw.text(
            (8, top + ROW_HEIGHT // 2),
            _fit(draw, name, NAME_WIDTH - 16),
            fill=INK,
            font=font,
            anchor="lm",
        )
        for n, answer in enumerate(answers[row]):
            left = NAME_WIDTH + n * cell_width
            _cell(draw, left, top, cell_width, answer)
    _legend(draw, height - LEGEND_HEIGHT, legend)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _cell(draw: ImageDraw.ImageDraw, left: int, top: int, width: int, answer: Answer) -> None:
    box = (left + GAP, top + GAP, left + width - GAP - 1, top + ROW_HEIGHT - GAP - 1)
    draw.rectangle(box, fill=COLOURS[answer])
    centre = (left + width // 2, top + ROW_HEIGHT // 2)
    draw.text(centre, MARKS[answer], fill=MARK_INK[answer], font=_font(), anchor="mm")


def _legend(draw: ImageDraw.ImageDraw, top: int, legend: Mapping[Answer, str]) -> None:
    """Each answer's mark in its colour, then its word, across the foot of the picture."""
    x = 8
    swatch = 32
    for answer in ANSWERS:
        y = top + (LEGEND_HEIGHT - swatch) // 2
        draw.rectangle((x, y, x + swatch - 1, y + swatch - 1), fill=COLOURS[answer])
        draw.text(
            (x + swatch // 2, y + swatch // 2), MARKS[answer], fill=MARK_INK[answer],
            font=_font(), anchor="mm",
        )  # fmt: skip
        x += swatch + 8
        words = legend[answer]
        draw.text((x, top + LEGEND_HEIGHT // 2), words, fill=INK, font=_font(), anchor="lm")
        x += int(draw.textlength(words, font=_font())) + 28
