from __future__ import annotations

import pytest

from jinbiao.annotate.corpus import load_corpus
from jinbiao.gold import Document
from jinbiao.gold.paths import ARTICLES_DIR, HOME_ENV


@pytest.fixture(scope="session")
def seed_documents() -> dict[str, Document]:
    """The five seed articles, normalized, by id."""
    return {document.id: document for document in load_corpus([ARTICLES_DIR])}


@pytest.fixture(scope="session")
def seed_raw() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(ARTICLES_DIR.glob("*.txt"))}


@pytest.fixture(scope="session", autouse=True)
def private_workspace(tmp_path_factory):
    """Models and everything else jinbiao keeps go to a workspace of this test session, never the
    checkout's `.jinbiao/`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(HOME_ENV, str(tmp_path_factory.mktemp("workspace")))
        yield
