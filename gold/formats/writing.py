"""What every writer shares: the annotation set checked against the documents it is written with."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..annotation_set import AnnotationSet
from ..atomic import atomic_write_text
from ..document import Document
from ..errors import JinbiaoError, ValidationError
from ..span import Span, sort_spans
from ..validate import span_problems
from .common import jsonl
from .mapping import ReferenceDocuments


def spans_to_write(
    annotation_set: AnnotationSet,
    documents: Iterable[Document],
    *,
    file: str,
    flat: bool = False,
    plain_labels: bool = False,
) -> list[tuple[Document, list[Span]]]:
    """``(document, sorted spans)`` for every document of `annotation_set`, in the order of `documents`.

    Checked: every annotated document is among `documents` with the same text hash, every span
    fits its text; `flat` refuses overlapping spans (formats that cannot hold them);
    `plain_labels` refuses labels with whitespace (formats whose columns it would break).
    """
    if not isinstance(annotation_set, AnnotationSet):
        raise JinbiaoError(
            "expected an AnnotationSet (read_annotations_any or load_gold give one), "
            f"not {type(annotation_set).__name__}"
        )
    refs = ReferenceDocuments(documents)
    unknown = [doc_id for doc_id in annotation_set.documents if refs.get(doc_id) is None]
    if unknown:
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        raise ValidationError(f"annotated but not among the documents given{more}", file=file, doc_id=unknown[0])
    result = []
    for document in refs.documents:
        annotations = annotation_set.documents.get(document.id)
        if annotations is None:
            continue
        if annotations.text_sha256 and annotations.text_sha256 != document.text_sha256:
            raise ValidationError(
                "the annotations were made on another version of the text (text hashes differ)",
                file=file,
                doc_id=document.id,
            )
        spans = sort_spans(annotations.spans)
        labels = {span.label for span in spans}
        problems = span_problems(
            document.text, spans, labels=labels, allow_overlap=not flat, file=file, doc_id=document.id
        )
        if problems:
            error = problems[0]
            if error.reason.startswith("overlaps"):
                error = ValidationError(
                    error.reason,
                    file=file,
                    doc_id=document.id,
                    span=error.span,
                    hint="this format holds flat spans only",
                )
            raise error
        for span in spans:
            if plain_labels and (not span.label.strip() or any(char.isspace() for char in span.label)):
                raise ValidationError(
                    "a label with whitespace does not fit this format's columns",
                    file=file,
                    doc_id=document.id,
                    span=span,
                )
        result.append((document, spans))
    return result


def jsonl_writer(record: Callable[[Document, list[Span]], dict[str, Any]], doc: str) -> Callable[..., Path]:
    """The writer of a JSONL format: one `record(document, spans)` a line, checked, written atomically."""

    def write(
        annotation_set: AnnotationSet,
        documents: Iterable[Document],
        path: str | os.PathLike[str],
        *,
        overwrite: bool = False,
    ) -> Path:
        pairs = spans_to_write(annotation_set, documents, file=str(path))
        return atomic_write_text(
            path, jsonl([record(document, spans) for document, spans in pairs]), overwrite=overwrite
        )

    write.__doc__ = doc
    return write
