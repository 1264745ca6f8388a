"""Agreement between annotation sets: pairwise F1 per scheme, Cohen's kappa and Krippendorff's alpha.

* Pairwise F1 (Hripcsak & Rothschild 2005): score one set against the other; F1 is symmetric
  (swapping the sets swaps precision and recall), so it needs no gold.
* Cohen's kappa over characters (scikit-learn's `cohen_kappa_score`): each character of the
  documents both sets annotated gets the label of the span covering it, or ``O``.
* Krippendorff's alpha, nominal, over the same characters, for any number of sets; a character
  is a unit, each set that annotated its document a coder.

Only documents that both (for alpha: at least two) sets annotated are compared; character
measures need the document texts (gold files and JSONL with ``text`` carry them), or lengths.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jinbiao.gold import AnnotationSet, DocumentAnnotations, JinbiaoError
from jinbiao.gold.schema import schema_order

from .alignment import align
from .inputs import SpansLike, as_annotation_set
from .metrics import prf as _prf
from .metrics import scheme_counts
from .schemes import ALL_SCHEMES, SCHEMES


def krippendorff_alpha_nominal(values: np.ndarray) -> float:
    """Krippendorff's alpha for nominal data: `values` is coders × units, integers, -1 for missing.

    Units with fewer than two values are left out. NaN when there is no variation to judge by.
    """
    values = np.asarray(values, dtype=np.int64)
    if values.ndim != 2:
        raise ValueError("values must be a coders × units array")
    present = values >= 0
    m = present.sum(axis=0)
    keep = m >= 2
    values, present, m = values[:, keep], present[:, keep], m[keep]
    if values.size == 0:
        return float("nan")
    categories, coded = np.unique(values[present], return_inverse=True)
    n_cat = len(categories)
    codes = np.full(values.shape, -1, dtype=np.int64)
    codes[present] = coded
    # n_uc: how many coders gave unit u category c.
    n_units = values.shape[1]
    unit_of = np.broadcast_to(np.arange(n_units), values.shape)[present]
    n_uc = np.bincount(unit_of * n_cat + codes[present], minlength=n_units * n_cat).reshape(n_units, n_cat)
    # Identical units contribute identically: count the distinct value patterns once.
    patterns, weight = np.unique(n_uc, axis=0, return_counts=True)
    pm = patterns.sum(axis=1).astype(np.float64)
    scaled = patterns * (weight / (pm - 1))[:, None]
    coincidences = scaled.T @ patterns - np.diag(scaled.sum(axis=0))
    n_c = coincidences.sum(axis=1)
    n = n_c.sum()
    observed = coincidences.sum() - np.trace(coincidences)
    expected = (n_c.sum() ** 2 - (n_c**2).sum()) / (n - 1)
    if expected == 0:
        return float("nan")
    return float(1.0 - observed / expected)


def _lengths(
    sets: Sequence[AnnotationSet], doc_ids: Sequence[str], texts: Mapping[str, str | int] | None
) -> dict[str, int]:
    lengths: dict[str, int] = {}
    for doc_id in doc_ids:
        value: str | int | None = None if texts is None else texts.get(doc_id)
        if value is None:
            value = next(
                (
                    s.documents[doc_id].text
                    for s in sets
                    if doc_id in s.documents and s.documents[doc_id].text is not None
                ),
                None,
            )
        if value is None:
            raise JinbiaoError(
                f"document {doc_id}: character agreement needs the text (use gold files or JSONL with 'text')"
            )
        lengths[doc_id] = value if isinstance(value, int) else len(value)
    return lengths


def char_labels(spans: Sequence, length: int, label_index: Mapping[str, int]) -> np.ndarray:
    """Per character: 0 for outside, else 1 + the label's index (a later span wins a nested character)."""
    out = np.zeros(length, dtype=np.int64)
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        out[span.start : min(span.end, length)] = 1 + label_index[span.label]
    return out


def _label_index(sets: Sequence[AnnotationSet]) -> dict[str, int]:
    found = {s.label for a in sets for d in a for s in d.spans}
    ordered = schema_order(found)
    return {label: i for i, label in enumerate(ordered)}


def _char_vectors(a: AnnotationSet, b: AnnotationSet, texts) -> tuple[np.ndarray, np.ndarray]:
    common = sorted(set(a.documents) & set(b.documents))
    if not common:
        raise JinbiaoError(f"{a.name} and {b.name} share no documents")
    lengths = _lengths([a, b], common, texts)
    index = _label_index([a, b])
    va = np.concatenate([char_labels(a.spans(d), lengths[d], index) for d in common])
    vb = np.concatenate([char_labels(b.spans(d), lengths[d], index) for d in common])
    return va, vb


def cohen_kappa_chars(a: SpansLike, b: SpansLike, *, texts: Mapping[str, str | int] | None = None) -> float:
    """Cohen's kappa between two sets over the characters of their common documents.

    >>> from jinbiao.gold import Span
    >>> gold = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "GPE", "北京")]}
    >>> pred = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "LOC", "北京")]}
    >>> round(cohen_kappa_chars(gold, pred, texts={"d1": "李刚在北京工作。"}), 4)
    0.6364
    """
    from sklearn.metrics import cohen_kappa_score

    va, vb = _char_vectors(as_annotation_set(a, name="a"), as_annotation_set(b, name="b"), texts)
    if len(va) == 0:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(cohen_kappa_score(va, vb))


