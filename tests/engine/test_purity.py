"""The engine is pure: no Django, no other keystage package, no clock, no global random."""

from __future__ import annotations

import ast
from pathlib import Path

import keystage.engine

ENGINE = Path(keystage.engine.__file__).parent
FORBIDDEN = ("django", "rest_framework", "random")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_engine_modules_import_nothing_impure() -> None:
    modules = sorted(ENGINE.rglob("*.py"))
    assert len(modules) >= 10
    for module in modules:
        for name in _imports(module):
            assert not name.startswith(FORBIDDEN), f"{module.name} imports {name}"
            if name.startswith("keystage"):
                assert name.startswith("keystage.engine"), f"{module.name} imports {name}"


def test_engine_reads_no_clock_and_no_global_random_state() -> None:
    for module in ENGINE.rglob("*.py"):
        text = module.read_text()
        for call in (".now(", ".today(", "time.time(", "np.random.seed", "np.random.rand"):
            assert call not in text, f"{module.name} calls {call}"
