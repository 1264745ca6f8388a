"""A three-sentence corpus with gold spans, small enough to train a CRF on in a test."""

from __future__ import annotations

from jinbiao.gold import AnnotationSet, Document

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
