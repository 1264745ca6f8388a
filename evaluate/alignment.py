"""`align`: gold and predictions on one axis, matched under every scheme, counted per span.

Counting rule (what makes per-label counts add up): every span is counted exactly once, under
its own label and its own document. A gold span is correct, incorrect, partial or missing; a
predicted span is correct, incorrect, partial or spurious. Recall is computed from the gold side,
precision from the predicted side. Summing a per-label (or per-document) column gives the overall
column, in every scheme. Over all labels the matched categories agree on both sides (a matched pair
has one category); within one label they may not: in `exact`, a gold PERSON matched with the same
boundaries to a predicted ORG is a correct gold PERSON and a correct predicted ORG.

`chars` counts (character, label) pairs: a character inside a gold span of label L is a gold unit
of L; it is a true positive when a predicted span of label L covers it too.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter

import numpy as np

from jinbiao.gold import LABEL_SET, Span, ValidationError
from jinbiao.gold.schema import schema_order

from .inputs import SpansLike, as_annotation_set, check_against_gold
from .matching import Matching, Pairs, expand_ranges, match
from .schemes import SCHEMES

_START, _END, _LABEL = attrgetter("start"), attrgetter("end"), attrgetter("label")
N_CATEGORIES = 4  # correct, incorrect, partial, unmatched (missing / spurious)


@dataclass
class SpanArrays:
    """The spans of one side in canonical order, as columns."""

    spans: list[Span]
    doc: np.ndarray  # document index into Alignment.doc_ids
    start: np.ndarray
    end: np.ndarray
    label: np.ndarray  # index into Alignment.labels
    gstart: np.ndarray  # on the global axis
    gend: np.ndarray

    def __len__(self) -> int:
        return len(self.spans)


def _is_sorted(*keys: np.ndarray) -> bool:
    """Whether rows are in nondecreasing lexicographic order of `keys` (most significant first)."""
    if len(keys[0]) < 2:
        return True
    undecided = np.ones(len(keys[0]) - 1, dtype=bool)
    for key in keys:
        step = key[1:] - key[:-1]
        if (undecided & (step < 0)).any():
            return False
        undecided &= step == 0
    return True


class _Codes(dict):
    """Label -> provisional code, assigned on first sight (remapped to the canonical order later)."""

    def __missing__(self, key: str) -> int:
        value = self[key] = len(self)
        return value


def _extract(
    per_doc: list[Sequence[Span]], codes: _Codes, *, batch: int = 4096
) -> tuple[list[Span], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The spans of every document and their (document, start, end, provisional label) columns.

    Read in batches of documents, so that the three passes over a batch's span objects find them
    still in the CPU cache (on a large corpus this is most of the time spent).
    """
    spans: list[Span] = []
    starts, ends, labels = [], [], []
    code = codes.__getitem__
    i = 0
    while i < len(per_doc):
        j, size = i, 0
        while j < len(per_doc) and (size == 0 or size + len(per_doc[j]) <= batch):
            size += len(per_doc[j])
            j += 1
        part = list(chain.from_iterable(per_doc[i:j]))
        starts.append(np.fromiter(map(_START, part), dtype=np.int64, count=size))
        ends.append(np.fromiter(map(_END, part), dtype=np.int64, count=size))
        labels.append(np.fromiter(map(code, map(_LABEL, part)), dtype=np.int64, count=size))
        spans += part
        i = j
    counts = np.fromiter(map(len, per_doc), dtype=np.int64, count=len(per_doc))
    doc = np.repeat(np.arange(len(per_doc), dtype=np.int64), counts)
    empty = np.zeros(0, dtype=np.int64)
    join = lambda parts: np.concatenate(parts) if parts else empty  # noqa: E731
    return spans, doc, join(starts), join(ends), join(labels)


