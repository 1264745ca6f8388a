from __future__ import annotations

import pytest
from jinbiao.annotate.corpus import load_corpus
from jinbiao.gold import Document
from jinbiao.gold.paths import ARTICLES_DIR


@pytest.fixture(scope="session")
def seed_documents() -> dict[str, Document]:
    """The five seed articles, normalized, by id."""
    return {document.id: document for document in load_corpus([ARTICLES_DIR])}


@pytest.fixture(scope="session")
def seed_raw() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(ARTICLES_DIR.glob("*.txt"))}
