"""The package's shape: the folders are the pipeline's stages (generator/__init__.py), no import
runs back up a stage, nothing imports in a circle, and no module grows past 500 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "generator"
# Each stage may import from its own floor and the ones below it.
FLOORS = {
    "core": 0,
    "ingest": 1,
    "search": 2,
    "render": 3,
    "site": 4,
    "project": 5,
    "cli": 5,
    "reference": 6,  # the handbook's generated pages: they read the CLI
}
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def floor(module: str) -> int:
    parts = module.split(".")
    stage = parts[1] if len(parts) > 1 else "core"
    if stage == "__main__":
        stage = "cli"
    return FLOORS.get(stage, FLOORS["core"])


def imports_of(module: str) -> set[str]:
    """The generator modules ``module`` imports, anywhere in its body (deferred ones too)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found |= {
                f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names
            }
    return {name for name in found if name in MODULES and name != module}


GRAPH = {module: imports_of(module) for module in MODULES}


def test_every_stage_is_known():
    stages = {m.split(".")[1] for m in MODULES if m.count(".") >= 1}
    unknown = {s for s in stages if s not in FLOORS and (PACKAGE / s).is_dir()}
    assert not unknown, f"a stage folder without a floor in FLOORS: {unknown}"


def upward(graph: dict[str, set[str]]) -> list[str]:
    return [
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in sorted(targets)
        if floor(target) > floor(module)
    ]


def cycles(graph: dict[str, set[str]]) -> list[str]:
    found: list[str] = []
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                found.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


def test_no_import_runs_back_up_a_stage():
    assert not upward(GRAPH), "\n".join(upward(GRAPH))


def test_no_import_cycles():
    assert not cycles(GRAPH), "\n".join(cycles(GRAPH))


def test_the_checks_catch_what_they_claim():
    """The real graph's edges are read (the project imports render, the store merge); an upward edge
    and a cycle added to it are reported."""
    assert "generator.render.pages" in GRAPH["generator.project"]
    bad = {**GRAPH, "generator.store": GRAPH["generator.store"] | {"generator.render.pages"}}
    assert upward(bad) == ["generator.store imports generator.render.pages"]
    looped = {**GRAPH, "generator.merge": GRAPH["generator.merge"] | {"generator.store"}}
    assert "generator.merge" in GRAPH["generator.store"]
    assert cycles(looped) == ["generator.merge -> generator.store -> generator.merge"]


@pytest.mark.parametrize(
    "path",
    sorted([*PACKAGE.rglob("*.py"), *PACKAGE.glob("theme/assets/javascripts/*.js")]),
    ids=lambda p: p.relative_to(PACKAGE).as_posix(),
)
def test_no_module_over_500_lines(path: Path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines"
