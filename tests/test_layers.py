"""Imports run one way down the layers of DESIGN.md §3: reports → meetings, peerlog → chores →
residents → soberhouse. soberhouse's urls.py and celery.py are the frame that wires apps in."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYER = {"soberhouse": 0, "residents": 1, "chores": 2, "meetings": 3, "peerlog": 3, "reports": 4}
FRAME = {ROOT / "soberhouse" / "urls.py", ROOT / "soberhouse" / "celery.py"}


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("app", sorted(LAYER))
def test_an_app_imports_only_the_layers_below_it(app):
    wrong = []
    for path in (ROOT / app).rglob("*.py"):
        if path in FRAME or "migrations" in path.parts:
            continue
        for module in _imports(path):
            top = module.split(".")[0]
            if top in LAYER and top != app and LAYER[top] >= LAYER[app]:
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []
