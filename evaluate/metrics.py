"""Counts first, ratios from counts: precision, recall and F1 with their averages.

Every count array ends in the eight columns of `COUNT_COLUMNS`: the gold side (correct,
incorrect, partial, missing; they sum to the support) and the predicted side (correct_pred,
incorrect_pred, partial_pred, spurious; they sum to the predicted count).

    precision = (correct_pred + ½ partial_pred) / predicted
    recall    = (correct + ½ partial) / support
    F1        = harmonic mean of precision and recall

Zero division follows scikit-learn's ``zero_division``: a precision with nothing predicted or a
recall with nothing in the gold is `zero_division` (default 0.0; 1.0 and NaN are accepted, NaN
being left out of macro averages). F1 is `zero_division` only when both gold and predictions are
empty; otherwise a side with nothing to count makes F1 0, as ``2·tp / (2·tp + fp + fn)`` does.
"""

from __future__ import annotations

import warnings

import numpy as np

from jinbiao.gold import JinbiaoError

from .alignment import Alignment
from .schemes import SCHEMES

COUNT_COLUMNS: tuple[str, ...] = (
    "correct",
    "incorrect",
    "partial",
    "missing",
    "correct_pred",
    "incorrect_pred",
    "partial_pred",
    "spurious",
)
AVERAGES: tuple[str, ...] = ("micro avg", "macro avg", "weighted avg")


def check_zero_division(zero_division: float | str) -> float:
    if zero_division == "warn":
        return 0.0
    value = float(zero_division)
    if not (value in (0.0, 1.0) or np.isnan(value)):
        raise JinbiaoError(f"zero_division must be 0, 1 or nan, not {zero_division!r}")
    return value


def scheme_counts(alignment: Alignment, scheme: str, units: str | np.ndarray = "document") -> np.ndarray:
    """The counts of `scheme` per unit and label: shape (units, labels, 8)."""
    if scheme == "chars":
        if not isinstance(units, str):
            raise ValueError("chars counts need units 'document' or 'paragraph'")
        gold, pred, both = alignment.char_counts(units)
        zero = np.zeros_like(gold)
        return np.stack([both, zero, zero, gold - both, both, zero, zero, pred - both], axis=-1)
    if scheme not in alignment.matchings:
        raise ValueError(f"scheme {scheme!r} was not matched in this alignment")
    gold, pred = alignment.category_counts(scheme, units)
    return np.concatenate([gold, pred], axis=-1)


def prf(counts: np.ndarray, zero_division: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and F1 for counts of shape (..., 8)."""
    counts = np.asarray(counts, dtype=np.float64)
    support = counts[..., 0:4].sum(axis=-1)
    predicted = counts[..., 4:8].sum(axis=-1)
    credit_gold = counts[..., 0] + 0.5 * counts[..., 2]
    credit_pred = counts[..., 4] + 0.5 * counts[..., 6]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(predicted > 0, credit_pred / np.where(predicted > 0, predicted, 1), 0.0)
        r = np.where(support > 0, credit_gold / np.where(support > 0, support, 1), 0.0)
        f = np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1), 0.0)
    precision = np.where(predicted > 0, p, zero_division)
    recall = np.where(support > 0, r, zero_division)
    f1 = np.where(support + predicted > 0, f, zero_division)
    return precision, recall, f1


def label_metrics(counts: np.ndarray, zero_division: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P, R, F1 for each label and then the micro, macro and weighted averages.

    `counts` has shape (..., labels, 8); each result has shape (..., labels + 3).
    """
    p, r, f = prf(counts, zero_division)
    micro = prf(counts.sum(axis=-2), zero_division)
    support = counts[..., 0:4].sum(axis=-1).astype(np.float64)
    total = support.sum(axis=-1)
    out = []
    for per_label, overall in zip((p, r, f), micro, strict=False):
        if per_label.shape[-1]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # a row of NaN has no mean: NaN
                macro = np.nanmean(per_label, axis=-1)
            safe = np.where(np.isnan(per_label), 0.0, per_label)
            weighted = np.where(total > 0, (safe * support).sum(axis=-1) / np.where(total > 0, total, 1), zero_division)
        else:
            macro = np.full(per_label.shape[:-1], zero_division)
            weighted = np.full(per_label.shape[:-1], zero_division)
        out.append(
            np.concatenate([per_label, overall[..., None], np.asarray(macro)[..., None], weighted[..., None]], -1)
        )
    return out[0], out[1], out[2]


def precision_recall_f1(
    alignment: Alignment,
    scheme: str = "strict",
    *,
    average: str | None = "micro",
    labels: list[str] | None = None,
    zero_division: float = 0.0,
) -> tuple[float, float, float] | dict[str, tuple[float, float, float]]:
    """(precision, recall, F1) with `average` micro / macro / weighted, or per label with None.

    >>> from jinbiao.gold import Span
    >>> gold = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "GPE", "北京")]}
    >>> pred = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "LOC", "北京")]}
    >>> from jinbiao.evaluate import align
    >>> precision_recall_f1(align(gold, pred), scheme="strict")
    (0.5, 0.5, 0.5)
    >>> precision_recall_f1(align(gold, pred), scheme="exact")
    (1.0, 1.0, 1.0)
    """
    counts = select_labels(alignment, scheme_counts(alignment, scheme).sum(axis=0), labels)
    names = labels if labels is not None else alignment.labels
    p, r, f = label_metrics(counts, check_zero_division(zero_division))
    if average is None:
        return {name: (float(p[i]), float(r[i]), float(f[i])) for i, name in enumerate(names)}
    column = {"micro": len(names), "macro": len(names) + 1, "weighted": len(names) + 2}.get(average)
    if column is None:
        raise JinbiaoError(f"average must be micro, macro, weighted or None, not {average!r}")
    return float(p[column]), float(r[column]), float(f[column])


def select_labels(alignment: Alignment, counts: np.ndarray, labels: list[str] | None) -> np.ndarray:
    """Counts (..., all labels, 8) restricted to (and ordered as) `labels`; absent labels are zeros."""
    if labels is None:
        return counts
    index = {label: i for i, label in enumerate(alignment.labels)}
    out = np.zeros((*counts.shape[:-2], len(labels), counts.shape[-1]), dtype=counts.dtype)
    for j, label in enumerate(labels):
        if label in index:
            out[..., j, :] = counts[..., index[label], :]
    return out


def all_schemes(schemes: str | list[str] | tuple[str, ...] | None) -> list[str]:
    from .schemes import ALL_SCHEMES, check_scheme

    if schemes is None or schemes == "all":
        return list(ALL_SCHEMES)
    if isinstance(schemes, str):
        return [check_scheme(schemes)]
    return [check_scheme(s) for s in schemes]


__all__ = [
    "AVERAGES",
    "COUNT_COLUMNS",
    "SCHEMES",
    "label_metrics",
    "precision_recall_f1",
    "prf",
    "scheme_counts",
]
