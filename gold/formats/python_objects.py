"""Python objects: ``{doc_id: [(start, end, label), ...]}``, the text filled in from the document.

Items may be ``(start, end, label)`` or ``(start, end, label, score)`` tuples or lists, dicts
with ``start``, ``end``, ``label`` (and optionally ``text``, checked, and ``score``), or `Span`s.
Offsets must be integers (numpy integers are fine): floats, NaN and booleans are refused with
one error that says what to pass.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from ..annotation_set import AnnotationSet
from ..document import Document
from ..errors import JinbiaoError
from ..schema import LABEL_SET
from ..span import Span
from .mapping import AnnotationBuilder, DocumentRecord, SpanRecord

SOURCE = "Python objects"
WHAT_TO_PASS = "pass {document id: [(start, end, label), ...]} with integer offsets"


def _item(item: Any, where: str, doc_id: str) -> SpanRecord:
    if isinstance(item, Span):
        return SpanRecord(item.start, item.end, item.label, item.text, item.score, where)
    if isinstance(item, (tuple, list)) and len(item) in (3, 4):
        return SpanRecord(item[0], item[1], item[2], score=item[3] if len(item) == 4 else None, where=where)
    if isinstance(item, Mapping) and {"start", "end", "label"} <= item.keys():
        return SpanRecord(item["start"], item["end"], item["label"], item.get("text"), item.get("score"), where)
    raise JinbiaoError(f"document {doc_id}: {where} is {item!r}; {WHAT_TO_PASS} (or dicts with start, end, label)")


def python_annotations(
    objects: Mapping[str, Iterable[Any]],
    documents: Iterable[Document],
    *,
    offsets: str = "normalized",
    labels: Collection[str] | None = LABEL_SET,
    flat: bool = False,
    extra_documents: str = "error",
    name: str = "python",
) -> AnnotationSet:
    """An annotation set from Python objects (see the module docstring), mapped onto `documents` by id."""
    if not isinstance(objects, Mapping):
        raise JinbiaoError(f"got a {type(objects).__name__}; {WHAT_TO_PASS}")
    builder = AnnotationBuilder(
        documents,
        name=name,
        format="python",
        source=SOURCE,
        offsets=offsets,
        labels=labels,
        flat=flat,
        extra_documents=extra_documents,
    )
    for doc_id, items in objects.items():
        if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
            raise JinbiaoError(f"document {doc_id}: got a {type(items).__name__}; {WHAT_TO_PASS}")
        records = [_item(item, f"item #{index}", str(doc_id)) for index, item in enumerate(items)]
        builder.add_record(DocumentRecord(SOURCE, str(doc_id), None, records))
    return builder.finish(allow_empty=True)