def krippendorff_alpha_chars(sets: Sequence[SpansLike], *, texts: Mapping[str, str | int] | None = None) -> float:
    """Krippendorff's alpha (nominal) over characters, for two or more sets."""
    annotation_sets = [as_annotation_set(s, name=f"set{i}") for i, s in enumerate(sets)]
    if len(annotation_sets) < 2:
        raise JinbiaoError("agreement needs at least two annotation sets")
    counted = {}
    for a in annotation_sets:
        for doc_id in a.documents:
            counted[doc_id] = counted.get(doc_id, 0) + 1
    doc_ids = sorted(d for d, n in counted.items() if n >= 2)
    if not doc_ids:
        raise JinbiaoError("no document was annotated by two of these sets")
    lengths = _lengths(annotation_sets, doc_ids, texts)
    index = _label_index(annotation_sets)
    rows = []
    for a in annotation_sets:
        parts = [
            char_labels(a.spans(d), lengths[d], index) if d in a.documents else np.full(lengths[d], -1, dtype=np.int64)
            for d in doc_ids
        ]
        rows.append(np.concatenate(parts))
    return krippendorff_alpha_nominal(np.stack(rows))


def pairwise_f1(a: SpansLike, b: SpansLike) -> dict[str, float]:
    """F1 of `b` against `a` on their common documents, in every scheme (symmetric).

    >>> from jinbiao.gold import Span
    >>> gold = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "GPE", "北京")]}
    >>> pred = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "LOC", "北京")]}
    >>> pairwise_f1(gold, pred)
    {'strict': 0.5, 'exact': 1.0, 'partial': 1.0, 'type': 0.5, 'chars': 0.5}
    """
    sa, sb = as_annotation_set(a, name="a"), as_annotation_set(b, name="b")
    common = set(sa.documents) & set(sb.documents)
    if not common:
        raise JinbiaoError(f"{sa.name} and {sb.name} share no documents")
    alignment = align(_subset(sa, common), _subset(sb, common), check=False)
    return {scheme: float(_prf(scheme_counts(alignment, scheme).sum(axis=(0, 1)))[2]) for scheme in ALL_SCHEMES}


def _subset(annotation_set: AnnotationSet, doc_ids: set[str]) -> AnnotationSet:
    result = AnnotationSet(name=annotation_set.name, kind=annotation_set.kind, version=annotation_set.version)
    for doc_id in sorted(doc_ids):
        doc = annotation_set.documents[doc_id]
        result.add(DocumentAnnotations(doc.doc_id, doc.text_sha256, doc.spans, doc.text))
    return result


@dataclass
class Agreement:
    """Agreement of named sets: a tidy pairwise table, matrices, and alpha over all of them."""

    names: list[str]
    pairs: pd.DataFrame  # one row per pair: a, b, documents, f1_<scheme>…, kappa, alpha
    alpha: float  # Krippendorff's alpha over all sets together

    def matrix(self, measure: str = "f1_strict") -> pd.DataFrame:
        """The symmetric names × names matrix of `measure` (1.0 on the diagonal)."""
        out = pd.DataFrame(np.eye(len(self.names)), index=self.names, columns=self.names)
        for row in self.pairs.itertuples(index=False):
            value = getattr(row, measure)
            out.loc[row.a, row.b] = value
            out.loc[row.b, row.a] = value
        return out


def agreement(
    sets: Sequence[SpansLike] | Mapping[str, SpansLike], *, texts: Mapping[str, str | int] | None = None
) -> Agreement:
    """Pairwise F1 in every scheme, kappa and alpha for every pair of `sets`; alpha over all."""
    if isinstance(sets, Mapping):
        named = [(str(k), as_annotation_set(v, name=str(k))) for k, v in sets.items()]
    else:
        named = [
            (as_annotation_set(v, name=f"set{i + 1}").name, as_annotation_set(v, name=f"set{i + 1}"))
            for i, v in enumerate(sets)
        ]
    names = [n for n, _ in named]
    if len(named) < 2:
        raise JinbiaoError("agreement needs at least two annotation sets")
    if len(set(names)) != len(names):
        names = [f"{n}#{i + 1}" for i, n in enumerate(names)]
    rows = []
    for (i, (_, a)), (j, (_, b)) in itertools.combinations(enumerate(named), 2):
        common = set(a.documents) & set(b.documents)
        row: dict[str, object] = {"a": names[i], "b": names[j], "documents": len(common)}
        f1 = pairwise_f1(a, b)
        for scheme in (*SCHEMES, "chars"):
            row[f"f1_{scheme}"] = f1[scheme]
        row["kappa"] = cohen_kappa_chars(a, b, texts=texts)
        row["alpha"] = krippendorff_alpha_chars([a, b], texts=texts)
        rows.append(row)
    alpha = krippendorff_alpha_chars([s for _, s in named], texts=texts)
    return Agreement(names=names, pairs=pd.DataFrame(rows), alpha=alpha)
