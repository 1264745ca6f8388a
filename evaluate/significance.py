"""Paired tests between two systems scored on the same gold: is the F1 difference real?

* ``permutation`` (approximate randomization, Noreen 1989; Yeh 2000): in each round every unit
  (document or paragraph) swaps the two systems' counts with probability ½;
  p = (1 + rounds with |Δ*| ≥ |Δ|) / (1 + rounds). When 2^units ≤ `n_resamples`, all 2^units
  swap patterns are enumerated instead and p is exact (with 5 documents it cannot go below 2/32).
* ``bootstrap`` (paired bootstrap, Koehn 2004; Berg-Kirkpatrick et al. 2012): units are resampled
  with replacement, the same draw for both systems; the two-sided p-value counts resamples whose
  difference lies at least |Δ| away from Δ (the bootstrap distribution shifted to the null),
  p = (1 + such resamples) / (1 + resamples). A percentile interval of Δ comes with it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from jinbiao.gold import JinbiaoError

from .alignment import Alignment
from .inputs import SpansLike
from .intervals import few_units_caution, percentile_interval, resample_weights
from .metrics import check_zero_division, prf, scheme_counts
from .scores import as_alignment

METHODS = ("permutation", "bootstrap")
_METRIC_INDEX = {"precision": 0, "recall": 1, "f1": 2}


@dataclass(frozen=True)
class PairedTest:
    """Δ = metric(a) − metric(b) on the same gold, and how likely so large a Δ is by chance."""

    metric: str
    scheme: str
    method: str
    a: float
    b: float
    difference: float
    p_value: float
    n_resamples: int
    units: str
    difference_low: float | None = None
    difference_high: float | None = None
    caution: str | None = None  # set when the test is unreliable over so few units

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _unit_counts(alignment: Alignment, scheme: str, units: str) -> np.ndarray:
    return scheme_counts(alignment, scheme, units).sum(axis=1)  # (units, 8), labels summed: micro


def paired_test(
    gold: SpansLike | None,
    pred_a: SpansLike | Alignment,
    pred_b: SpansLike | Alignment,
    *,
    scheme: str = "strict",
    metric: str = "f1",
    method: str = "permutation",
    units: str = "document",
    n_resamples: int = 10000,
    seed: int | None = 0,
    confidence: float = 0.95,
    zero_division: float = 0.0,
) -> PairedTest:
    """Test the difference in micro `metric` between systems `a` and `b` under `scheme`.

    `pred_a` / `pred_b` are predictions (aligned here against `gold`) or `Alignment`s made
    against the same gold (then `gold` may be None).
    """
    if method not in METHODS:
        raise JinbiaoError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if metric not in _METRIC_INDEX:
        raise JinbiaoError(f"metric must be precision, recall or f1, not {metric!r}")
    zd = check_zero_division(zero_division)
    a = pred_a if isinstance(pred_a, Alignment) else as_alignment(gold, pred_a)
    b = pred_b if isinstance(pred_b, Alignment) else as_alignment(gold, pred_b)
    if a.doc_ids != b.doc_ids:
        raise JinbiaoError("the two systems were not scored on the same gold documents")
    counts_a = _unit_counts(a, scheme, units).astype(np.float64)
    counts_b = _unit_counts(b, scheme, units).astype(np.float64)
    if counts_a.shape != counts_b.shape:
        raise JinbiaoError("the two systems were not scored on the same units")
    index = _METRIC_INDEX[metric]
    value_a = float(prf(counts_a.sum(axis=0), zd)[index])
    value_b = float(prf(counts_b.sum(axis=0), zd)[index])
    observed = value_a - value_b
    rng_seed = seed
    low = high = None
    # A tolerance keeps floating-point noise from deciding ties (e.g. identical systems).
    eps = 1e-12
    n_units = counts_a.shape[0]
    exact = method == "permutation" and 2**n_units <= n_resamples
    if method == "permutation":
        if exact:
            # Few units: every one of the 2^n swap patterns, once (an exact test).
            patterns = np.arange(2**n_units, dtype=np.int64)[:, None]
            swap = (patterns >> np.arange(n_units, dtype=np.int64)) & 1 == 1
        else:
            rng = np.random.default_rng(rng_seed)
            swap = rng.random((n_resamples, n_units)) < 0.5
        delta = counts_b - counts_a
        moved = swap.astype(np.float64) @ delta
        star_a = counts_a.sum(axis=0) + moved
        star_b = counts_b.sum(axis=0) - moved
        diffs = prf(star_a, zd)[index] - prf(star_b, zd)[index]
        extreme = np.abs(diffs) >= abs(observed) - eps
    else:
        weights = resample_weights(counts_a.shape[0], n_resamples, rng_seed).astype(np.float64)
        diffs = prf(weights @ counts_a, zd)[index] - prf(weights @ counts_b, zd)[index]
        extreme = np.abs(diffs - observed) >= abs(observed) - eps
        lo, hi = percentile_interval(diffs, confidence)
        low, high = float(lo), float(hi)
    if exact:
        p_value = float(int(extreme.sum()) / len(extreme))  # the identity pattern is among them: p > 0
        n_resamples = len(extreme)
    else:
        p_value = float((1 + int(extreme.sum())) / (1 + n_resamples))
    return PairedTest(
        metric=metric,
        scheme=scheme,
        method="permutation (exact)" if exact else method,
        a=value_a,
        b=value_b,
        difference=observed,
        p_value=min(1.0, p_value),
        n_resamples=n_resamples,
        units=units,
        difference_low=low,
        difference_high=high,
        caution=few_units_caution(n_units, units, test=True) if method == "bootstrap" else None,
    )
