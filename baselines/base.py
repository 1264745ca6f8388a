"""The extractor interface: a name, a version, the labels it can produce, and `extract`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence

from jinbiao.gold import AnnotationSet, Document, Span


class Extractor(ABC):
    """Turns a `Document` into flat, non-overlapping spans on `document.text`.

    `extract` is pure: it never trains, loads, writes or prints, so extractors can run in any
    order. Learned extractors set `trainable` and implement `fit`; they get their model before
    they extract (fitted, or loaded by the job that runs them: `jinbiao.models`). Whoever scores
    them must never let them predict a document they were trained on (see `jinbiao.leaderboard`).
    """

    name: str = ""
    version: str = "0"
    labels: frozenset[str] = frozenset()
    description: str = ""
    trainable: bool = False

    @abstractmethod
    def extract(self, document: Document) -> list[Span]: ...

    def fit(self, documents: Sequence[Document], gold: AnnotationSet) -> Extractor:
        raise NotImplementedError(f"{self.name} is not trainable")

    @property
    def origin(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def trained_on(self) -> tuple[str, ...] | None:
        """The documents its model was trained on (None: no model), so that scoring it on them is refused."""
        return None

    def empty_set(self) -> AnnotationSet:
        """An annotation set that names this extractor (and the documents its model was trained on)."""
        result = AnnotationSet(name=self.name, kind="baseline", version=self.version)
        if self.trained_on is not None:
            result.meta["trained_on"] = list(self.trained_on)
        return result

    def annotate(self, documents: Iterable[Document]) -> AnnotationSet:
        """Run over `documents` and collect an annotation set that names this extractor."""
        result = self.empty_set()
        for document in documents:
            result.add_document(document, self.extract(document))
        return result
