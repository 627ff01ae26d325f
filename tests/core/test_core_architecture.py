"""The layers of docs/ARCHITECTURE.md, held against the code's own imports (read with
``ast``: every ``import`` and ``from ... import`` of ``hemicycle``, those inside functions
too). A package imports only packages on lower floors; no two packages import each other,
however far round; migrations import nothing of ours."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "hemicycle"
MIGRATIONS = SRC / "catalogue" / "migrations"

# package (or top-level module) -> its floor; keep in step with docs/ARCHITECTURE.md
FLOORS: dict[str, int] = {
    "config": 0, "characters": 0, "languages": 0, "marc21": 0, "messages": 0,
    "symbols": 1,
    "catalogue": 2, "describe": 2,
    "accounts": 3, "storage": 3, "thesaurus": 3, "usage": 3,
    "documents": 4, "search": 4, "subjects": 4, "proceedings": 4,
    "review": 5, "knowledge": 5,
    "ingest": 6, "digitise": 6,
    "interop": 7,
    "web": 8,
    "cli": 9,
}


def _packages() -> set[str]:
    found = {p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()}
    return found | {p.stem for p in SRC.glob("*.py") if p.stem != "__init__"}


def _imported(tree: ast.AST) -> list[tuple[str, int]]:
    """Every ``hemicycle.x...`` module an AST imports, with the line."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "hemicycle":
                out += [(f"hemicycle.{alias.name}", node.lineno) for alias in node.names]
            else:
                out.append((node.module, node.lineno))
    return [(name, line) for name, line in out if name.startswith("hemicycle.")]


def _package_imports() -> dict[tuple[str, str], list[str]]:
    """(importer, imported) package pairs -> where (file:line)."""
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in SRC.rglob("*.py"):
        if MIGRATIONS in path.parents:
            continue
        rel = path.relative_to(SRC)
        importer = rel.parts[0].removesuffix(".py")
        for name, line in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            imported = name.split(".")[1]
            if imported != importer:
                pairs[(importer, imported)].append(f"{rel}:{line}")
    return pairs


def _cycles(pairs) -> list[list[str]]:
    """The package cycles (strongly connected components of two or more packages)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        graph[a].add(b)
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in order:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], order[nxt])
        if low[node] == order[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in order:
            visit(node)
    return found


def test_every_package_has_a_floor() -> None:
    assert _packages() - set(FLOORS) == set(), "give the new package a floor (and a line " \
        "in docs/ARCHITECTURE.md)"
    gone = set(FLOORS) - _packages()
    assert gone == set(), "a package is gone: take it off the table"


def test_no_package_cycle() -> None:
    pairs = _package_imports()
    cycles = _cycles(pairs)
    described = [" <-> ".join(c) + ": " + "; ".join(
        f"{a} -> {b} ({', '.join(pairs[(a, b)][:3])})"
        for a in c for b in c if (a, b) in pairs) for c in cycles]
    assert described == []


def test_packages_import_only_lower_floors() -> None:
    wrong = [f"{a} (floor {FLOORS[a]}) imports {b} (floor {FLOORS[b]}): "
             f"{', '.join(where[:3])}"
             for (a, b), where in sorted(_package_imports().items())
             if a in FLOORS and b in FLOORS and FLOORS[b] >= FLOORS[a]]
    assert wrong == []


def test_migrations_are_self_contained() -> None:
    """A migration applies a rule as it was at its revision: it never imports our code,
    which moves on (env.py alone reads the models' metadata)."""
    wrong = [f"{path.relative_to(SRC)}:{line}: {name}"
             for path in sorted((MIGRATIONS / "versions").glob("*.py"))
             for name, line in _imported(ast.parse(path.read_text(encoding="utf-8")))]
    assert wrong == []


def test_the_check_reads_imports_inside_functions_too() -> None:
    tree = ast.parse("def f():\n    from hemicycle.web import app\n"
                     "import hemicycle.search.index\nfrom hemicycle import symbols\n")
    assert sorted(name for name, _ in _imported(tree)) == [
        "hemicycle.search.index", "hemicycle.symbols", "hemicycle.web"]
    assert _cycles({("a", "b"): [], ("b", "c"): [], ("c", "a"): [], ("c", "d"): []}) == [
        ["a", "b", "c"]]
