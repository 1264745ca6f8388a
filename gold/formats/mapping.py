"""Mapping a file's annotations onto the reference documents.

A record names its document by id or carries its text; offsets are checked against the
document's normalized text, or, read as raw offsets, mapped through the document's offset map
(normalized -> raw) taken backwards: a raw span maps only if both its first and its last
character survived normalization.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..annotation_set import AnnotationSet, DocumentAnnotations
from ..document import Document, sha256_bytes
from ..errors import JinbiaoError, Remedy, ValidationError
from ..schema import LABEL_SET
from ..span import Span, sort_spans
from ..validate import span_problems
from .common import (
    as_label,
    as_offset,
    as_score,
    check_extra_documents,
    check_offsets_mode,
    validation_error,
    warn_skipped,
)


def strip_whitespace(text: str) -> str:
    return "".join(text.split())


def is_raw_of(raw: str, document: Document) -> bool:
    """Whether `raw` is the article `document` was normalized from: every normalized character
    sits at its mapped raw position (normalization deletes, bar a lone CR that becomes LF)."""
    offsets = document.offsets
    if not document.text:
        return not raw.strip()
    if offsets[-1] >= len(raw):
        return False
    for char, position in zip(document.text, offsets, strict=True):
        found = raw[position]
        if found != char and not (char == "\n" and found == "\r"):
            return False
    return True


def raw_to_normalized(document: Document, start: int, end: int) -> tuple[int, int] | str:
    """Normalized [start, end) of raw [start, end), or why it does not map."""
    if not 0 <= start < end:
        return f"raw offsets [{start}, {end}) are not a span (start must be ≥ 0 and below end)"
    offsets = document.offsets
    first = bisect_left(offsets, start)
    if first == len(offsets) or offsets[first] != start:
        return f"raw offsets [{start}, {end}): raw position {start} (its first character) was removed by normalization"
    last = bisect_left(offsets, end - 1)
    if last == len(offsets) or offsets[last] != end - 1:
        return f"raw offsets [{start}, {end}): raw position {end - 1} (its last character) was removed by normalization"
    return first, last + 1


def has_identity_map(document: Document) -> bool:
    offsets = document.offsets
    return len(offsets) == 0 or (offsets[0] == 0 and offsets[-1] == len(offsets) - 1)


class ReferenceDocuments:
    """The documents annotations are mapped onto, found by id, by text, by raw text or by text
    without whitespace (for token formats)."""

    def __init__(self, documents: Iterable[Document]) -> None:
        if isinstance(documents, (str, bytes)) or not isinstance(documents, Iterable):
            raise JinbiaoError(
                "documents must be a list of jinbiao Documents (load_gold(path) returns the gold's), "
                f"not {type(documents).__name__}"
            )
        self.documents: list[Document] = []
        self.by_id: dict[str, Document] = {}
        for document in documents:
            if not isinstance(document, Document):
                raise JinbiaoError(
                    "documents must be jinbiao Documents (load_gold(path) returns the gold's), "
                    f"not {type(document).__name__}"
                )
            if document.id in self.by_id:
                raise JinbiaoError(f"document id {document.id!r} appears twice among the reference documents")
            self.by_id[document.id] = document
            self.documents.append(document)
        self._by_text: dict[str, list[Document]] | None = None
        self._by_source: dict[str, list[Document]] | None = None
        self._by_stripped: dict[str, list[Document]] | None = None

    def __len__(self) -> int:
        return len(self.documents)

    def get(self, doc_id: Any) -> Document | None:
        return None if doc_id is None else self.by_id.get(str(doc_id))

    def with_text(self, text: str) -> list[Document]:
        if self._by_text is None:
            self._by_text = {}
            for document in self.documents:
                self._by_text.setdefault(document.text, []).append(document)
        return self._by_text.get(text, [])

    def with_raw_text(self, raw: str) -> list[Document]:
        if self._by_source is None:
            self._by_source = {}
            for document in self.documents:
                self._by_source.setdefault(document.source_sha256, []).append(document)
        same_bytes = self._by_source.get(sha256_bytes(raw.encode("utf-8")), [])
        return same_bytes or [d for d in self.documents if is_raw_of(raw, d)]

    def stripped(self) -> dict[str, list[Document]]:
        """Documents by their text without whitespace (documents of whitespace only left out)."""
        if self._by_stripped is None:
            self._by_stripped = {}
            for document in self.documents:
                key = strip_whitespace(document.text)
                if key:
                    self._by_stripped.setdefault(key, []).append(document)
        return self._by_stripped


@dataclass
class SpanRecord:
    """A span as a file gives it, before any check: offsets may be anything until `as_offset`."""

    start: Any
    end: Any
    label: Any
    text: str | None = None
    score: Any = None
    where: str = "span"


@dataclass
class DocumentRecord:
    """One document's annotations as a file gives them; `where` locates it (``path:LINE``)."""

    where: str
    doc_id: str | None
    text: str | None
    spans: list[SpanRecord] = field(default_factory=list)


