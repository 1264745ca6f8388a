"""What the scorer accepts, and the checks between a gold set and the sets scored against it."""

from __future__ import annotations

import json
import warnings
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Union

from jinbiao.gold import (
    LABEL_SET,
    AnnotationSet,
    Document,
    DocumentAnnotations,
    JinbiaoError,
    Span,
    ValidationError,
    load_gold,
    read_annotations,
    span_problems,
)
from jinbiao.gold.errors import Remedy
from jinbiao.gold.io import is_gold_path

SpansLike = Union[AnnotationSet, Mapping[str, Sequence[Span]]]  # noqa: UP007 - a runtime alias on 3.10


class MissingDocumentsWarning(UserWarning):
    """Gold documents that the predictions lack: they are scored as all missed."""


def as_annotation_set(spans: SpansLike, *, name: str = "spans") -> AnnotationSet:
    """An `AnnotationSet` as is, or one built from ``{doc_id: [Span, ...]}`` (no texts, no hashes)."""
    if isinstance(spans, AnnotationSet):
        return spans
    if not isinstance(spans, Mapping):
        raise ApiMisuseError(
            f"{name}: expected an AnnotationSet or a mapping {{doc_id: [Span, ...]}}, got {type(spans).__name__}"
        )
    result = AnnotationSet(name=name, kind="spans")
    for doc_id, doc_spans in spans.items():
        if isinstance(doc_spans, (str, bytes)) or not isinstance(doc_spans, Sequence | Collection):
            raise ApiMisuseError(f"{name}: document {doc_id}: expected a list of Span, got {type(doc_spans).__name__}")
        items = list(doc_spans)
        for index, item in enumerate(items):
            if not isinstance(item, Span):
                raise ApiMisuseError(
                    f"{name}: document {doc_id}: item {index} is a {type(item).__name__}, not a Span; pass "
                    "jinbiao.gold.Span objects, or turn (start, end, label) tuples and dicts into an annotation "
                    "set with their documents: jinbiao.gold.formats.python_annotations(spans, documents)"
                )
        result.add(DocumentAnnotations(str(doc_id), "", items))
    return result


class ApiMisuseError(JinbiaoError, TypeError):
    """A Python caller passed something the scorer does not take; the message says what to pass."""


def check_against_gold(
    gold: AnnotationSet,
    pred: AnnotationSet,
    *,
    file: str | None = None,
    labels: Collection[str] | None = LABEL_SET,
    warn_missing: bool = True,
) -> list[str]:
    """Check `pred` can be scored against `gold`; return the gold documents it lacks (warned about).

    Errors (`ValidationError`, naming file, document and span): a document the gold does not
    have, a text hash that differs from the gold's, a span whose text differs from the gold text
    at its offsets, a label outside `labels` (None: any label).
    """
    where = file or pred.name
    unknown = sorted(set(pred.documents) - set(gold.documents))
    if unknown:
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        raise ValidationError(f"predictions for a document the gold does not have{more}", file=where, doc_id=unknown[0])
    allowed = set(labels) if labels is not None else None
    for doc_id in sorted(pred.documents):
        theirs = pred.documents[doc_id]
        ours = gold.documents[doc_id]
        if theirs.text_sha256 and ours.text_sha256 and theirs.text_sha256 != ours.text_sha256:
            raise ValidationError(
                f"text hash {theirs.text_sha256[:12]}… differs from the gold's {ours.text_sha256[:12]}…",
                file=where,
                doc_id=doc_id,
                hint="the predictions were made on another version of the text",
            )
        if theirs.text is not None and ours.text is not None and theirs.text != ours.text:
            raise ValidationError("text differs from the gold's", file=where, doc_id=doc_id)
        text = ours.text if ours.text is not None else theirs.text
        problems = span_problems(
            text,
            theirs.spans,
            labels=allowed if allowed is not None else {s.label for s in theirs.spans},
            allow_overlap=True,
            file=where,
            doc_id=doc_id,
        )
        if problems:
            raise problems[0]
    missing = sorted(set(gold.documents) - set(pred.documents))
    if warn_missing:
        warn_missing_documents(where, missing, stacklevel=4)
    return missing


def warn_missing_documents(where: str, missing: Sequence[str], *, stacklevel: int = 2) -> None:
    """Warn that the predictions in `where` lack the gold documents `missing` (if any)."""
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        warnings.warn(
            f"{where}: {len(missing)} gold document(s) without predictions, scored as all missed: {shown}",
            MissingDocumentsWarning,
            stacklevel=stacklevel,
        )


