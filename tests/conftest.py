from __future__ import annotations

import os

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


@pytest.fixture(scope="session", autouse=True)
def private_model_dir(tmp_path_factory):
    """Trained models go to a directory of this test session, never the checkout's `.jinbiao/`."""
    previous = os.environ.get("JINBIAO_MODEL_DIR")
    os.environ["JINBIAO_MODEL_DIR"] = str(tmp_path_factory.mktemp("models"))
    yield
    if previous is None:
        os.environ.pop("JINBIAO_MODEL_DIR", None)
    else:
        os.environ["JINBIAO_MODEL_DIR"] = previous