def _columns(
    spans: list[Span],
    doc: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    label: np.ndarray,
    *,
    who: str,
    doc_ids: list[str],
) -> SpanArrays:
    """The columns in canonical order: (document, start, end, label), exact duplicates then by
    text, score and origin, so that no input order shows through."""
    n = len(spans)
    if not _is_sorted(doc, start, end, label):  # readers sort spans: usually nothing to do
        order = np.lexsort((label, end, start, doc))
        doc, start, end, label = doc[order], start[order], end[order], label[order]
        spans = [spans[i] for i in order]
    if n > 1:
        same = (doc[1:] == doc[:-1]) & (start[1:] == start[:-1]) & (end[1:] == end[:-1]) & (label[1:] == label[:-1])
        if same.any():
            # Rare: exact duplicates; order each run by what still tells them apart.
            edges = np.diff(np.concatenate([[0], same.astype(np.int8), [0]]))
            for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
                spans[a : b + 1] = sorted(
                    spans[a : b + 1],
                    key=lambda s: (s.text, -1.0 if s.score is None else s.score, s.origin or ""),
                )
    bad = np.flatnonzero((start < 0) | (end <= start))
    if len(bad):
        span = spans[int(bad[0])]
        raise ValidationError("start must be ≥ 0 and below end", file=who, doc_id=doc_ids[int(doc[bad[0]])], span=span)
    return SpanArrays(spans, doc, start, end, label, start, end)


