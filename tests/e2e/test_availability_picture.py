"""/availability also sends a picture: a PNG grid of people by sessions, readable on a phone
and without colour, sent as a file through the real Application."""

from __future__ import annotations

import io
from collections import Counter

from PIL import Image

from bot import grid_picture
from bot.standin.api import FakeUser
from tests.conftest import EXAMPLE_CODE, World
from tests.coordinating import rows, seed


def _grid_pixels(png: bytes) -> tuple[tuple[int, int], Counter[tuple[int, int, int]]]:
    """The picture's size, and its pixels by colour above the legend."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    grid = image.crop((0, 0, image.width, image.height - grid_picture.LEGEND_HEIGHT))
    colours = grid.getcolors(maxcolors=grid.width * grid.height) or []
    return image.size, Counter({colour: n for n, colour in colours})


def _pixels_per_cell(sessions: int) -> dict[str, int]:
    """How many pixels of its own colour one cell of each answer has, in a grid this wide."""
    counted = {}
    for answer in grid_picture.ANSWERS:
        png = grid_picture.draw_grid(
            ["x"], [grid_picture.Column("S1", "1 Jan")] * sessions, [[answer] * sessions],
            {a: a for a in grid_picture.ANSWERS},
        )  # fmt: skip
        _, pixels = _grid_pixels(png)
        counted[answer], rest = divmod(pixels[grid_picture.COLOURS[answer]], sessions)
        assert rest == 0
    return counted


async def test_availability_sends_a_grid_picture_with_one_cell_per_answer(
    world: World, coordinator: FakeUser
) -> None:
    await seed(world, 12)
    reply = await world.harness.say(coordinator, f"/availability {EXAMPLE_CODE}")
    [picture] = [m for m in reply.messages if m.document is not None]
    name, png = picture.document
    assert name == f"{EXAMPLE_CODE}-availability.png"
    assert png.startswith(b"\x89PNG")
    assert "Who can come, as a picture" in picture.text and "Y yes, ? maybe, N no" in picture.text
    answers = await rows(
        world,
        "SELECT av.answer, count(*) FROM availability av JOIN sessions s ON s.id = av.session_id "
        "WHERE s.cancelled = 0 GROUP BY av.answer",
    )
    expected = dict(answers)
    sessions = (await rows(world, "SELECT count(*) FROM sessions WHERE cancelled = 0"))[0][0]
    expected["none"] = 12 * sessions - sum(expected.values())
    (width, height), pixels = _grid_pixels(png)
    assert width == grid_picture.WIDTH  # a phone's width, whatever the number of sessions
    assert height == (
        grid_picture.HEADER_HEIGHT + 12 * grid_picture.ROW_HEIGHT + grid_picture.LEGEND_HEIGHT
    )
    per_cell = _pixels_per_cell(sessions)
    for answer in grid_picture.ANSWERS:
        colour = grid_picture.COLOURS[answer]
        assert pixels[colour] == expected.get(answer, 0) * per_cell[answer], answer
    assert sum(expected.values()) == 12 * sessions and expected.get("yes", 0) > 0


def test_long_names_are_cut_to_fit_and_each_answer_has_its_own_mark() -> None:
    long_name = "Bartholomew-Alexander Featherstonehaugh-Worthington"
    png = grid_picture.draw_grid(
        [long_name, "Bea"],
        [grid_picture.Column("S1", "9 Mar"), grid_picture.Column("S2", "16 Mar")],
        [["yes", "no"], ["maybe", "none"]],
        {a: a for a in grid_picture.ANSWERS},
    )
    image = Image.open(io.BytesIO(png)).convert("RGB")
    bottom = grid_picture.HEADER_HEIGHT + 2 * grid_picture.ROW_HEIGHT
    edge = image.crop((grid_picture.NAME_WIDTH - 8, grid_picture.HEADER_HEIGHT,
                       grid_picture.NAME_WIDTH, bottom))  # fmt: skip
    assert edge.getcolors() == [(8 * 2 * grid_picture.ROW_HEIGHT, grid_picture.BACKGROUND)]
    assert len(set(grid_picture.MARKS.values())) == len(grid_picture.ANSWERS)