class AnnotationBuilder:
    """Collects records into an `AnnotationSet` over the reference documents, checking as it goes.

    `labels` None accepts any label; `flat` refuses overlapping spans (predictions may overlap,
    so the default allows them); `extra_documents` "ignore" skips (and counts) annotations of
    documents that are not among the reference documents instead of refusing the file.
    """

    def __init__(
        self,
        documents: Iterable[Document] | ReferenceDocuments,
        *,
        name: str,
        format: str,
        source: str,
        offsets: str = "normalized",
        labels: Collection[str] | None = LABEL_SET,
        flat: bool = False,
        extra_documents: str = "error",
    ) -> None:
        self.refs = documents if isinstance(documents, ReferenceDocuments) else ReferenceDocuments(documents)
        self.offsets = check_offsets_mode(offsets)
        self.extra_documents = check_extra_documents(extra_documents)
        self.labels = None if labels is None else frozenset(labels)
        self.flat = flat
        self.source = source
        self.result = AnnotationSet(
            name=name, kind="imported", meta={"format": format, "source": source, "offsets": offsets}
        )
        self.where_seen: dict[str, str] = {}
        self.skipped: Counter[str] = Counter()
        self.records = 0

    @classmethod
    def for_file(
        cls,
        path: str | os.PathLike[str],
        documents: Iterable[Document] | ReferenceDocuments,
        *,
        format: str,
        name: str | None = None,
        **options: Any,
    ) -> AnnotationBuilder:
        """The builder of a reader of the file (or directory) `path`: named after it unless `name`
        is given, its records located in it; `options` are the reader's (offsets, labels, flat,
        extra_documents)."""
        return cls(documents, name=name or Path(path).stem, format=format, source=str(path), **options)

    # ------------------------------------------------------------------------------ documents

    def resolve(self, doc_id: Any, text: str | None, where: str) -> Document | None:
        """The document a record annotates (by id, else by text), or None when it is skipped."""
        self.records += 1
        raw = self.offsets == "raw"
        document = self.refs.get(doc_id)
        if document is not None:
            if text is not None:
                self.check_text(document, text, where)
            return document
        if text is not None:
            found = self.refs.with_raw_text(text) if raw else self.refs.with_text(text)
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                names = ", ".join(d.id for d in found[:3])
                raise validation_error(
                    f"{len(found)} documents have this text ({names}): cannot tell which one it annotates",
                    file=where,
                    doc_id=None if doc_id is None else str(doc_id),
                    hint="give each record its document id",
                )
        return self.unknown(doc_id, text, where)

    def unknown(self, doc_id: Any, text: str | None, where: str, *, what: str = "text") -> None:
        """Skip (and count) or refuse a record whose document is not among the reference documents."""
        if self.extra_documents == "ignore" and (doc_id is not None or text is not None):
            self.skipped["annotations of documents not among the reference documents"] += 1
            return None
        name = None if doc_id is None else str(doc_id)
        if doc_id is None and text is None:
            raise validation_error("no document id and no text: cannot tell which document it annotates", file=where)
        if text is not None and what == "text" and self.offsets == "normalized":
            raw_of = self.refs.with_raw_text(text)
            if raw_of:
                raise validation_error(
                    f"its text is the raw article of document {raw_of[0].id}, not the normalized text",
                    file=where,
                    doc_id=name,
                    remedy=Remedy.RAW_OFFSETS,
                )
        no_match = (
            "no reference document has this text" if what == "text" else f"no reference document has these {what}"
        )
        if doc_id is not None and text is not None:
            reason = f"not among the reference documents, and {no_match}"
        elif doc_id is not None:
            reason = "not among the reference documents"
        else:
            reason = no_match
        raise validation_error(
            reason,
            file=where,
            doc_id=name,
            remedy=Remedy.IGNORE_EXTRA_DOCUMENTS,
        )

    def check_text(self, document: Document, text: str, where: str) -> None:
        if self.offsets == "raw":
            if not is_raw_of(text, document):
                raise validation_error(
                    "its text is not the raw article of this document (the offset map does not fit it)",
                    file=where,
                    doc_id=document.id,
                )
        elif text != document.text:
            if not has_identity_map(document) and is_raw_of(text, document):
                raise validation_error(
                    "its text is the raw article, not the normalized text",
                    file=where,
                    doc_id=document.id,
                    remedy=Remedy.RAW_OFFSETS,
                )
            raise validation_error(
                "its text differs from the document's",
                file=where,
                doc_id=document.id,
                hint="the annotations were made on another version of the text",
            )

    # ---------------------------------------------------------------------------------- spans

    def span(self, document: Document, record_text: str | None, item: SpanRecord, where: str) -> Span:
        """A checked span over `document` (mapped from raw offsets when reading raw ones)."""
        doc_id = document.id
        start = as_offset(item.start, "start", file=where, doc_id=doc_id, where=item.where)
        end = as_offset(item.end, "end", file=where, doc_id=doc_id, where=item.where)
        label = as_label(item.label, file=where, doc_id=doc_id, where=item.where)
        score = as_score(item.score, file=where, doc_id=doc_id, where=item.where)
        if self.offsets == "normalized":
            text = item.text if item.text is not None else document.text[start:end]
            return Span(start, end, label, text, score)
        given = Span(start, end, label, item.text if item.text is not None else "")
        if record_text is not None and item.text is not None and record_text[start:end] != item.text:
            raise validation_error(
                f"text does not match the raw article, which has {record_text[start:end]!r} there",
                file=where,
                doc_id=doc_id,
                span=given,
            )
        mapped = raw_to_normalized(document, start, end)
        if isinstance(mapped, str):
            raise validation_error(mapped, file=where, doc_id=doc_id, span=given)
        return document.span(*mapped, label, score=score)

    def add_record(self, record: DocumentRecord) -> None:
        document = self.resolve(record.doc_id, record.text, record.where)
        if document is None:
            return
        spans = [self.span(document, record.text, item, record.where) for item in record.spans]
        self.add_spans(document, spans, record.where)

    def add_spans(self, document: Document, spans: list[Span], where: str) -> None:
        if document.id in self.where_seen:
            raise validation_error(
                f"annotated twice (also at {self.where_seen[document.id]})", file=where, doc_id=document.id
            )
        labels = self.labels if self.labels is not None else {span.label for span in spans}
        problems = span_problems(
            document.text, spans, labels=labels, allow_overlap=not self.flat, file=where, doc_id=document.id
        )
        if problems:
            raise self._with_remedy(problems[0], document)
        self.where_seen[document.id] = where
        self.result.add(DocumentAnnotations(document.id, document.text_sha256, sort_spans(spans), document.text))

    def _with_remedy(self, problem: ValidationError, document: Document) -> ValidationError:
        """Offsets that miss the normalized text of a normalized article may count in the raw one."""
        offsets_wrong = problem.reason.startswith(("text does not match", "span ends after"))
        if self.offsets == "normalized" and offsets_wrong and not has_identity_map(document):
            return validation_error(
                problem.reason,
                file=problem.file,
                doc_id=problem.doc_id,
                span=problem.span,
                remedy=Remedy.RAW_OFFSETS,
            )
        return problem

    def finish(self, *, allow_empty: bool = False) -> AnnotationSet:
        if self.records == 0 and not allow_empty:
            raise ValidationError("no documents in this file", file=self.source)
        if self.skipped:
            self.result.meta["skipped"] = dict(self.skipped)
            warn_skipped(self.source, self.skipped)
        return self.result


def record_doc_id(record: dict[str, Any], refs: ReferenceDocuments) -> str | None:
    """The document id a JSON record names: ``doc_id`` / ``document_id`` (also inside ``meta``),
    or ``id`` when it is the id of a reference document (tools such as doccano number records
    with ids of their own)."""
    meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
    for holder in (record, meta):
        for key in ("doc_id", "document_id"):
            if holder.get(key) is not None:
                return str(holder[key])
    for holder in (record, meta):
        if holder.get("id") is not None and refs.get(holder["id"]) is not None:
            return str(holder["id"])
    return None
