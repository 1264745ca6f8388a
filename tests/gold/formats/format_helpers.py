"""Helpers of the format tests: two hand-made news snippets and the five seeds.

``news-1``: whitespace inside a name (``李 刚``), a character outside the BMP (𠮷) and an emoji;
``news-2``: Traditional text with a raw article (indentation and a pinyin gloss removed), so
raw offsets have something to map.
"""

from __future__ import annotations

from array import array
from pathlib import Path

from jinbiao.gold import AnnotationSet, Document, DocumentAnnotations, Span

DATA = Path(__file__).resolve().parents[2] / "data" / "formats"

NEWS_1 = "李 刚在北京市国资委工作。\n𠮷野家😀开到上海。"
NEWS_2_RAW = "  二〇二二年五月九日，濟(ji)南市召開會議。\n"
NEWS_2_REMOVED = {0, 1, 13, 14, 15, 16, 24}  # the indentation, "(ji)" and the final line break


def normalized(raw: str, removed: set[int]) -> tuple[str, array]:
    kept = [i for i in range(len(raw)) if i not in removed]
    return "".join(raw[i] for i in kept), array("q", kept)


def news_documents() -> list[Document]:
    text, offsets = normalized(NEWS_2_RAW, NEWS_2_REMOVED)
    return [
        Document("news-1", NEWS_1, source="news-1.txt"),
        Document("news-2", text, source="news-2.txt", offsets=offsets),
    ]


def span(document: Document, start: int, end: int, label: str, score: float | None = None) -> Span:
    return document.span(start, end, label, score=score)


def news_gold_set(documents: list[Document]) -> AnnotationSet:
    one, two = documents
    result = AnnotationSet(name="news", kind="gold")
    result.add(
        DocumentAnnotations(
            one.id,
            one.text_sha256,
            [span(one, 0, 3, "PERSON"), span(one, 4, 10, "ORG"), span(one, 14, 17, "ORG"), span(one, 20, 22, "GPE")],
            one.text,
        )
    )
    result.add(
        DocumentAnnotations(two.id, two.text_sha256, [span(two, 0, 9, "DATE"), span(two, 10, 13, "GPE")], two.text)
    )
    return result


def keys(annotation_set: AnnotationSet) -> dict[str, list[tuple[int, int, str, str]]]:
    """Every document's spans as ``(start, end, label, text)``: what a hand-checked test compares."""
    return {doc.doc_id: sorted((s.start, s.end, s.label, s.text) for s in doc.spans) for doc in annotation_set}
