"""One-to-one matching of gold and predicted spans: optimal, deterministic, independent of input order.

Spans live on one global axis (each document gets its own stretch, so spans of different documents
never overlap), sorted canonically by (document, start, end, label). Overlapping gold–prediction
pairs (end-exclusive) form a bipartite graph; each connected component is matched on its own:

* a component of one gold and one prediction (almost all of them) is that pair;
* a component with one span on either side (a *star*) takes its best pair;
* any other component is solved as an assignment problem (`scipy.optimize.linear_sum_assignment`).

"Best" is lexicographic, most significant first: credit under the scheme (correct 1, partial ½,
incorrect 0); then the number of matched pairs; then agreement (same label, same boundaries,
squared, so that one fully agreeing pair beats two half-agreeing ones and a label is credited the
same way whichever side is gold);
then characters of overlap; then closeness of the boundaries; then the leftmost spans (canonical
order, that is by offsets). The score depends only on the first two tiers; the others decide
which error a mismatch is shown as, and make the result unique.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .schemes import HALF_CREDIT, UNMATCHED, pair_categories

_EXACT_FLOAT = 2**53


def expand_ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each i the indices lo[i] … hi[i]-1: returns (owner i, index), flattened."""
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(lo), dtype=np.int64), counts)
    if total == 0:
        return owner, np.zeros(0, dtype=np.int64)
    first = np.cumsum(counts) - counts
    index = np.arange(total, dtype=np.int64) - np.repeat(first - lo, counts)
    return owner, index


