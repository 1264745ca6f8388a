"""Bootstrap confidence intervals and paired significance tests."""

from __future__ import annotations

import numpy as np
import pytest
from evaluate_helpers import TEXT, sp

from jinbiao.evaluate import align, bootstrap_counts, paired_test, percentile_interval, resample_weights, score
from jinbiao.gold import AnnotationSet, DocumentAnnotations, JinbiaoError


def corpus(n_docs: int, hit_every: int):
    """n_docs documents of 10 gold PERSON spans; predictions find some, how many varies by document."""
    gold, pred = {}, {}
    for d in range(n_docs):
        spans = [sp(i * 10, i * 10 + 3, "PERSON") for i in range(10)]
        gold[f"d{d:02d}"] = spans
        pred[f"d{d:02d}"] = [s for i, s in enumerate(spans) if (i * (d + 1)) % hit_every == 0]
    return gold, pred


def test_resample_weights_are_seeded_multinomial():
    w = resample_weights(7, 50, seed=3)
    assert w.shape == (50, 7) and (w.sum(axis=1) == 7).all()
    assert (w == resample_weights(7, 50, seed=3)).all()
    assert not (w == resample_weights(7, 50, seed=4)).all()
    with pytest.raises(JinbiaoError):
        resample_weights(7, 0)


def test_bootstrap_counts_sum_resampled_units():
    counts = np.arange(12, dtype=float).reshape(3, 4)
    samples = bootstrap_counts(counts, 5, seed=0)
    weights = resample_weights(3, 5, seed=0)
    assert np.allclose(samples, weights @ counts)


def test_percentile_interval():
    low, high = percentile_interval(np.arange(101.0), 0.9)
    assert (low, high) == pytest.approx((5.0, 95.0))


def test_interval_contains_the_estimate_and_narrows_with_more_documents():
    small = score(*corpus(5, 2), scheme="strict", ci=True, n_resamples=300, seed=0).iloc[0]
    large = score(*corpus(60, 2), scheme="strict", ci=True, n_resamples=300, seed=0).iloc[0]
    for row in (small, large):
        assert row.f1_low <= row.f1 <= row.f1_high
        assert row.precision_low == row.precision_high == 1.0  # every prediction is right
    assert (large.recall_high - large.recall_low) < (small.recall_high - small.recall_low)


def test_identical_documents_give_a_zero_width_interval():
    gold, _ = corpus(4, 1)
    pred = {d: v[:5] for d, v in gold.items()}
    row = score(gold, pred, scheme="strict", ci=True, n_resamples=100).iloc[0]
    assert row.recall == row.recall_low == row.recall_high == 0.5


def test_intervals_are_seeded():
    gold, pred = corpus(8, 3)
    a = score(gold, pred, ci=True, n_resamples=100, seed=5)
    b = score(gold, pred, ci=True, n_resamples=100, seed=5)
    c = score(gold, pred, ci=True, n_resamples=100, seed=6)
    assert a.equals(b) and not a.equals(c)


def test_paragraph_units():
    text = "张三来了。\n李四走了。\n\n王五在。"
    doc = DocumentAnnotations(
        "d", "", [sp(0, 2, "PERSON", text), sp(6, 8, "PERSON", text), sp(13, 15, "PERSON", text)], text
    )
    gold = AnnotationSet("gold", documents={"d": doc})
    pred = {"d": [sp(0, 2, "PERSON", text)]}
    alignment = align(gold, pred)
    _, paragraphs = alignment.paragraphs()
    assert paragraphs == [("d", 0, 5), ("d", 6, 11), ("d", 13, 17)]
    gold_unit, pred_unit, n = alignment.unit_index("paragraph")
    assert gold_unit.tolist() == [0, 1, 2] and pred_unit.tolist() == [0] and n == 3
    by_doc = score(alignment, scheme="strict", ci=True, n_resamples=200).iloc[0]
    by_par = score(alignment, scheme="strict", ci=True, n_resamples=200, units="paragraph").iloc[0]
    assert by_doc.recall_low == by_doc.recall_high  # one document: no spread
    assert by_par.recall_low == 0.0 and by_par.recall_high == 1.0  # three paragraphs: recall 0/1 each
    chars = score(alignment, scheme="chars", ci=True, n_resamples=50, units="paragraph").iloc[0]
    assert chars.recall == pytest.approx(1 / 3)


def test_paired_tests_tell_a_real_difference_from_none():
    gold, weak = corpus(30, 3)
    strong = {d: v[:9] for d, v in gold.items()}
    for method in ("permutation", "bootstrap"):
        real = paired_test(gold, strong, weak, method=method, n_resamples=2000, seed=0)
        assert real.difference > 0 and real.p_value < 0.01, method
        same = paired_test(gold, weak, weak, method=method, n_resamples=500, seed=0)
        assert same.difference == 0 and same.p_value == 1.0, method
    boot = paired_test(gold, strong, weak, method="bootstrap", n_resamples=500)
    assert boot.difference_low <= boot.difference <= boot.difference_high


def test_paired_test_is_symmetric_and_seeded():
    gold, a = corpus(12, 2)
    _, b = corpus(12, 3)
    ab = paired_test(gold, a, b, n_resamples=999, seed=1)
    ba = paired_test(gold, b, a, n_resamples=999, seed=1)
    assert ab.difference == pytest.approx(-ba.difference)
    assert ab.p_value == ba.p_value
    assert ab == paired_test(gold, a, b, n_resamples=999, seed=1)
    # p = (1 + extreme rounds) / (1 + rounds): never 0
    assert ab.p_value >= 1 / 1000


def test_paired_test_rejects_different_gold():
    gold, a = corpus(3, 2)
    other_gold, b = corpus(4, 2)
    with pytest.raises(JinbiaoError):
        paired_test(None, align(gold, a), align(other_gold, b))
    with pytest.raises(JinbiaoError):
        paired_test(gold, a, a, method="t-test")


def test_text_helper_is_long_enough():
    assert len(TEXT) >= 300


def test_permutation_test_is_exact_with_few_units():
    # Three documents; a finds everything, b nothing. Of the 8 swap patterns only "none" and
    # "all" give |Δ*| = |Δ| = 1: p = 2/8 exactly, however many resamples were asked for.
    gold = {f"d{i}": [sp(0, 2, "PERSON")] for i in range(3)}
    empty = {d: [] for d in gold}
    result = paired_test(gold, gold, empty, n_resamples=1000)
    assert result.method == "permutation (exact)" and result.n_resamples == 8
    assert result.difference == 1.0 and result.p_value == 0.25
    sampled = paired_test(gold, gold, empty, n_resamples=7)  # fewer than 8: Monte Carlo
    assert sampled.method == "permutation" and sampled.n_resamples == 7


def test_weights_drawn_in_blocks_are_the_draws_of_one_call() -> None:
    # 3,000 units: blocks of 349 rows, so 1,000 resamples take three blocks.
    n_units, n_resamples = 3000, 1000
    direct = np.random.default_rng(5).multinomial(n_units, np.full(n_units, 1.0 / n_units), size=n_resamples)
    assert (resample_weights(n_units, n_resamples, seed=5) == direct).all()
    counts = np.arange(n_units * 2).reshape(n_units, 2)
    assert (bootstrap_counts(counts, n_resamples, seed=5) == direct @ counts).all()
