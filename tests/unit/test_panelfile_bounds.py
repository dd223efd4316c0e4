"""Panel files cost a bounded amount to read: a size limit, no YAML aliases, bounded nesting,
and every character that cannot be stored or would hide text is one problem at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.panelfile import PanelFileError, Problem, load_panel_file, parse_panel_text
from bot.panelfile.loading import MAX_BYTES, MAX_DEPTH

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "panel.yaml"
TEXT = EXAMPLE.read_text(encoding="utf-8")
LONDON = "Europe/London"


def alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        refs = ",".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def deep_nesting(depth: int) -> str:
    return "code: abc\nbidders: " + "[" * depth + "]" * depth + "\n"


def only_problem(text: str) -> Problem:
    with pytest.raises(PanelFileError) as caught:
        parse_panel_text(text, default_timezone=LONDON, source_name="panel.yaml")
    assert len(caught.value.problems) == 1, caught.value.problems
    [problem] = caught.value.problems
    str(caught.value).encode("utf-8")  # printable: no lone surrogate in the message
    return problem


def edit(old: str, new: str) -> str:
    assert TEXT.count(old) == 1
    return TEXT.replace(old, new)


def line_of(text: str, needle: str) -> int:
    [line] = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return line


def test_an_alias_bomb_is_refused_at_its_first_alias() -> None:
    problem = only_problem(alias_bomb())
    assert problem.line == 2 and "alias" in problem.message


def test_even_one_harmless_alias_is_refused() -> None:
    text = edit("places: 6\n", "places: &six 6\n").replace(
        "retention_months: 6", "retention_months: *six"
    )
    problem = only_problem(text)
    assert problem.line == line_of(text, "*six") and "alias" in problem.message


def test_deep_nesting_is_one_problem_not_a_crash() -> None:
    problem = only_problem(deep_nesting(20_000))
    assert problem.line == 2 and "nested" in problem.message
    assert str(MAX_DEPTH) in problem.message


def test_nesting_within_the_bound_is_read_as_usual() -> None:
    depth = MAX_DEPTH - 3  # under the file's own mapping and the bidders list
    text = edit("  - Brightwater Wellbeing CIC\n", "  - " + "[" * depth + "]" * depth + "\n")
    problem = only_problem(text)
    assert problem.path == "bidders[1]" and problem.message.startswith("should be text")


def test_a_lone_surrogate_is_one_problem_at_its_line() -> None:
    text = edit("title: Help choose who", 'title: "Help choose \\ud800 who').replace(
        "Ashbridge day services\n", 'Ashbridge day services"\n', 1
    )
    problem = only_problem(text)
    assert (problem.line, problem.path) == (line_of(text, "\\ud800"), "title")
    assert "cannot be saved" in problem.message


@pytest.mark.parametrize("escape", ["\\u202e", "\\u200b", "\\x07", "\\u2066", "\\ufeff"])
def test_invisible_and_control_characters_are_one_problem(escape: str) -> None:
    text = edit("  - Larkfield Recovery Partnership", f'  - "Larkfield{escape} Recovery"')
    problem = only_problem(text)
    assert problem.line == line_of(text, escape) and problem.path.startswith("bidders")
    assert f"U+{ord(escape.encode().decode('unicode_escape')):04X}" in problem.message


def test_a_raw_control_character_is_one_problem_at_its_line() -> None:
    text = edit("places: 6\n", "places: 6\x07\n")
    problem = only_problem(text)
    assert problem.line == line_of(text, "places: 6") and "U+0007" in problem.message


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(TEXT + "#" * MAX_BYTES + "\n", encoding="utf-8")
    with pytest.raises(PanelFileError) as caught:
        load_panel_file(path, default_timezone=LONDON)
    [problem] = caught.value.problems
    assert problem.line is None and "too big" in problem.message


def test_the_example_is_well_within_the_bounds() -> None:
    assert len(TEXT.encode("utf-8")) < MAX_BYTES / 10
    assert load_panel_file(EXAMPLE, default_timezone=LONDON).code == "ashbridge-day-2027"