def overlap_pairs(
    gold_start: np.ndarray, gold_end: np.ndarray, pred_start: np.ndarray, pred_end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every (gold index, prediction index) whose spans overlap, end-exclusive.

    Both sides must be sorted by start. A pair overlaps iff the gold starts inside the prediction
    (``p.start <= g.start < p.end``) or the prediction starts strictly inside the gold
    (``g.start < p.start < g.end``); the two cases are disjoint, and each is a contiguous range
    of the other side's sorted starts, so the work is proportional to the pairs found.
    """
    lo = np.searchsorted(gold_start, pred_start, side="left")
    hi = np.searchsorted(gold_start, pred_end, side="left")
    p1, g1 = expand_ranges(lo, hi)
    lo = np.searchsorted(pred_start, gold_start, side="right")
    hi = np.searchsorted(pred_start, gold_end, side="left")
    g2, p2 = expand_ranges(lo, hi)
    # Deterministic (it follows the canonical order of both sides); nothing downstream needs more.
    return np.concatenate([g1, g2]), np.concatenate([p1, p2])


@dataclass
class Pairs:
    """The overlapping pairs of an alignment with what the matching needs to know about them."""

    gold: np.ndarray  # gold index of each pair
    pred: np.ndarray  # prediction index of each pair
    same_bounds: np.ndarray
    same_label: np.ndarray
    overlap: np.ndarray  # characters in common
    distance: np.ndarray  # |Δstart| + |Δend|
    component: np.ndarray  # -1 for a pair that is its own component, else the component id
    star: np.ndarray  # the pair's component has a single gold or a single predicted span (and > 1 pair)
    groups: list[np.ndarray]  # pair indices of each component with ≥ 2 spans on both sides
    n_gold: int
    n_pred: int

    @classmethod
    def build(
        cls,
        gold_start: np.ndarray,
        gold_end: np.ndarray,
        gold_label: np.ndarray,
        pred_start: np.ndarray,
        pred_end: np.ndarray,
        pred_label: np.ndarray,
    ) -> Pairs:
        gi, pi = overlap_pairs(gold_start, gold_end, pred_start, pred_end)
        gs, ge, ps, pe = gold_start[gi], gold_end[gi], pred_start[pi], pred_end[pi]
        n_gold, n_pred = len(gold_start), len(pred_start)
        deg_g = np.bincount(gi, minlength=n_gold)
        deg_p = np.bincount(pi, minlength=n_pred)
        simple = (deg_g[gi] == 1) & (deg_p[pi] == 1)
        component = np.full(len(gi), -1, dtype=np.int64)
        star = np.zeros(len(gi), dtype=bool)
        groups: list[np.ndarray] = []
        if not simple.all():
            hard = np.flatnonzero(~simple)
            n = n_gold + n_pred
            graph = coo_matrix((np.ones(len(hard), dtype=np.int8), (gi[hard], n_gold + pi[hard])), shape=(n, n))
            n_comp, labels = connected_components(graph, directed=False)
            comp = labels[gi[hard]]
            component[hard] = comp
            # Spans per component on each side: a span of degree d sits in d pairs of its component.
            golds = np.bincount(comp, weights=1.0 / deg_g[gi[hard]], minlength=n_comp).round().astype(np.int64)
            preds = np.bincount(comp, weights=1.0 / deg_p[pi[hard]], minlength=n_comp).round().astype(np.int64)
            is_star = (golds[comp] == 1) | (preds[comp] == 1)
            star[hard] = is_star
            general = hard[~is_star]
            if len(general):
                order = general[np.argsort(component[general], kind="stable")]
                cuts = np.flatnonzero(np.diff(component[order])) + 1
                groups = np.split(order, cuts)
        return cls(
            gold=gi,
            pred=pi,
            same_bounds=(gs == ps) & (ge == pe),
            same_label=gold_label[gi] == pred_label[pi],
            overlap=np.minimum(ge, pe) - np.maximum(gs, ps),
            distance=np.abs(gs - ps) + np.abs(ge - pe),
            component=component,
            star=star,
            groups=groups,
            n_gold=n_gold,
            n_pred=n_pred,
        )


@dataclass
class Matching:
    """The result of matching under one scheme, per span: its partner (-1: none) and category."""

    gold_partner: np.ndarray
    gold_category: np.ndarray  # CORRECT / INCORRECT / PARTIAL / UNMATCHED (= missing)
    pred_partner: np.ndarray
    pred_category: np.ndarray  # CORRECT / INCORRECT / PARTIAL / UNMATCHED (= spurious)


def _lexicographic_weights(tiers: list[tuple[np.ndarray, int]], k: int) -> np.ndarray:
    """Integer weights whose sum over any matching of ≤ k pairs orders matchings lexicographically.

    `tiers` runs from most to least significant, each as (values ≥ 0, max value). Least
    significant tiers are dropped while the weights would not be exact in float64.
    """
    while True:
        weight = np.zeros(len(tiers[0][0]), dtype=object)
        scale = 1
        for values, top in reversed(tiers):
            weight = weight + values.astype(object) * scale
            scale *= k * top + 1
        if scale < _EXACT_FLOAT or len(tiers) <= 2:
            return weight.astype(np.float64)
        tiers = tiers[:-1]


def match(pairs: Pairs, scheme: str) -> Matching:
    """The optimal one-to-one matching of `pairs` under `scheme` (see the module docstring)."""
    category = pair_categories(scheme, pairs.same_bounds, pairs.same_label)
    chosen = pairs.component < 0
    credit = HALF_CREDIT[category]
    agreement = pairs.same_bounds.astype(np.int64) + pairs.same_label
    stars = np.flatnonzero(pairs.star)
    if len(stars):
        # The best pair of each star: sort by component, then by preference; take each run's last.
        order = stars[
            np.lexsort(
                (
                    -pairs.pred[stars],
                    -pairs.gold[stars],
                    -pairs.distance[stars],
                    pairs.overlap[stars],
                    agreement[stars],
                    credit[stars],
                    pairs.component[stars],
                )
            )
        ]
        comp = pairs.component[order]
        last = np.ones(len(order), dtype=bool)
        last[:-1] = comp[1:] != comp[:-1]
        chosen[order[last]] = True
    for group in pairs.groups:
        gold_ids, gi = np.unique(pairs.gold[group], return_inverse=True)
        pred_ids, pj = np.unique(pairs.pred[group], return_inverse=True)
        ng, npr = len(gold_ids), len(pred_ids)
        k = min(ng, npr)
        dmax = int(pairs.distance[group].max())
        tiers = [
            (credit[group], 2),
            (np.ones(len(group), dtype=np.int64), 1),
            (agreement[group] ** 2, 4),  # squared: a fully agreeing pair beats two half-agreeing ones
            (pairs.overlap[group], int(pairs.overlap[group].max())),
            (dmax - pairs.distance[group], dmax),
            ((ng - gi) + (npr - pj), ng + npr),
        ]
        weight = _lexicographic_weights(tiers, k)
        matrix = np.zeros((ng, npr))
        matrix[gi, pj] = weight
        from scipy.optimize import linear_sum_assignment  # 0.3 s to import; only ambiguous overlaps need it

        rows, cols = linear_sum_assignment(matrix, maximize=True)
        lookup = {(int(r), int(c)): int(p) for r, c, p in zip(gi, pj, group, strict=False)}
        for r, c in zip(rows, cols, strict=False):
            pair = lookup.get((int(r), int(c)))
            if pair is not None:
                chosen[pair] = True
    gold_partner = np.full(pairs.n_gold, -1, dtype=np.int64)
    pred_partner = np.full(pairs.n_pred, -1, dtype=np.int64)
    gold_category = np.full(pairs.n_gold, UNMATCHED, dtype=np.int8)
    pred_category = np.full(pairs.n_pred, UNMATCHED, dtype=np.int8)
    g, p, c = pairs.gold[chosen], pairs.pred[chosen], category[chosen]
    gold_partner[g], pred_partner[p] = p, g
    gold_category[g], pred_category[p] = c, c
    return Matching(gold_partner, gold_category, pred_partner, pred_category)
