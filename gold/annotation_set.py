"""An annotation set: spans per document, who made them, against which text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .document import Document
from .span import Span


@dataclass
class DocumentAnnotations:
    """The spans of one document, with the hash (and optionally the text) they were made against."""

    doc_id: str
    text_sha256: str
    spans: list[Span]
    text: str | None = None


@dataclass
class AnnotationSet:
    """Who made the spans (`name`, `kind`: human / baseline / adjudicated, `version`) and the spans."""

    name: str
    kind: str = "human"
    version: str | None = None
    documents: dict[str, DocumentAnnotations] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"{self.name}@{self.version}" if self.version else self.name

    def add(self, annotations: DocumentAnnotations) -> None:
        if annotations.doc_id in self.documents:
            raise ValueError(f"document {annotations.doc_id} appears twice in annotation set {self.name}")
        self.documents[annotations.doc_id] = annotations

    def add_document(self, document: Document, spans: list[Span], *, with_text: bool = True) -> None:
        self.add(DocumentAnnotations(document.id, document.text_sha256, spans, document.text if with_text else None))

    def spans(self, doc_id: str) -> list[Span]:
        found = self.documents.get(doc_id)
        return found.spans if found else []

    def __iter__(self) -> Iterator[DocumentAnnotations]:
        return iter(self.documents.values())

    def __len__(self) -> int:
        return len(self.documents)

    @property
    def doc_ids(self) -> list[str]:
        return list(self.documents)

    def span_count(self) -> int:
        return sum(len(d.spans) for d in self.documents.values())

    def label_counts(self) -> Counter[str]:
        return Counter(s.label for d in self.documents.values() for s in d.spans)