@dataclass
class Alignment:
    """Gold and predictions of a corpus, matched under every scheme.

    Everything else (scores, intervals, tests, errors) is computed from the per-span categories.
    Documents are in sorted order; spans in canonical order; so nothing depends on input order.
    """

    doc_ids: list[str]
    labels: list[str]
    gold: SpanArrays
    pred: SpanArrays
    pairs: Pairs
    matchings: dict[str, Matching]
    texts: dict[str, str]
    base: np.ndarray  # where each document starts on the global axis
    extent: np.ndarray  # each document's length (its text, or its furthest span end)
    missing_docs: list[str] = field(default_factory=list)
    gold_name: str = "gold"
    pred_name: str = "predictions"
    _chars: dict[str, np.ndarray] | None = field(default=None, repr=False)
    _paragraphs: tuple[np.ndarray, list[tuple[str, int, int]]] | None = field(default=None, repr=False)
    _first_paragraph: np.ndarray | None = field(default=None, repr=False)  # of each document

    # ------------------------------------------------------------------------------- counts

    def category_counts(self, scheme: str, units: str | np.ndarray = "document") -> tuple[np.ndarray, np.ndarray]:
        """Gold-side and prediction-side counts, each of shape (units, labels, 4 categories).

        `units` is "document", "paragraph", or an array giving the unit of every gold span and
        every prediction (concatenated) for a custom partition.
        """
        gold_unit, pred_unit, n_units = self.unit_index(units)
        matching = self.matchings[scheme]
        n_labels = len(self.labels)
        gold = np.bincount(
            (gold_unit * n_labels + self.gold.label) * N_CATEGORIES + matching.gold_category,
            minlength=n_units * n_labels * N_CATEGORIES,
        ).reshape(n_units, n_labels, N_CATEGORIES)
        pred = np.bincount(
            (pred_unit * n_labels + self.pred.label) * N_CATEGORIES + matching.pred_category,
            minlength=n_units * n_labels * N_CATEGORIES,
        ).reshape(n_units, n_labels, N_CATEGORIES)
        return gold, pred

    def char_counts(self, units: str = "document") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(gold chars, predicted chars, chars in both), each of shape (units, labels)."""
        if self._chars is None:
            self._chars = _char_segments(self)
        seg = self._chars
        n_labels = len(self.labels)
        unit_of, n_units = self._char_units(units, seg)
        out = []
        for key in ("gold", "pred", "both"):
            starts, lengths, labels = seg[f"{key}_start"], seg[f"{key}_len"], seg[f"{key}_label"]
            unit = unit_of(starts)
            out.append(
                np.bincount(unit * n_labels + labels, weights=lengths, minlength=n_units * n_labels)
                .reshape(n_units, n_labels)
                .astype(np.int64)
            )
        return out[0], out[1], out[2]

    # -------------------------------------------------------------------------------- units

    @property
    def n_docs(self) -> int:
        return len(self.doc_ids)

    def n_units(self, units: str) -> int:
        """How many resampling units ("document" or "paragraph") the corpus has."""
        return self.n_docs if units == "document" else len(self.paragraphs()[1])

    def paragraphs(self) -> tuple[np.ndarray, list[tuple[str, int, int]]]:
        """Paragraph starts on the global axis, and (doc id, start, end) of each paragraph.

        A paragraph is a maximal run of characters without a line break; a document without a
        text is one paragraph.
        """
        if self._paragraphs is None:
            starts: list[int] = []
            spans: list[tuple[str, int, int]] = []
            first: list[int] = []
            for index, doc_id in enumerate(self.doc_ids):
                first.append(len(starts))
                base = int(self.base[index])
                text = self.texts.get(doc_id)
                if text is None:
                    starts.append(base)
                    spans.append((doc_id, 0, int(self.extent[index])))
                    continue
                position = 0
                for line in text.split("\n"):
                    if line.strip():
                        starts.append(base + position)
                        spans.append((doc_id, position, position + len(line)))
                    position += len(line) + 1
                if not text.strip():
                    starts.append(base)
                    spans.append((doc_id, 0, len(text)))
            self._paragraphs = (np.array(starts, dtype=np.int64), spans)
            self._first_paragraph = np.array(first, dtype=np.int64)
        return self._paragraphs

    def paragraph_of(self, gstart: np.ndarray, doc: np.ndarray) -> np.ndarray:
        """The paragraph each global position is in: the one its line starts, else (before its
        document's first paragraph, in a blank line) the nearest one before it in the same document."""
        starts, _ = self.paragraphs()
        assert self._first_paragraph is not None
        return np.maximum(np.searchsorted(starts, gstart, side="right") - 1, self._first_paragraph[doc])

    def unit_index(self, units: str | np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        """The unit of every gold span and every prediction, and the number of units."""
        if isinstance(units, np.ndarray):
            n_gold = len(self.gold)
            return units[:n_gold], units[n_gold:], int(units.max()) + 1 if len(units) else 0
        if units == "document":
            return self.gold.doc, self.pred.doc, self.n_docs
        if units == "paragraph":
            # A span belongs to the paragraph its first character is in.
            gold = self.paragraph_of(self.gold.gstart, self.gold.doc)
            pred = self.paragraph_of(self.pred.gstart, self.pred.doc)
            return gold, pred, len(self.paragraphs()[1])
        raise ValueError(f"units must be 'document', 'paragraph' or an array, not {units!r}")

    def _char_units(self, units: str, seg: dict[str, np.ndarray]):
        bases = self.base
        if units == "document":
            return (lambda gstart: np.searchsorted(bases, gstart, side="right") - 1), self.n_docs
        if units == "paragraph":
            n_paragraphs = len(self.paragraphs()[1])
            doc_of = lambda gstart: np.searchsorted(bases, gstart, side="right") - 1  # noqa: E731
            return (lambda gstart: self.paragraph_of(gstart, doc_of(gstart))), n_paragraphs
        raise ValueError(f"units must be 'document' or 'paragraph', not {units!r}")


def _merge(gstart: np.ndarray, gend: np.ndarray, label: np.ndarray, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """The union of intervals per label, as sorted disjoint intervals on a per-label axis."""
    if len(gstart) == 0:
        return gstart.copy(), gend.copy()
    s = label * stride + gstart
    e = label * stride + gend
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    running = np.maximum.accumulate(e)
    new = np.ones(len(s), dtype=bool)
    new[1:] = s[1:] >= running[:-1]
    group = np.cumsum(new) - 1
    starts = s[new]
    ends = np.zeros(len(starts), dtype=np.int64)
    np.maximum.at(ends, group, e)
    return starts, ends


def _char_segments(alignment: Alignment) -> dict[str, np.ndarray]:
    stride = int(alignment.base[-1] + alignment.extent[-1] + 1) if alignment.n_docs else 1
    g_s, g_e = _merge(alignment.gold.gstart, alignment.gold.gend, alignment.gold.label, stride)
    p_s, p_e = _merge(alignment.pred.gstart, alignment.pred.gend, alignment.pred.label, stride)
    # Both unions are flat: the overlaps of one with the other are contiguous ranges.
    lo = np.searchsorted(g_e, p_s, side="right")
    hi = np.searchsorted(g_s, p_e, side="left")
    pi, gi = expand_ranges(lo, hi)
    b_s = np.maximum(g_s[gi], p_s[pi])
    b_e = np.minimum(g_e[gi], p_e[pi])
    keep = b_e > b_s
    b_s, b_e = b_s[keep], b_e[keep]

    def split(starts: np.ndarray, ends: np.ndarray, key: str) -> dict[str, np.ndarray]:
        return {
            f"{key}_start": starts % stride,
            f"{key}_len": ends - starts,
            f"{key}_label": starts // stride,
        }

    return {**split(g_s, g_e, "gold"), **split(p_s, p_e, "pred"), **split(b_s, b_e, "both")}


def align(
    gold: SpansLike,
    pred: SpansLike,
    *,
    schemes: Collection[str] = SCHEMES,
    allowed_labels: Collection[str] | None = LABEL_SET,
    check: bool = True,
    pred_file: str | None = None,
    warn_missing: bool = True,
) -> Alignment:
    """Match `pred` against `gold` in every scheme.

    `gold` and `pred` are `AnnotationSet`s or ``{doc_id: [Span, ...]}``. The gold decides which
    documents are scored; gold documents without predictions count as all missed (with a
    `MissingDocumentsWarning`). With `check`, predictions for unknown documents, a text hash that
    differs from the gold's, a span whose text does not match, and labels outside
    `allowed_labels` (default: the schema; None accepts any) raise `ValidationError`.
    `warn_missing` False leaves the warning about documents without predictions to the caller.

    >>> from jinbiao.gold import Span
    >>> gold = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "GPE", "北京")]}
    >>> pred = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "LOC", "北京")]}
    >>> alignment = align(gold, pred)
    >>> alignment.doc_ids, alignment.labels
    (['d1'], ['PERSON', 'GPE', 'LOC'])
    """
    gold_set = as_annotation_set(gold, name="gold")
    pred_set = as_annotation_set(pred, name="predictions")
    allowed = None if allowed_labels is None else set(allowed_labels)
    if check:
        if allowed is not None:
            for doc in gold_set:
                for span in doc.spans:
                    if span.label not in allowed:
                        raise ValidationError(
                            f"label {span.label!r} is not in the schema",
                            file=gold_set.name,
                            doc_id=doc.doc_id,
                            span=span,
                        )
        missing = check_against_gold(gold_set, pred_set, file=pred_file, labels=allowed, warn_missing=warn_missing)
    else:
        missing = sorted(set(gold_set.documents) - set(pred_set.documents))
    doc_ids = sorted(gold_set.documents)
    codes = _Codes()
    gold_raw = _extract([gold_set.spans(d) for d in doc_ids], codes)
    pred_raw = _extract([pred_set.spans(d) for d in doc_ids], codes)
    vocabulary = schema_order(codes)
    final = {label: i for i, label in enumerate(vocabulary)}
    remap = np.array([final[label] for label in codes], dtype=np.int64)
    texts = {}
    for doc_id in doc_ids:
        for source in (gold_set.documents.get(doc_id), pred_set.documents.get(doc_id)):
            if source is not None and source.text is not None:
                texts[doc_id] = source.text
                break
    gold_arrays = _columns(*gold_raw[:4], remap[gold_raw[4]], who=gold_set.name, doc_ids=doc_ids)
    pred_arrays = _columns(*pred_raw[:4], remap[pred_raw[4]], who=pred_file or pred_set.name, doc_ids=doc_ids)
    extent = np.array([len(texts.get(doc_id, "")) for doc_id in doc_ids], dtype=np.int64)
    for arrays in (gold_arrays, pred_arrays):
        np.maximum.at(extent, arrays.doc, arrays.end)
    base = np.concatenate([[0], np.cumsum(extent + 1)[:-1]]).astype(np.int64) if len(doc_ids) else extent
    for arrays in (gold_arrays, pred_arrays):
        arrays.gstart = base[arrays.doc] + arrays.start
        arrays.gend = base[arrays.doc] + arrays.end
    pairs = Pairs.build(
        gold_arrays.gstart, gold_arrays.gend, gold_arrays.label, pred_arrays.gstart, pred_arrays.gend, pred_arrays.label
    )
    matchings = {scheme: match(pairs, scheme) for scheme in schemes}
    return Alignment(
        doc_ids=doc_ids,
        labels=vocabulary,
        gold=gold_arrays,
        pred=pred_arrays,
        pairs=pairs,
        matchings=matchings,
        texts=texts,
        base=base,
        extent=extent,
        missing_docs=missing,
        gold_name=gold_set.name,
        pred_name=pred_set.name,
    )
