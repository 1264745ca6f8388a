"""The house's rules, checked on the code: arrows only point down, rooms are imported one way."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# room -> the jinbiao rooms it may import (besides itself)
MAY_IMPORT = {
    "gold": set(),
    "baselines": {"gold"},
    "evaluate": {"gold"},
    "annotate": {"gold"},
}
ROOMS = set(MAY_IMPORT)


def imported_rooms(path: Path, room: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "jinbiao":
                target = parts[1] if len(parts) > 1 else "jinbiao"
                found.add(target if target in ROOMS else "jinbiao")
            elif parts[0] in ROOMS:
                found.add(f"bare {parts[0]}")
    found.discard(room)
    return found


@pytest.mark.parametrize("room", sorted(MAY_IMPORT))
def test_a_room_imports_only_the_rooms_below_it(room):
    wrong = {}
    for path in sorted((ROOT / room).rglob("*.py")):
        bad = imported_rooms(path, room) - MAY_IMPORT[room]
        if bad:
            wrong[str(path.relative_to(ROOT))] = sorted(bad)
    assert wrong == {}


@pytest.mark.parametrize("room", sorted(MAY_IMPORT))
def test_a_room_imported_by_its_bare_name_names_the_right_import(room):
    result = subprocess.run(
        [sys.executable, "-c", f"import {room}"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert f"this folder is installed as jinbiao.{room}: write `import jinbiao.{room}`" in result.stderr


def test_the_installed_rooms_are_the_checkout_folders():
    import jinbiao.annotate.corpus
    import jinbiao.gold

    assert Path(jinbiao.gold.__file__).parent == ROOT / "gold"
    assert Path(jinbiao.annotate.corpus.__file__).parent == ROOT / "annotate" / "corpus"
