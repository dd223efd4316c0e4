"""The house's shape: no circle of imports anywhere in the product.

The floors themselves (what may use what) are import-linter's contracts in pyproject.toml,
run in CI as `lint-imports`; a layers contract does not look inside one floor, so circles
within a floor are caught here, from the same import graph (grimp, which import-linter uses).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import grimp


def circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph.find_modules_directly_imported_by(module)):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_round_a_circle() -> None:
    graph = grimp.build_graph("bot", "scheduler", "messages")
    assert circles(graph) == []


def test_a_circle_would_be_found() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="a")
    graph.add_import(importer="b", imported="c")
    assert circles(graph) == [["a", "b"]]


SQL_START = re.compile(
    r"\s*(SELECT .* FROM|INSERT (OR \w+ )?INTO|UPDATE \w+ SET|DELETE FROM"
    r"|CREATE (TABLE|INDEX|TRIGGER)|PRAGMA) "
)
ROOT = Path(__file__).resolve().parents[2]


def sql_outside_the_store() -> list[str]:
    """String constants that start like SQL, in product code other than bot/store."""
    found = []
    for folder in ("bot", "scheduler", "messages"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(("bot/store/", "bot/standin/")):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                text = node.value if isinstance(node, ast.Constant) else None
                if isinstance(text, str) and SQL_START.match(text):
                    found.append(f"{relative}:{node.lineno}")
    return found


def test_sql_lives_in_the_store() -> None:
    assert sql_outside_the_store() == []
