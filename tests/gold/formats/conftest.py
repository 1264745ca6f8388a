"""Fixtures of the format tests (the documents are described in format_helpers)."""

from __future__ import annotations

import pytest
from format_helpers import news_documents, news_gold_set

from jinbiao.gold import AnnotationSet, Document, load_gold
from jinbiao.gold.paths import DOCUMENTS_DIR


@pytest.fixture()
def news() -> list[Document]:
    return news_documents()


@pytest.fixture()
def news_gold(news) -> AnnotationSet:
    return news_gold_set(news)


@pytest.fixture(scope="session")
def seeds() -> tuple[AnnotationSet, list[Document]]:
    return load_gold(DOCUMENTS_DIR)
