"""Counts of a gold set: spans per label per document, as a table's headers and rows."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .annotation_set import AnnotationSet
from .schema import LABELS


def label_counts_table(annotation_set: AnnotationSet) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows: one row per document (characters, spans per label, all spans), then the total."""
    rows: list[list[Any]] = []
    for found in annotation_set:
        counts = Counter(span.label for span in found.spans)
        rows.append(
            [found.doc_id, len(found.text or ""), *(counts.get(label, 0) for label in LABELS), len(found.spans)]
        )
    total = annotation_set.label_counts()
    characters = sum(row[1] for row in rows)
    rows.append(["total", characters, *(total.get(label, 0) for label in LABELS), annotation_set.span_count()])
    return ["document", "chars", *LABELS, "spans"], rows
