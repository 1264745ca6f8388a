"""A three-sentence corpus with gold spans, small enough to train a CRF on in a test (well under a second)."""

from __future__ import annotations

from pathlib import Path

from jinbiao.gold import AnnotationSet, Document, write_gold_document

TINY = {
    "t1": ("岳长海说，北京市国资委5月9日开会。", [(0, 3, "PERSON"), (5, 11, "ORG"), (11, 15, "DATE")]),
    "t2": ("华夏银行在朝阳区设立18个网点。", [(0, 4, "ORG"), (5, 8, "GPE"), (10, 12, "CARDINAL")]),
    "t3": ("2月7日，刘琳来到北京西站。", [(0, 4, "DATE"), (5, 7, "PERSON"), (9, 13, "FAC")]),
}
FAST = {"max_iterations": 40}


def tiny_documents() -> list[Document]:
    return [Document(doc_id, text) for doc_id, (text, _) in TINY.items()]


def tiny_gold(documents: list[Document]) -> AnnotationSet:
    gold = AnnotationSet(name="gold", kind="gold")
    for document in documents:
        gold.add_document(document, [document.span(s, e, label) for s, e, label in TINY[document.id][1]])
    return gold


def write_tiny_gold(directory: Path, *, drop_last_span_of: str | None = None) -> Path:
    """The tiny corpus as a gold directory (one file per document); `drop_last_span_of` changes the gold."""
    for document in tiny_documents():
        spans = [document.span(s, e, label) for s, e, label in TINY[document.id][1]]
        if document.id == drop_last_span_of:
            spans = spans[:-1]
        write_gold_document(directory / f"{document.id}.json", document, spans, annotators=["test"], overwrite=True)
    return directory
