from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_helpers import build_template


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("template") / "work")


@pytest.fixture
def work(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the user's directory, as the working directory."""
    root = tmp_path / "work"
    shutil.copytree(template, root, symlinks=True)
    monkeypatch.chdir(root)
    return root
