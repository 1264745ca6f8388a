"""Label Studio tasks with predictions, from documents and annotation sets."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jinbiao.gold import AnnotationSet, Document, DocumentAnnotations, Span, ValidationError

from .config import FROM_NAME, TO_NAME


def region_id(doc_id: str, span: Span, model_version: str) -> str:
    """Stable region ids, so that the same prediction pushed twice is recognisably the same."""
    key = f"{doc_id}\x1f{model_version}\x1f{span.start}\x1f{span.end}\x1f{span.label}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def region(span: Span, identifier: str, *, origin: str = "prediction") -> dict[str, Any]:
    """`span` as a Label Studio Labels region, the one way jinbiao writes one: `origin` is
    "prediction" for pre-annotations and "manual" for what an annotator drew; a score goes along."""
    record: dict[str, Any] = {
        "id": identifier,
        "from_name": FROM_NAME,
        "to_name": TO_NAME,
        "type": "labels",
        "origin": origin,
        "value": {"start": span.start, "end": span.end, "text": span.text, "labels": [span.label]},
    }
    if span.score is not None:
        record["score"] = round(span.score, 4)
    return record


def prediction(doc_id: str, spans: Sequence[Span], model_version: str) -> dict[str, Any]:
    """One Label Studio prediction: its regions, model version and a task-level score."""
    scores = [s.score if s.score is not None else 1.0 for s in spans]
    return {
        "model_version": model_version,
        "score": round(sum(scores) / len(scores), 4) if scores else 0.0,
        "result": [region(span, region_id(doc_id, span, model_version)) for span in spans],
    }


def require_same_text(annotation_set: AnnotationSet, found: DocumentAnnotations, document: Document) -> None:
    """Predictions made against another version of the text would land on the wrong characters."""
    if found.text_sha256 != document.text_sha256:
        raise ValidationError(
            f"predictions of {annotation_set.origin} were made against another text",
            doc_id=document.id,
            hint="re-run the extractor on the current corpus",
        )


def task_data(document: Document, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What a task holds: the text, the document's id, source and text hash, and `extra` fields
    (columns of Label Studio's data manager, such as a team project's agreement)."""
    return {
        "text": document.text,
        "doc_id": document.id,
        "source": document.source,
        "sha256": document.text_sha256,
        **(extra or {}),
    }


def document_task(
    document: Document, predictions: Iterable[AnnotationSet] = (), *, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A task for `document`, with one prediction per annotation set that covers it."""
    task: dict[str, Any] = {"data": task_data(document, extra)}
    made = []
    for annotation_set in predictions:
        found = annotation_set.documents.get(document.id)
        if found is None:
            continue
        require_same_text(annotation_set, found, document)
        made.append(prediction(document.id, found.spans, annotation_set.origin))
    if made:
        task["predictions"] = made
    return task


def build_tasks(documents: Iterable[Document], predictions: Sequence[AnnotationSet] = ()) -> list[dict[str, Any]]:
    return [document_task(document, predictions) for document in documents]
