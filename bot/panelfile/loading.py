"""Reading a panel file: YAML with line numbers, and pydantic's errors turned into plain words
at the line they are about."""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, get_args, get_origin

import yaml
from pydantic import (
    BaseModel,
    ValidationError,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.panelfile.fields import _ZONE, _zone
from bot.panelfile.problems import _RULES, PanelFileError, Problem, _Loc
from bot.panelfile.schema import PanelSpec, _duplicate_id_problems

# A panel file is a few KB; these keep a mistaken or hostile file from costing more than a
# moment (a 543-byte alias bomb grew to 2.4 GB; 20,000 brackets overflowed the stack).
MAX_BYTES = 256 * 1024
MAX_DEPTH = 20


class _TooCostly(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves plain scalars as text, except empty/null, and refuses aliases
    and deep nesting before building anything from them.

    Pydantic turns text into numbers and true/false where the schema wants them, so text
    fields keep exactly what was written ('0123' stays '0123', 'no' stays 'no') and times
    such as 2027-03-04 10:00 reach our own parser.
    """

    _depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise _TooCostly(
                line,
                "a YAML alias (*name) is not allowed in a panel file: "
                "write the value out in full instead",
            )
        if self._depth >= MAX_DEPTH:
            raise _TooCostly(
                line,
                f"the file is nested too deeply (more than {MAX_DEPTH} levels): "
                "a panel file needs only a few; check the brackets and indenting",
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag.rsplit(":", 1)[-1] not in ("bool", "int", "float", "timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _yaml_problem(error: yaml.YAMLError) -> Problem:
    line: int | None = None
    started: int | None = None
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line = None if mark is None else mark.line + 1
        if error.context_mark is not None and error.context_mark.line + 1 != line:
            started = error.context_mark.line + 1
        what = error.problem or error.context or "the layout is broken"
        everything = f"{error.context or ''} {error.problem or ''}"
    else:
        what = everything = str(error)
    if "\\t" in everything or "\t" in everything:
        hint = "use spaces, not tabs, to indent"
    elif "mapping values are not allowed" in everything:
        hint = "a ':' is in the wrong place; put text that has ': ' in it inside quotes"
    elif "expected a single document" in everything:
        hint = "the file should hold one panel, with no '---' line in the middle"
        started = None
    else:
        hint = "check the indenting (spaces only) and put text with ':' or '#' in quotes"
    if started is not None:
        hint += f" (the part with the mistake starts on line {started})"
    return Problem(line, "", f"the YAML layout is broken here ({what}): {hint}")


def _duplicate_keys(root: Node) -> Iterator[Problem]:
    seen_nodes: set[int] = set()

    def walk(node: Node, loc: _Loc) -> Iterator[Problem]:
        if id(node) in seen_nodes:
            return
        seen_nodes.add(id(node))
        if isinstance(node, MappingNode):
            lines: dict[str, int] = {}
            for key, value in node.value:
                if not isinstance(key, ScalarNode):
                    continue
                line = key.start_mark.line + 1
                if key.value in lines:
                    yield Problem(
                        line,
                        _format_path((*loc, key.value)),
                        f"is written twice (also on line {lines[key.value]}); keep only one",
                    )
                lines[key.value] = line
                yield from walk(value, (*loc, key.value))
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                yield from walk(item, (*loc, index))

    yield from walk(root, ())


def _odd_character(text: str) -> str | None:
    """The first character that cannot be saved, or that hides or reorders text."""
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs" or (category == "Cc" and char not in "\t\n\r"):
            return char
        # Zero-width, direction overrides, byte order marks; the joiner inside emoji is kept.
        if category == "Cf" and char != "\u200d":
            return char
    return None


def _odd_problem(line: int, path: str, char: str) -> Problem:
    if unicodedata.category(char) == "Cs":
        message = (
            f"has a broken character (\\u{ord(char):04x}) that cannot be saved: "
            "type this text again"
        )
    else:
        message = (
            f"has an invisible or control character (U+{ord(char):04X}) that could hide "
            "or reorder the text people see: delete it"
        )
    return Problem(line, path, message)


def _odd_strings(root: Node) -> Iterator[Problem]:
    def walk(node: Node, loc: _Loc) -> Iterator[Problem]:
        if isinstance(node, ScalarNode):
            odd = _odd_character(node.value)
            if odd is not None:
                yield _odd_problem(node.start_mark.line + 1, _format_path(loc), odd)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                odd = _odd_character(key.value) if isinstance(key, ScalarNode) else None
                if odd is not None:
                    # The field's name itself is odd: name only where it sits.
                    yield _odd_problem(key.start_mark.line + 1, _format_path(loc), odd)
                    continue
                yield from walk(value, (*loc, key.value))
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                yield from walk(item, (*loc, index))

    yield from walk(root, ())


def _reader_problem(text: str, error: yaml.reader.ReaderError) -> Problem:
    line = text.count("\n", 0, error.position) + 1
    char = chr(error.character) if isinstance(error.character, int) else "\x00"
    return _odd_problem(line, "", char)


def _format_path(loc: Sequence[Any]) -> str:
    """('sessions', 1, 'end') -> 'sessions[2].end' (list items count from 1)."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _locate(root: Node, loc: Sequence[Any]) -> int | None:
    """The line of the deepest part of `loc` found in the YAML tree (None: not even the first).

    For a mapping entry this is the line of its key; for a list item, where the item starts.
    """
    node, line = root, None
    for part in loc:
        if isinstance(node, MappingNode):
            found = None
            for key, value in node.value:  # the last of duplicate keys wins, as when loading
                if isinstance(key, ScalarNode) and key.value == str(part):
                    found = (key, value)
            if found is None:
                return line
            line, node = found[0].start_mark.line + 1, found[1]
        elif isinstance(node, SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if get_origin(annotation) is None and isinstance(annotation, type):
        return annotation if issubclass(annotation, BaseModel) else None
    for argument in get_args(annotation):
        found = _find_model(argument)
        if found is not None:
            return found
    return None


def _model_at(loc: Sequence[Any]) -> type[BaseModel] | None:
    model: type[BaseModel] = PanelSpec
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        found = None if field is None else _find_model(field.annotation)
        if found is None:
            return None
        model = found
    return model


_NUMBER = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?")


def _show(value: Any) -> str:
    """A value as the coordinator wrote it: text in quotes, numbers bare."""
    bare = not isinstance(value, str) or _NUMBER.fullmatch(value.strip())
    text = str(value).strip() if bare else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _plain_message(error: Any) -> str:
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    given = error.get("input")
    loc = tuple(error["loc"])
    if kind == "missing":
        return "is missing: it must be filled in"
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else "?"
        model = _model_at(loc[:-1])
        allowed = list(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        if close:
            return f"unknown field '{name}' (did you mean '{close[0]}'?)"
        if allowed:
            return f"unknown field '{name}'; the fields allowed here are: {', '.join(allowed)}"
        return f"unknown field '{name}'"
    if given is None and kind.endswith("_type"):
        return "is empty: write something after the ':'"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "string_type":
        return f"should be text, not {_show(given)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        length = len(given.strip()) if isinstance(given, str) else "?"
        return f"is too long: {length} characters, and at most {ctx['max_length']} fit"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"should be a whole number, not {_show(given)}"
    if kind in ("float_type", "float_parsing"):
        return f"should be a number, not {_show(given)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"should be true or false, not {_show(given)}"
    if kind in ("list_type", "tuple_type"):
        return "should be a list, with one '- ' line for each item"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "should be a group of 'name: value' lines, indented under it"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return f"needs at least {least} item{'' if least == 1 else 's'}"
    if kind == "too_long":
        return f"has too many items: at most {ctx.get('max_length')}"
    if kind == "greater_than_equal":
        return f"must be {ctx['ge']} or more, not {_show(given)}"
    if kind == "less_than_equal":
        return f"must be {ctx['le']} or less, not {_show(given)}"
    if kind == "greater_than":
        return f"must be more than {ctx['gt']}, not {_show(given)}"
    if kind == "less_than":
        return f"must be less than {ctx['lt']}, not {_show(given)}"
    if kind == "literal_error":
        return f"must be one of: {ctx.get('expected')}"
    return str(error["msg"])


def _problems_from(error: ValidationError, root: Node) -> list[Problem]:
    problems: list[Problem] = []
    for item in error.errors():
        loc: _Loc = tuple(item["loc"])
        ctx = item.get("ctx") or {}
        if item["type"] == _RULES and "problems" in ctx:
            for sub, message in ctx["problems"]:
                where = (*loc, *sub)
                problems.append(Problem(_locate(root, where), _format_path(where), message))
        else:
            problems.append(Problem(_locate(root, loc), _format_path(loc), _plain_message(item)))
    return problems


def _compose(text: str) -> tuple[Node | None, Any]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()
    return node, data


def _too_big() -> Problem:
    return Problem(
        None,
        "",
        f"the file is too big (over {MAX_BYTES // 1024} KB; a panel file is usually under "
        "10 KB): check it is the right file",
    )


def parse_panel_text(
    text: str, *, default_timezone: str, source_name: str = "panel.yaml"
) -> PanelSpec:
    """Read a panel file's text. Naive times are in the file's `timezone`, else the default.

    Raises PanelFileError listing every problem; ValueError if `default_timezone` is unknown.
    """
    default_zone = _zone(default_timezone)
    text = text.removeprefix("\ufeff")

    def fail(*problems: Problem) -> PanelFileError:
        return PanelFileError(source_name, problems)

    if not text.strip():
        raise fail(
            Problem(None, "", "the file is empty: start from the example (panelbot panel example)")
        )
    if len(text) > MAX_BYTES:
        raise fail(_too_big())
    try:
        root, data = _compose(text)
    except _TooCostly as refused:
        raise fail(Problem(refused.line, "", refused.message)) from None
    except yaml.reader.ReaderError as error:
        raise fail(_reader_problem(text, error)) from None
    except yaml.YAMLError as error:
        raise fail(_yaml_problem(error)) from None
    if root is None:
        raise fail(Problem(None, "", "the file has no panel in it, only comments"))
    if not isinstance(root, MappingNode) or not isinstance(data, dict):
        shape = "a list" if isinstance(root, SequenceNode) else "a single value"
        raise fail(
            Problem(
                root.start_mark.line + 1,
                "",
                f"the file holds {shape}, but it should be 'name: value' lines, "
                "starting at the left edge (like 'code: ...')",
            )
        )

    odd = list(_odd_strings(root))
    if odd:
        # Alone: the schema's messages would quote these characters back.
        raise fail(*odd)
    problems = list(_duplicate_keys(root))
    zone = default_zone
    raw_zone = data.get("timezone")
    if isinstance(raw_zone, str):
        # An unknown zone is reported by validation; read times in the default zone meanwhile.
        with contextlib.suppress(ValueError):
            zone = _zone(raw_zone.strip())
    raw_sessions = data.get("sessions")
    if isinstance(raw_sessions, list):
        ids = [item.get("id") if isinstance(item, dict) else None for item in raw_sessions]
        for loc, message in _duplicate_id_problems(ids):
            problems.append(Problem(_locate(root, loc), _format_path(loc), message))
    try:
        spec = PanelSpec.model_validate(data, context={_ZONE: zone})
    except ValidationError as error:
        problems.extend(_problems_from(error, root))
    else:
        if not problems:
            return spec
    unique = list(dict.fromkeys(problems))
    unique.sort(key=lambda problem: problem.line or 0)
    raise fail(*unique)


def load_panel_file(path: str | os.PathLike[str], *, default_timezone: str) -> PanelSpec:
    """Read a panel file from disk; see `parse_panel_text`."""
    source_name = os.fspath(path)
    try:
        with Path(path).open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise PanelFileError(source_name, [Problem(None, "", "there is no such file")]) from None
    except OSError as error:
        message = f"the file could not be read ({error.strerror or error})"
        raise PanelFileError(source_name, [Problem(None, "", message)]) from None
    if len(raw) > MAX_BYTES:
        raise PanelFileError(source_name, [_too_big()])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        message = (
            "the file is not saved as UTF-8 text: save it again as UTF-8 "
            "(most editors offer this under 'Save as' or 'Encoding')"
        )
        raise PanelFileError(source_name, [Problem(line, "", message)]) from None
    return parse_panel_text(text, default_timezone=default_timezone, source_name=source_name)
