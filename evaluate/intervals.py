"""Percentile bootstrap confidence intervals over documents (or paragraphs), seeded."""

from __future__ import annotations

from collections.abc import Iterator

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


def _check_resamples(n_resamples: int) -> None:
    if n_resamples < 1:
        raise JinbiaoError(f"n_resamples must be at least 1, not {n_resamples}")


def _weight_blocks(n_units: int, n_resamples: int, seed: int | None) -> Iterator[np.ndarray]:
    """The rows of `resample_weights` a block at a time (about 8 MB each, whatever the corpus):
    the same draws from the same generator, so the rows are the same."""
    _check_resamples(n_resamples)
    rng = np.random.default_rng(seed)
    if n_units == 0:
        yield np.zeros((n_resamples, 0), dtype=np.int64)
        return
    rows = max(1, min(n_resamples, 2**20 // n_units))
    probabilities = np.full(n_units, 1.0 / n_units)
    for done in range(0, n_resamples, rows):
        yield rng.multinomial(n_units, probabilities, size=min(rows, n_resamples - done))


def resample_weights(n_units: int, n_resamples: int, seed: int | None = 0) -> np.ndarray:
    """How often each unit is drawn in each resample: shape (n_resamples, n_units), rows sum to n_units."""
    return np.concatenate(list(_weight_blocks(n_units, n_resamples, seed)))


def bootstrap_counts(counts: np.ndarray, n_resamples: int = 1000, seed: int | None = 0) -> np.ndarray:
    """Counts of shape (units, ...) summed over `n_resamples` bootstrap samples of the units."""
    flat = counts.reshape(counts.shape[0], int(np.prod(counts.shape[1:]))).astype(np.float64)
    blocks = [weights.astype(np.float64) @ flat for weights in _weight_blocks(counts.shape[0], n_resamples, seed)]
    return np.concatenate(blocks).reshape(n_resamples, *counts.shape[1:])


def bootstrap_mean(values: np.ndarray, n_resamples: int = 1000, seed: int | None = 0) -> np.ndarray:
    """The mean of per-unit `values` (NaN left out) in each of the bootstrap samples that
    `bootstrap_counts` draws with the same seed: shape (n_resamples,)."""
    valid = ~np.isnan(values)
    kept = values[valid]
    means = []
    for weights in _weight_blocks(len(values), n_resamples, seed):
        chosen = weights[:, valid].astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            means.append((chosen @ kept) / chosen.sum(axis=1))
    return np.concatenate(means)


def percentile_interval(samples: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """The percentile interval of `samples` along axis 0 (NaN samples left out)."""
    alpha = 1.0 - check_confidence(confidence)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low = np.nanquantile(samples, alpha / 2, axis=0)
        high = np.nanquantile(samples, 1 - alpha / 2, axis=0)
    return low, high
