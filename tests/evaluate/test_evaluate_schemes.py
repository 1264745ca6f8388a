"""Hand-computed expectations for every scheme on small cases; additivity; zero division."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from evaluate_helpers import counts, prf_of, random_flat, sp

from jinbiao.evaluate import SCHEMES, align, match, overlap_pairs, precision_recall_f1, score

ALL = (*SCHEMES, "chars")


def test_touching_spans_do_not_overlap():
    gold = {"d": [sp(0, 2, "PERSON")]}
    pred = {"d": [sp(2, 4, "PERSON")]}
    for scheme in ALL:
        c = counts(gold, pred, scheme)
        assert (c["correct"], c["incorrect"], c["partial"]) == (0, 0, 0), scheme
        assert c["missing"] == (1 if scheme != "chars" else 2)
        assert prf_of(gold, pred, scheme) == (0.0, 0.0, 0.0)


def test_one_prediction_across_two_gold_spans():
    # gold  [0,2) PERSON + [2,5) ORG (touching); prediction [0,5) ORG across both.
    gold = {"d": [sp(0, 2, "PERSON"), sp(2, 5, "ORG")]}
    pred = {"d": [sp(0, 5, "ORG")]}
    # The prediction matches the ORG (same label breaks the tie); PERSON is missed.
    assert counts(gold, pred, "strict") == dict(
        correct=0, incorrect=1, partial=0, missing=1, spurious=0, correct_pred=0, incorrect_pred=1, partial_pred=0
    )
    assert prf_of(gold, pred, "strict") == (0.0, 0.0, 0.0)
    assert prf_of(gold, pred, "exact") == (0.0, 0.0, 0.0)
    assert counts(gold, pred, "partial")["partial"] == 1
    assert prf_of(gold, pred, "partial") == pytest.approx((0.5, 0.25, 1 / 3))
    assert counts(gold, pred, "type")["correct"] == 1
    assert prf_of(gold, pred, "type") == pytest.approx((1.0, 0.5, 2 / 3))
    # chars: gold 2 PERSON + 3 ORG, predicted 5 ORG, 3 ORG characters in both.
    assert prf_of(gold, pred, "chars") == pytest.approx((0.6, 0.6, 0.6))
    errors = align(gold, pred).matchings["strict"]
    assert errors.gold_partner.tolist() == [-1, 0]


def test_nested_gold():
    gold = {"d": [sp(0, 6, "ORG"), sp(0, 2, "GPE")]}
    assert all(prf_of(gold, gold, s) == (1.0, 1.0, 1.0) for s in ALL)
    pred = {"d": [sp(0, 2, "GPE")]}
    c = counts(gold, pred, "strict")
    assert (c["correct"], c["missing"], c["spurious"]) == (1, 1, 0)
    assert prf_of(gold, pred, "strict") == pytest.approx((1.0, 0.5, 2 / 3))
    # exact: the GPE prediction has the GPE's boundaries; partial the same; type the same label.
    assert prf_of(gold, pred, "partial") == pytest.approx((1.0, 0.5, 2 / 3))
    # chars: ORG 6 + GPE 2 gold characters, 2 GPE predicted, all right.
    assert prf_of(gold, pred, "chars") == pytest.approx((1.0, 0.25, 0.4))


def test_nested_prediction_prefers_the_exact_match():
    gold = {"d": [sp(0, 4, "ORG")]}
    pred = {"d": [sp(0, 6, "ORG"), sp(0, 4, "ORG"), sp(1, 3, "ORG")]}
    for scheme in ("strict", "exact", "partial"):
        c = counts(gold, pred, scheme)
        assert (c["correct"], c["spurious"]) == (1, 2), scheme
    assert prf_of(gold, pred, "strict") == pytest.approx((1 / 3, 1.0, 0.5))


def test_duplicates():
    once = {"d": [sp(0, 2, "PERSON")]}
    twice = {"d": [sp(0, 2, "PERSON"), sp(0, 2, "PERSON")]}
    c = counts(once, twice, "strict")
    assert (c["correct"], c["spurious"], c["missing"]) == (1, 1, 0)
    assert prf_of(once, twice, "strict") == pytest.approx((0.5, 1.0, 2 / 3))
    c = counts(twice, once, "strict")
    assert (c["correct"], c["spurious"], c["missing"]) == (1, 0, 1)
    # chars count (character, label) pairs once, so duplicates change nothing there.
    assert prf_of(once, twice, "chars") == (1.0, 1.0, 1.0)


def test_empty_gold_and_empty_predictions():
    empty, one = {"d": []}, {"d": [sp(0, 2, "PERSON")]}
    for scheme in ALL:
        assert prf_of(empty, one, scheme) == (0.0, 0.0, 0.0)
        assert prf_of(one, empty, scheme) == (0.0, 0.0, 0.0)
        assert prf_of(empty, empty, scheme) == (0.0, 0.0, 0.0)
        # scikit-learn's zero_division: only the ratio with nothing to divide by takes it, and F1
        # only when both sides are empty.
        assert prf_of(empty, one, scheme, zero_division=1.0) == (0.0, 1.0, 0.0)
        assert prf_of(one, empty, scheme, zero_division=1.0) == (1.0, 0.0, 0.0)
        assert prf_of(empty, empty, scheme, zero_division=1.0) == (1.0, 1.0, 1.0)
        p, r, f = prf_of(empty, empty, scheme, zero_division=float("nan"))
        assert math.isnan(p) and math.isnan(r) and math.isnan(f)


def test_zero_division_matches_sklearn_on_labels():
    from sklearn.metrics import precision_recall_fscore_support

    # Character tags: gold has PERSON only, predictions ORG only.
    gold = {"d": [sp(0, 2, "PERSON")]}
    pred = {"d": [sp(4, 6, "ORG")]}
    ours = precision_recall_f1(align(gold, pred), "chars", average=None, zero_division=1.0)
    y_true = ["PERSON", "PERSON", "O", "O", "O", "O"]
    y_pred = ["O", "O", "O", "O", "ORG", "ORG"]
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=["PERSON", "ORG"], zero_division=1.0)
    assert ours["PERSON"] == pytest.approx((p[0], r[0], f[0]))
    assert ours["ORG"] == pytest.approx((p[1], r[1], f[1]))


def test_semeval_worked_example():
    """The example of docs/evaluation.md: five gold spans, five predictions."""
    gold = {"d": [sp(0, 3, "PERSON"), sp(5, 8, "ORG"), sp(10, 14, "GPE"), sp(20, 24, "DATE"), sp(30, 32, "MONEY")]}
    pred = {"d": [sp(0, 3, "PERSON"), sp(5, 8, "GPE"), sp(10, 12, "GPE"), sp(20, 25, "TIME"), sp(40, 42, "ORG")]}
    expected = {
        #          COR INC PAR MIS SPU   P      R      F1
        "strict": (1, 3, 0, 1, 1, 0.2, 0.2, 0.2),
        "exact": (2, 2, 0, 1, 1, 0.4, 0.4, 0.4),
        "partial": (2, 0, 2, 1, 1, 0.6, 0.6, 0.6),
        "type": (2, 2, 0, 1, 1, 0.4, 0.4, 0.4),
    }
    table = score(gold, pred, scheme=list(SCHEMES)).set_index("scheme")
    for scheme, (cor, inc, par, mis, spu, p, r, f) in expected.items():
        row = table.loc[scheme]
        assert (row.correct, row.incorrect, row.partial, row.missing, row.spurious) == (cor, inc, par, mis, spu)
        assert (row.precision, row.recall, row.f1) == pytest.approx((p, r, f))


def test_per_label_and_per_document_counts_add_up():
    rng = random.Random(7)
    gold = {f"d{i}": random_flat(rng) for i in range(6)}
    pred = {f"d{i}": random_flat(rng) for i in range(6)}
    pred["d0"] = pred["d0"] + [sp(3, 9, "ORG"), sp(3, 9, "ORG")]  # a duplicate and overlaps
    alignment = align(gold, pred)
    columns = [
        "correct",
        "incorrect",
        "partial",
        "missing",
        "correct_pred",
        "incorrect_pred",
        "partial_pred",
        "spurious",
        "support",
        "predicted",
    ]
    for scheme in ALL:
        overall = score(alignment, scheme=scheme).iloc[0][columns]
        by_label = score(alignment, scheme=scheme, by="label")
        labels = by_label[~by_label["label"].str.endswith(" avg")]
        by_doc = score(alignment, scheme=scheme, by="document")
        docs = by_doc[~by_doc["document"].str.endswith(" avg")]
        assert (labels[columns].sum() == overall).all(), scheme
        assert (docs[columns].sum() == overall).all(), scheme
        # Over all labels the two sides of a matched pair agree.
        assert overall["correct"] == overall["correct_pred"]
        assert overall["incorrect"] == overall["incorrect_pred"]
        assert overall["partial"] == overall["partial_pred"]
        assert overall["support"] == sum(len(v) for v in gold.values()) or scheme == "chars"


def test_averages():
    gold = {"d": [sp(0, 2, "PERSON"), sp(3, 5, "PERSON"), sp(6, 8, "ORG")]}
    pred = {"d": [sp(0, 2, "PERSON"), sp(6, 8, "GPE")]}
    table = score(gold, pred, scheme="strict", by="label").set_index("label")
    assert table.loc["PERSON", ["precision", "recall"]].tolist() == [1.0, 0.5]
    assert table.loc["ORG", "recall"] == 0.0 and table.loc["GPE", "precision"] == 0.0
    f_person = 2 / 3
    assert table.loc["macro avg", "f1"] == pytest.approx(f_person / 3)
    assert table.loc["weighted avg", "f1"] == pytest.approx((2 * f_person + 0) / 3)
    assert table.loc["micro avg", "precision"] == pytest.approx(0.5)
    assert table.loc["micro avg", "recall"] == pytest.approx(1 / 3)
    assert precision_recall_f1(align(gold, pred), "strict", average="macro")[2] == pytest.approx(f_person / 3)


def test_overlap_pairs_are_end_exclusive_and_complete():
    rng = np.random.default_rng(3)
    for _ in range(50):
        gs = np.sort(rng.integers(0, 50, 15))
        ge = gs + rng.integers(1, 8, 15)
        order = np.argsort(gs, kind="stable")
        ps = np.sort(rng.integers(0, 50, 12))
        pe = ps + rng.integers(1, 8, 12)
        gi, pi = overlap_pairs(gs[order], ge[order], ps, pe)
        found = set(zip(gi.tolist(), pi.tolist(), strict=False))
        brute = {(i, j) for i in range(15) for j in range(12) if gs[i] < pe[j] and ps[j] < ge[i]}
        assert found == brute


def test_matching_is_maximal_in_a_chain():
    # g0 [0,4) g1 [4,8); p0 [2,6) overlaps both, p1 [6,10) overlaps g1 only. A greedy left-to-right
    # matcher pairs p0 with g0 or g1 arbitrarily; the optimum matches both golds.
    gold = {"d": [sp(0, 4, "ORG"), sp(4, 8, "ORG")]}
    pred = {"d": [sp(2, 6, "ORG"), sp(6, 10, "ORG")]}
    c = counts(gold, pred, "type")
    assert (c["correct"], c["missing"], c["spurious"]) == (2, 0, 0)
    alignment = align(gold, pred)
    m = match(alignment.pairs, "type")
    assert m.gold_partner.tolist() == [0, 1]


def _best_by_brute_force(gold, pred, scheme):
    """The largest (credit, matched pairs) over every one-to-one matching of overlapping pairs."""
    from jinbiao.evaluate.schemes import HALF_CREDIT, pair_categories

    def category(g, p):
        same_bounds = np.array([(g.start, g.end) == (p.start, p.end)])
        same_label = np.array([g.label == p.label])
        return int(HALF_CREDIT[pair_categories(scheme, same_bounds, same_label)[0]])

    best = (0, 0)

    def walk(i, used, credit, matched):
        nonlocal best
        if i == len(gold):
            best = max(best, (credit, matched))
            return
        walk(i + 1, used, credit, matched)
        for j, p in enumerate(pred):
            if j not in used and gold[i].overlaps(p):
                walk(i + 1, used | {j}, credit + category(gold[i], p), matched + 1)

    walk(0, frozenset(), 0, 0)
    return best


@pytest.mark.parametrize("seed", range(60))
def test_matching_is_optimal_against_brute_force(seed):
    rng = random.Random(seed)
    labels = ["PERSON", "ORG"]

    def spans(n):
        out = []
        for _ in range(n):
            start = rng.randint(0, 14)
            out.append(sp(start, start + rng.randint(1, 5), rng.choice(labels)))
        return out

    gold, pred = spans(rng.randint(1, 6)), spans(rng.randint(1, 6))
    alignment = align({"d": gold}, {"d": pred})
    for scheme in SCHEMES:
        m = alignment.matchings[scheme]
        from jinbiao.evaluate.schemes import HALF_CREDIT

        matched = m.gold_partner >= 0
        ours = (int(HALF_CREDIT[m.gold_category[matched]].sum()), int(matched.sum()))
        assert ours == _best_by_brute_force(alignment.gold.spans, alignment.pred.spans, scheme), scheme
        # one-to-one and consistent both ways
        partners = m.gold_partner[matched]
        assert len(set(partners.tolist())) == len(partners)
        assert (m.pred_partner[partners] == np.flatnonzero(matched)).all()
