"""The SemEval-2013 matching schemes and their categories.

For a gold span and a predicted span that overlap (end-exclusive: touching is not overlapping):

========  =======================  ===========================  =====================
scheme    correct                  otherwise (overlapping)      credit per category
========  =======================  ===========================  =====================
strict    same boundaries, label   incorrect                    correct 1
exact     same boundaries          incorrect                    correct 1
partial   same boundaries          partial                      correct 1, partial ½
type      same label               incorrect                    correct 1
========  =======================  ===========================  =====================

An unmatched gold span is *missing*, an unmatched prediction *spurious*. `chars` is not a span
scheme: it counts (character, label) pairs, see `jinbiao.evaluate.alignment`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

SCHEMES: tuple[str, ...] = ("strict", "exact", "partial", "type")
ALL_SCHEMES: tuple[str, ...] = (*SCHEMES, "chars")

CORRECT, INCORRECT, PARTIAL, UNMATCHED = 0, 1, 2, 3
CATEGORY_NAMES = ("correct", "incorrect", "partial")  # and "missing" (gold) / "spurious" (predicted)

# Credit in half units, so that every weight stays an integer.
HALF_CREDIT = np.array([2, 0, 1, 0], dtype=np.int64)
CREDIT = np.array([1.0, 0.0, 0.5, 0.0])

SCHEME_ALIASES = {"ent_type": "type", "entity_type": "type", "char": "chars", "character": "chars"}


def matched_schemes(schemes: Iterable[str]) -> list[str]:
    """The span schemes among `schemes` that need a matching (strict when there are none: `chars`
    alone still needs the spans aligned)."""
    wanted = set(schemes)
    return [s for s in SCHEMES if s in wanted] or ["strict"]


def check_scheme(scheme: str, *, allow_chars: bool = True) -> str:
    name = SCHEME_ALIASES.get(scheme, scheme)
    valid = ALL_SCHEMES if allow_chars else SCHEMES
    if name not in valid:
        from jinbiao.gold import JinbiaoError

        raise JinbiaoError(f"unknown scheme {scheme!r}; choose one of: {', '.join(valid)}")
    return name


def pair_categories(scheme: str, same_bounds: np.ndarray, same_label: np.ndarray) -> np.ndarray:
    """The category (CORRECT, INCORRECT or PARTIAL) of overlapping pairs under `scheme`."""
    if scheme == "strict":
        ok = same_bounds & same_label
        return np.where(ok, CORRECT, INCORRECT).astype(np.int8)
    if scheme == "exact":
        return np.where(same_bounds, CORRECT, INCORRECT).astype(np.int8)
    if scheme == "partial":
        return np.where(same_bounds, CORRECT, PARTIAL).astype(np.int8)
    if scheme == "type":
        return np.where(same_label, CORRECT, INCORRECT).astype(np.int8)
    raise ValueError(f"not a span scheme: {scheme!r}")