def read_label_map(path: str | Path) -> dict[str, str | None]:
    """A JSON object ``{"their label": "OUR_LABEL" or null (drop the span)}``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError("label map not found", file=str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(f"label map is not valid JSON: {error}", file=str(path)) from None
    if not isinstance(data, dict):
        raise ValidationError('label map must be a JSON object {"theirs": "OURS" or null}', file=str(path))
    for key, value in data.items():
        if value is not None and value not in LABEL_SET:
            raise ValidationError(f"label map sends {key!r} to {value!r}, which is not in the schema", file=str(path))
    return dict(data)


def map_labels(annotation_set: AnnotationSet, label_map: Mapping[str, str | None]) -> AnnotationSet:
    """A copy with labels renamed by `label_map`; spans mapped to None are dropped."""
    result = AnnotationSet(
        name=annotation_set.name,
        kind=annotation_set.kind,
        version=annotation_set.version,
        meta=dict(annotation_set.meta),
    )
    for doc in annotation_set:
        spans = []
        for span in doc.spans:
            if span.label in label_map:
                new = label_map[span.label]
                if new is None:
                    continue
                span = span.with_label(new)
            spans.append(span)
        result.add(DocumentAnnotations(doc.doc_id, doc.text_sha256, spans, doc.text))
    return result


def load_annotations(
    path: str | Path, *, label_map: Mapping[str, str | None] | None = None, labels: Collection[str] = LABEL_SET
) -> AnnotationSet:
    """Read any annotation file (gold dir or file, JSONL), renaming labels through `label_map`.

    Labels outside `labels` that the map does not cover are an error naming file, document, span.
    """
    if not label_map:
        return read_annotations(path, labels=frozenset(labels))
    annotation_set = read_annotations(path, labels=frozenset(labels) | frozenset(label_map))
    return map_labels(annotation_set, label_map)


class TrainingDocumentsError(JinbiaoError):
    """Predictions of a model scored on documents it was trained on."""


def check_not_training_data(gold: AnnotationSet, pred: AnnotationSet, *, allow: bool = False) -> list[str]:
    """The scored gold documents that `pred`'s model was trained on (``meta["trained_on"]``).

    Refused unless `allow`; with `allow` the overlap is warned about (the score is a training-set
    score, not an estimate of accuracy on new text).
    """
    return refuse_training_documents(pred.meta.get("trained_on") or (), gold.documents, name=pred.name, allow=allow)


def refuse_training_documents(
    trained_on: Iterable[str], scored: Collection[str], *, name: str, allow: bool = False
) -> list[str]:
    """`check_not_training_data` given the ids a model was trained on and the gold ids scored."""
    overlap = sorted(set(trained_on) & set(scored))
    if not overlap:
        return []
    shown = ", ".join(overlap[:3]) + (f" and {len(overlap) - 3} more" if len(overlap) > 3 else "")
    problem = (
        f"{name}: the model that made these predictions was trained on {len(overlap)} of the "
        f"{len(scored)} gold documents scored ({shown}); its score there is a training-set score"
    )
    if not allow:
        raise TrainingDocumentsError(problem, remedy=Remedy.SCORE_TRAINING_DATA)
    warnings.warn(problem, TrainingDocumentsWarning, stacklevel=3)
    return overlap


class TrainingDocumentsWarning(UserWarning):
    """Scored on documents the model was trained on (allowed explicitly)."""


NEEDS_TEXTS = "a gold set needs its texts (a gold directory, or JSONL written with texts)"


def text_document(doc_id: str, text: str) -> Document:
    """The document of a gold JSONL line (its text; no article file, no offset map)."""
    return Document(doc_id, text, source=f"{doc_id}.txt", source_sha256="")


def load_reference(
    path: str | Path, *, label_map: Mapping[str, str | None] | None = None
) -> tuple[AnnotationSet, list[Document]]:
    """The gold to score against, and its documents: a gold directory or file, or JSONL with texts."""
    path = Path(path)
    labels = LABEL_SET | frozenset(label_map or ())
    if is_gold_path(path):
        gold, documents = load_gold(path, name=path.stem, labels=labels)
    else:
        gold = read_annotations(path, labels=labels)
        documents = []
        for found in gold:
            if found.text is None:
                raise ValidationError(NEEDS_TEXTS, file=str(path), doc_id=found.doc_id)
            documents.append(text_document(found.doc_id, found.text))
    return (map_labels(gold, label_map) if label_map else gold), documents


def load_predictions(
    source: Any,
    documents: Sequence[Document],
    *,
    format: str | None = None,
    offsets: str = "normalized",
    label_map: Mapping[str, str | None] | None = None,
    labels: Collection[str] = LABEL_SET,
    extra_documents: str = "error",
) -> AnnotationSet:
    """Predictions in any format `jinbiao.gold.formats` reads (detected, or named by `format`), mapped
    onto `documents`; overlapping and nested spans are kept. Labels outside `labels` that
    `label_map` does not cover are an error naming file, document and span."""
    from jinbiao.gold.formats import read_annotations_any

    allowed = frozenset(labels) | frozenset(label_map or ())
    annotation_set = read_annotations_any(
        source, documents, format=format, offsets=offsets, labels=allowed, extra_documents=extra_documents
    )
    return map_labels(annotation_set, label_map) if label_map else annotation_set


def load_checked_predictions(
    source: Any,
    reference: AnnotationSet,
    documents: Sequence[Document],
    *,
    format: str | None = None,
    offsets: str = "normalized",
    label_map: Mapping[str, str | None] | None = None,
    extra_documents: str = "error",
    allow_training_documents: bool = False,
) -> AnnotationSet:
    """`load_predictions` onto the documents of `reference`, refused (warned about, when allowed)
    when the model that made them was trained on documents it is scored on."""
    pred = load_predictions(
        source, documents, format=format, offsets=offsets, label_map=label_map, extra_documents=extra_documents
    )
    check_not_training_data(reference, pred, allow=allow_training_documents)
    return pred
