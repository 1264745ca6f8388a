"""`score`: the tidy table of counts and P / R / F1, overall, per label or per document, with CIs."""

from __future__ import annotations

import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jinbiao.gold import LABEL_SET, JinbiaoError

from .alignment import Alignment, align
from .counting import CorpusCounts, check_units, count_alignment
from .inputs import SpansLike
from .intervals import (
    bootstrap_counts,
    bootstrap_mean,
    check_confidence,
    few_units_caution,
    percentile_interval,
)
from .metrics import (
    AVERAGES,
    COUNT_COLUMNS,
    all_schemes,
    check_zero_division,
    label_metrics,
    prf,
    select_labels,
)
from .schemes import matched_schemes

METRICS = ("precision", "recall", "f1")
CI_COLUMNS = tuple(f"{m}_{end}" for m in METRICS for end in ("low", "high"))


def as_alignment(gold: SpansLike | Alignment, pred: SpansLike | None = None, **kwargs) -> Alignment:
    """`gold` if it already is an `Alignment`, else ``align(gold, pred, **kwargs)``."""
    if isinstance(gold, Alignment):
        if pred is not None:
            raise TypeError("pass either an Alignment or gold and predictions, not both")
        return gold
    if pred is None:
        raise TypeError("predictions are missing")
    return align(gold, pred, **kwargs)


def _frame(
    scheme: str,
    key: str | None,
    names: Sequence[str],
    counts: np.ndarray,
    metrics: tuple[np.ndarray, np.ndarray, np.ndarray],
    intervals: dict[str, tuple[np.ndarray, np.ndarray]] | None,
) -> pd.DataFrame:
    data: dict[str, object] = {"scheme": scheme}
    if key is not None:
        data[key] = list(names)
    counts = np.asarray(counts, dtype=np.int64)
    for i, column in enumerate(COUNT_COLUMNS):
        data[column] = counts[:, i]
    data["support"] = counts[:, 0:4].sum(axis=1)
    data["predicted"] = counts[:, 4:8].sum(axis=1)
    for name, values in zip(METRICS, metrics, strict=False):
        data[name] = values
    if intervals is not None:
        for name in METRICS:
            data[f"{name}_low"], data[f"{name}_high"] = intervals[name]
    return pd.DataFrame(data)


def score(
    gold: SpansLike | Alignment | CorpusCounts,
    pred: SpansLike | None = None,
    *,
    scheme: str | Sequence[str] = "all",
    by: str | None = None,
    labels: Sequence[str] | None = None,
    zero_division: float = 0.0,
    ci: bool = False,
    units: str = "document",
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int | None = 0,
    allowed_labels: Collection[str] | None = LABEL_SET,
) -> pd.DataFrame:
    """Counts and precision / recall / F1 as a tidy DataFrame, one row per scheme and key.

    `gold` and `pred` are annotation sets (or ``{doc_id: [Span, ...]}``); or `gold` is an
    `Alignment`, or the `CorpusCounts` of a corpus counted batch by batch (`score_files`).
    `by`: None (one overall row per scheme), "label" (each label, then micro / macro / weighted
    averages) or "document" (each document, then micro / macro averages over documents).
    `labels` fixes the labels reported and averaged (default: those in gold or predictions).
    With `ci`, percentile bootstrap intervals over `units` ("document" or "paragraph") are
    added as ``precision_low`` … ``f1_high``; rows of single documents get none.

    >>> from jinbiao.gold import Span
    >>> gold = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "GPE", "北京")]}
    >>> pred = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "LOC", "北京")]}
    >>> table = score(gold, pred, scheme=["strict", "exact"])
    >>> print(table[["scheme", "correct", "incorrect", "f1"]].to_string(index=False))
    scheme  correct  incorrect  f1
    strict        1          1 0.5
     exact        2          0 1.0
    """
    schemes = all_schemes(scheme)
    zd = check_zero_division(zero_division)
    if ci:
        check_confidence(confidence)
    if by not in (None, "label", "document"):
        raise JinbiaoError(f"by must be 'label' or 'document', not {by!r}")
    check_units([units])
    needed = ["document", units] if ci else ["document"]
    if isinstance(gold, CorpusCounts):
        if pred is not None:
            raise TypeError("pass either counts or gold and predictions, not both")
        counted = gold
    else:
        alignment = as_alignment(
            gold, pred, schemes=matched_schemes(schemes), allowed_labels=allowed_labels
        )
        counted = count_alignment(alignment, schemes, needed)
    resampling = Resampling(units, n_resamples, confidence, seed) if ci else None
    return _table(counted, schemes, by, labels, zd, resampling)


