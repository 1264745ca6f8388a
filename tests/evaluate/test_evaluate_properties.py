"""Properties (Hypothesis): self-scoring is perfect, swapping swaps P and R, order never matters."""

from __future__ import annotations

import random

import numpy as np
from evaluate_helpers import TEXT
from hypothesis import given, settings
from hypothesis import strategies as st

from jinbiao.evaluate import ALL_SCHEMES, align, errors, score
from jinbiao.gold import Span

LABELS = ["PERSON", "ORG", "GPE"]


@st.composite
def span_lists(draw, max_len: int = 40, max_spans: int = 8):
    """Any spans (overlapping, nested, duplicated) over the first `max_len` characters."""
    n = draw(st.integers(0, max_spans))
    spans = []
    for _ in range(n):
        start = draw(st.integers(0, max_len - 1))
        end = draw(st.integers(start + 1, min(max_len, start + 8)))
        spans.append(Span(start, end, draw(st.sampled_from(LABELS)), TEXT[start:end]))
    return spans


corpora = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), span_lists(), min_size=1, max_size=4)
METRICS = ["precision", "recall", "f1"]


@settings(max_examples=40, deadline=None)
@given(corpora)
def test_a_set_scored_against_itself_is_perfect(gold):
    table = score(gold, gold, zero_division=1.0)
    assert (table[METRICS] == 1.0).all().all()
    assert (table["incorrect"] == 0).all() and (table["partial"] == 0).all()
    assert (table["missing"] == 0).all() and (table["spurious"] == 0).all()
    by_label = score(gold, gold, scheme="all", by="label", zero_division=1.0)
    assert (by_label[METRICS] == 1.0).all().all()


@settings(max_examples=30, deadline=None)
@given(corpora, corpora)
def test_swapping_gold_and_predictions_swaps_precision_and_recall(gold, pred):
    pred = {k: v for k, v in pred.items() if k in gold}
    pred.update({k: [] for k in gold if k not in pred})
    # (the weighted average weighs by gold support, so it is not symmetric by design)
    forward = score(gold, pred, by="label", zero_division=1.0).query("label != 'weighted avg'")
    backward = score(pred, gold, by="label", zero_division=1.0).query("label != 'weighted avg'")
    forward, backward = forward.set_index(["scheme", "label"]), backward.set_index(["scheme", "label"])
    assert np.allclose(forward["precision"], backward.loc[forward.index, "recall"])
    assert np.allclose(forward["recall"], backward.loc[forward.index, "precision"])
    micro = forward.xs("micro avg", level="label")
    assert np.allclose(micro["f1"], backward.xs("micro avg", level="label").loc[micro.index, "f1"])
    assert (forward["missing"].values == backward.loc[forward.index, "spurious"].values).all()


@settings(max_examples=25, deadline=None)
@given(corpora, corpora, st.integers(0, 2**32 - 1))
def test_shuffling_spans_or_documents_never_changes_a_score(gold, pred, seed):
    pred = {k: v for k, v in pred.items() if k in gold}
    rng = random.Random(seed)

    def shuffled(corpus):
        keys = list(corpus)
        rng.shuffle(keys)
        out = {}
        for key in keys:
            spans = list(corpus[key])
            rng.shuffle(spans)
            out[key] = spans
        return out

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, b = align(gold, pred), align(shuffled(gold), shuffled(pred))
    for by in (None, "label", "document"):
        left = score(a, scheme=list(ALL_SCHEMES), by=by, ci=by is None, n_resamples=20, seed=1)
        right = score(b, scheme=list(ALL_SCHEMES), by=by, ci=by is None, n_resamples=20, seed=1)
        assert left.equals(right), by
    assert errors(a).equals(errors(b))
