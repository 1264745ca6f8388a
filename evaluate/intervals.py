"""Percentile bootstrap confidence intervals over documents (or paragraphs), seeded."""

from __future__ import annotations

import numpy as np

from jinbiao.gold import JinbiaoError

# Below this many resampling units a percentile bootstrap is known to be too narrow
# (anti-conservative): the resamples cannot show the variation that new documents would.
FEW_UNITS = 20


def few_units_caution(n_units: int, units: str = "document", *, test: bool = False) -> str | None:
    """A caution to print beside intervals or a bootstrap test computed over only `n_units` units."""
    if n_units >= FEW_UNITS:
        return None
    plural = f"{n_units} {units}{'' if n_units == 1 else 's'}"
    if n_units <= 1:
        return f"resampled over {plural}: the interval has no width and says nothing about uncertainty"
    if test:
        return (
            f"paired bootstrap over only {plural} is anti-conservative (its p-value is too small); "
            "use the permutation test"
        )
    return (
        f"bootstrap over only {plural} (fewer than {FEW_UNITS}): the interval is too narrow; "
        "read it as indicative, or resample over paragraphs"
    )


def check_confidence(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise JinbiaoError(f"confidence must be between 0 and 1, not {confidence}")
    return confidence


def resample_weights(n_units: int, n_resamples: int, seed: int | None = 0) -> np.ndarray:
    """How often each unit is drawn in each resample: shape (n_resamples, n_units), rows sum to n_units."""
    if n_resamples < 1:
        raise JinbiaoError(f"n_resamples must be at least 1, not {n_resamples}")
    rng = np.random.default_rng(seed)
    if n_units == 0:
        return np.zeros((n_resamples, 0), dtype=np.int64)
    return rng.multinomial(n_units, np.full(n_units, 1.0 / n_units), size=n_resamples)


def bootstrap_counts(counts: np.ndarray, n_resamples: int = 1000, seed: int | None = 0) -> np.ndarray:
    """Counts of shape (units, ...) summed over `n_resamples` bootstrap samples of the units."""
    weights = resample_weights(counts.shape[0], n_resamples, seed)
    flat = counts.reshape(counts.shape[0], int(np.prod(counts.shape[1:]))).astype(np.float64)
    return (weights.astype(np.float64) @ flat).reshape(n_resamples, *counts.shape[1:])


def percentile_interval(samples: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """The percentile interval of `samples` along axis 0 (NaN samples left out)."""
    alpha = 1.0 - check_confidence(confidence)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low = np.nanquantile(samples, alpha / 2, axis=0)
        high = np.nanquantile(samples, 1 - alpha / 2, axis=0)
    return low, high