@dataclass(frozen=True)
class Resampling:
    """How `score` draws its bootstrap intervals."""

    units: str
    n_resamples: int
    confidence: float
    seed: int | None


def _table(
    counted: CorpusCounts,
    schemes: Sequence[str],
    by: str | None,
    labels: Sequence[str] | None,
    zd: float,
    resampling: Resampling | None,
) -> pd.DataFrame:
    """The table of `score` from counts alone (checked arguments; no intervals without `resampling`)."""
    if counted.summed and (resampling or by == "document"):
        raise ValueError("these counts were summed over documents: count per document for intervals or rows")
    names = list(labels) if labels is not None else counted.labels
    unknown = [label for label in names if label not in counted.labels and label not in LABEL_SET]
    if unknown:
        raise JinbiaoError(
            f"labels {', '.join(map(repr, unknown))} are neither in the schema nor in the spans scored; "
            "pass schema labels, or map the model's labels first (map_labels)"
        )
    frames = []
    for name in schemes:
        counts = select_labels(counted, counted.scheme_counts(name, "document"), labels)  # (D, L, 8)
        if by == "document":
            frames.append(_by_document(counted, name, counts, labels, zd, resampling))
            continue
        total = counts.sum(axis=0)
        metrics = label_metrics(total, zd)
        table_counts = np.concatenate([total, np.repeat(total.sum(axis=0, keepdims=True), 3, axis=0)])
        intervals = None
        if resampling:
            units = resampling.units
            per_unit = (
                counts if units == "document" else select_labels(counted, counted.scheme_counts(name, units), labels)
            )
            samples = label_metrics(bootstrap_counts(per_unit, resampling.n_resamples, resampling.seed), zd)
            intervals = {
                m: percentile_interval(s, resampling.confidence) for m, s in zip(METRICS, samples, strict=False)
            }
        if by == "label":
            frames.append(_frame(name, "label", [*names, *AVERAGES], table_counts, metrics, intervals))
        else:
            row = len(names)  # the micro average is the overall score
            pick = slice(row, row + 1)
            frames.append(
                _frame(
                    name,
                    None,
                    [],
                    table_counts[pick],
                    tuple(m[pick] for m in metrics),
                    None if intervals is None else {k: (lo[pick], hi[pick]) for k, (lo, hi) in intervals.items()},
                )
            )
    table = pd.concat(frames, ignore_index=True)
    if resampling:
        caution = few_units_caution(counted.unit_count(resampling.units), resampling.units)
        if caution:
            table["caution"] = caution
            table.attrs["caution"] = caution
    return table


def _by_document(
    counted: CorpusCounts,
    scheme: str,
    counts: np.ndarray,
    labels: Sequence[str] | None,
    zd: float,
    resampling: Resampling | None,
) -> pd.DataFrame:
    per_doc = counts.sum(axis=1)  # (D, 8)
    doc_metrics = prf(per_doc, zd)
    micro = prf(per_doc.sum(axis=0), zd)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        macro = tuple(np.nanmean(m) if len(m) else zd for m in doc_metrics)
    metrics = tuple(np.concatenate([m, [mi, ma]]) for m, mi, ma in zip(doc_metrics, micro, macro, strict=False))
    table_counts = np.concatenate([per_doc, np.repeat(per_doc.sum(axis=0, keepdims=True), 2, axis=0)])
    intervals = None
    if resampling:
        n, n_resamples, seed = len(counted.doc_ids), resampling.n_resamples, resampling.seed
        if resampling.units == "document":
            per_unit = per_doc
        else:
            per_unit = select_labels(counted, counted.scheme_counts(scheme, resampling.units), labels).sum(axis=1)
        micro_s = prf(bootstrap_counts(per_unit, n_resamples, seed), zd)
        macro_s = [bootstrap_mean(per, n_resamples, seed) for per in doc_metrics]
        intervals = {}
        for name, mic, mac in zip(METRICS, micro_s, macro_s, strict=False):
            lo, hi = percentile_interval(np.stack([mic, mac], axis=1), resampling.confidence)
            intervals[name] = (np.concatenate([np.full(n, np.nan), lo]), np.concatenate([np.full(n, np.nan), hi]))
    return _frame(scheme, "document", [*counted.doc_ids, "micro avg", "macro avg"], table_counts, metrics, intervals)
