"""Per-unit count arrays: all that a score table, its averages and its bootstrap intervals need.

`count_alignment` reduces a whole `Alignment`; `CountAccumulator` reduces a corpus batch by batch
(each batch aligned, counted and dropped), so that scoring a corpus of any size keeps only
(units × labels × 8) integers per scheme. Both give the same arrays: documents in sorted id
order, paragraphs in document order, labels in the schema's order then any others sorted.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from jinbiao.gold import LABEL_SET, AnnotationSet
from jinbiao.gold.schema import schema_order

from .alignment import Alignment, align
from .metrics import scheme_counts
from .schemes import matched_schemes

UNITS = ("document", "paragraph")
COUNT_DTYPE = np.int32  # a count of one unit and label; sums promote to int64


@dataclass
class CorpusCounts:
    """The counts of every scheme per unit: ``counts[(scheme, units)]`` has shape (units, labels, 8)."""

    doc_ids: list[str]
    labels: list[str]
    counts: dict[tuple[str, str], np.ndarray]
    missing_docs: list[str] = field(default_factory=list)
    summed: bool = False  # one row: the documents' counts added up (no intervals, no rows, no ids kept)

    def scheme_counts(self, scheme: str, units: str = "document") -> np.ndarray:
        found = self.counts.get((scheme, units))
        if found is None:
            raise ValueError(f"scheme {scheme!r} over {units}s was not counted")
        return found

    def unit_count(self, units: str) -> int:
        return int(self.scheme_counts(next(s for s, u in self.counts if u == units), units).shape[0])


def check_units(units: Collection[str]) -> list[str]:
    """`units` in their fixed order, each "document" or "paragraph"."""
    unknown = [u for u in units if u not in UNITS]
    if unknown:
        raise ValueError(f"units must be 'document' or 'paragraph', not {unknown[0]!r}")
    return [u for u in UNITS if u in units]


def count_alignment(
    alignment: Alignment, schemes: Sequence[str], units: Collection[str] = ("document",)
) -> CorpusCounts:
    """The counts of `schemes` (matched ones and "chars") over `units` of a whole alignment."""
    counts = {(s, u): scheme_counts(alignment, s, u).astype(COUNT_DTYPE) for s in schemes for u in check_units(units)}
    return CorpusCounts(list(alignment.doc_ids), list(alignment.labels), counts, list(alignment.missing_docs))


@dataclass
class _Batch:
    doc_ids: list[str]
    labels: list[str]
    counts: dict[tuple[str, str], np.ndarray]
    paragraphs: np.ndarray  # paragraphs of each document (empty unless counted over paragraphs)


class CountAccumulator:
    """Align and count a corpus batch by batch; `result()` (once) gives the arrays
    `count_alignment` would give for the whole corpus at once.

    >>> from jinbiao.gold import Span
    >>> from jinbiao.gold.annotation_set import AnnotationSet, DocumentAnnotations
    >>> def batch(doc_id, label):
    ...     gold, pred = AnnotationSet("gold"), AnnotationSet("pred")
    ...     gold.add(DocumentAnnotations(doc_id, "", [Span(0, 2, "PERSON", "李刚")]))
    ...     pred.add(DocumentAnnotations(doc_id, "", [Span(0, 2, label, "李刚")]))
    ...     return gold, pred
    >>> accumulator = CountAccumulator(["strict"])
    >>> accumulator.add(*batch("d2", "ORG")); accumulator.add(*batch("d1", "PERSON"))
    >>> counts = accumulator.result()
    >>> counts.doc_ids, counts.labels, counts.scheme_counts("strict").sum(axis=(0, 1)).tolist()
    (['d1', 'd2'], ['PERSON', 'ORG'], [1, 1, 0, 0, 1, 1, 0, 0])
    """

    def __init__(
        self,
        schemes: Sequence[str],
        units: Collection[str] = ("document",),
        *,
        allowed_labels: Collection[str] | None = LABEL_SET,
        pred_file: str | None = None,
        summed: bool = False,
    ) -> None:
        self.schemes = list(schemes)
        self.units = check_units(units)
        if summed and self.units != ["document"]:
            raise ValueError("summed counts are over documents only")
        self.summed = summed
        self.matched = matched_schemes(self.schemes)
        self.allowed_labels = allowed_labels
        self.pred_file = pred_file
        self.batches: list[_Batch] = []
        self.missing: list[str] = []
        self.seen: set[str] = set()

    def add(self, gold: AnnotationSet, pred: AnnotationSet) -> None:
        """Align one batch (the gold decides its documents) and keep only its counts."""
        alignment = align(
            gold,
            pred,
            schemes=self.matched,
            allowed_labels=self.allowed_labels,
            pred_file=self.pred_file,
            warn_missing=False,
        )
        self.missing += alignment.missing_docs
        if self.summed:  # the totals need no ids: nothing kept grows with the corpus but `missing`
            counts = {
                (s, u): scheme_counts(alignment, s, u).sum(axis=0, keepdims=True, dtype=np.int64)
                for s in self.schemes
                for u in self.units
            }
            self.batches.append(_Batch([], list(alignment.labels), counts, np.zeros(0, dtype=np.int64)))
            return
        twice = self.seen.intersection(alignment.doc_ids)
        if twice:
            raise ValueError(f"document {sorted(twice)[0]!r} is in two batches")
        self.seen.update(alignment.doc_ids)
        counts = {(s, u): scheme_counts(alignment, s, u).astype(COUNT_DTYPE) for s in self.schemes for u in self.units}
        paragraphs = np.zeros(0, dtype=np.int64)
        if "paragraph" in self.units:
            _, spans = alignment.paragraphs()
            index = {doc_id: i for i, doc_id in enumerate(alignment.doc_ids)}
            paragraphs = np.bincount([index[doc_id] for doc_id, _, _ in spans], minlength=alignment.n_docs)
        self.batches.append(_Batch(list(alignment.doc_ids), list(alignment.labels), counts, paragraphs))

    def result(self) -> CorpusCounts:
        seen_labels = {label for batch in self.batches for label in batch.labels}
        labels = schema_order(seen_labels)
        column = {label: i for i, label in enumerate(labels)}
        doc_ids = sorted(self.seen)
        row = {doc_id: i for i, doc_id in enumerate(doc_ids)}
        counts: dict[tuple[str, str], np.ndarray] = {}
        for scheme in self.schemes:
            for units in self.units:
                counts[(scheme, units)] = self._merge(scheme, units, row, column)
                for batch in self.batches:  # each batch's copy goes as soon as it is merged
                    del batch.counts[(scheme, units)]
        self.batches = []
        return CorpusCounts(doc_ids, labels, counts, sorted(self.missing), summed=self.summed)

    def _merge(self, scheme: str, units: str, row: dict[str, int], column: dict[str, int]) -> np.ndarray:
        """One (scheme, units) array over the corpus: each batch's rows moved to their place in the
        sorted order, its label columns to the corpus's."""
        if self.summed:
            out = np.zeros((1, len(column), 8), dtype=np.int64)
            for batch in self.batches:
                out[0, [column[label] for label in batch.labels]] += batch.counts[(scheme, units)][0]
            return out
        if units == "document":
            n_units = len(row)
            places = [np.array([row[d] for d in batch.doc_ids], dtype=np.int64) for batch in self.batches]
        else:
            # Paragraphs follow their documents: a document's block of rows starts after the
            # paragraphs of every document sorted before it.
            per_doc = np.zeros(len(row), dtype=np.int64)
            for batch in self.batches:
                per_doc[[row[d] for d in batch.doc_ids]] = batch.paragraphs
            first = np.concatenate([[0], np.cumsum(per_doc)[:-1]]).astype(np.int64)
            n_units = int(per_doc.sum())
            places = []
            for batch in self.batches:
                starts = first[[row[d] for d in batch.doc_ids]]
                places.append(np.repeat(starts, batch.paragraphs) + _within(batch.paragraphs))
        out = np.zeros((n_units, len(column), 8), dtype=COUNT_DTYPE)
        for batch, place in zip(self.batches, places, strict=True):
            columns = np.array([column[label] for label in batch.labels], dtype=np.int64)
            out[np.ix_(place, columns)] = batch.counts[(scheme, units)]
        return out


def _within(sizes: np.ndarray) -> np.ndarray:
    """0, 1, …, n-1 for each size n, concatenated."""
    total = int(sizes.sum())
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.arange(total, dtype=np.int64) - starts
