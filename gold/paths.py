"""Where things live: the shipped gold set, and the one workspace rule for everything jinbiao keeps.

The workspace holds trained models (``models/``), the local Label Studio (``studio/``) and
caches. It is ``$JINBIAO_HOME`` when set; otherwise ``.jinbiao/`` in the project: the nearest
directory at or above the working directory that holds a ``.jinbiao/`` folder or a
``pyproject.toml``, else the working directory itself.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLD_DIR = Path(__file__).resolve().parent
ARTICLES_DIR = GOLD_DIR / "articles"  # the source articles, byte for byte
DOCUMENTS_DIR = GOLD_DIR / "documents"  # the adjudicated gold: one JSON file per document
ANNOTATIONS_DIR = GOLD_DIR / "annotations"  # provenance: the individual annotations and exports
GUIDELINES = GOLD_DIR / "GUIDELINES.md"

HOME_ENV = "JINBIAO_HOME"
WORKSPACE_NAME = ".jinbiao"


def project_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The nearest directory at or above `start` (default: the working directory) holding a
    ``.jinbiao/`` folder or a ``pyproject.toml``; `start` itself when there is none."""
    here = Path(start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / WORKSPACE_NAME).is_dir() or (candidate / "pyproject.toml").is_file():
            return candidate
    return here


def workspace_dir(*parts: str) -> Path:
    """``$JINBIAO_HOME`` (or the project's ``.jinbiao/``), joined with `parts`."""
    home = os.environ.get(HOME_ENV)
    base = Path(home).expanduser().resolve() if home else project_root() / WORKSPACE_NAME
    return base.joinpath(*parts)


def models_dir(name: str) -> Path:
    """Where the trained model `name` lives by default."""
    return workspace_dir("models", name)


def studio_dir() -> Path:
    """Where the local Label Studio keeps its data by default."""
    return workspace_dir("studio")
