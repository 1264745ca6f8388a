"""Cross-checks: seqeval 1.2.2 (strict, IOB2 over characters) and nervaluate 1.2.1.

Where they agree with us, the figures must be equal; the last tests show the cases where
nervaluate differs and why ours is right (see docs/evaluation.md).
"""

from __future__ import annotations

import random

import pytest
from evaluate_helpers import counts, flatten, random_flat, sp
from nervaluate import Evaluator
from seqeval.metrics import classification_report as seqeval_report
from seqeval.scheme import IOB2

from jinbiao.evaluate import SCHEMES, align, score

LENGTH = 120
TAGS = ["PERSON", "ORG", "GPE", "DATE"]


def iob2(spans, length=LENGTH):
    tags = ["O"] * length
    for s in spans:
        tags[s.start] = f"B-{s.label}"
        for i in range(s.start + 1, s.end):
            tags[i] = f"I-{s.label}"
    return tags


@pytest.mark.parametrize("seed", range(40))
def test_strict_agrees_with_seqeval(seed):
    rng = random.Random(seed)
    n_docs = rng.randint(1, 4)
    gold = {f"d{i}": random_flat(rng, LENGTH, TAGS) for i in range(n_docs)}
    pred = {f"d{i}": random_flat(rng, LENGTH, TAGS, density=rng.random()) for i in range(n_docs)}
    if rng.random() < 0.5:  # predictions that copy some gold spans, so that there is something to get right
        pred = {d: flatten(rng.sample(gold[d], len(gold[d]) // 2) + pred[d]) for d in gold}
    ids = sorted(gold)
    theirs = seqeval_report(
        [iob2(gold[d]) for d in ids],
        [iob2(pred[d]) for d in ids],
        mode="strict",
        scheme=IOB2,
        output_dict=True,
        zero_division=0,
    )
    ours = score(gold, pred, scheme="strict", by="label").set_index("label")
    for label, row in theirs.items():
        key = label if label in ours.index else None
        if key is None:
            assert row["support"] == 0 and label not in ("micro avg", "macro avg", "weighted avg")
            continue
        assert ours.loc[key, "precision"] == pytest.approx(row["precision"]), label
        assert ours.loc[key, "recall"] == pytest.approx(row["recall"]), label
        assert ours.loc[key, "f1"] == pytest.approx(row["f1-score"]), label
        assert ours.loc[key, "support"] == row["support"], label


def to_nervaluate(spans):
    return [{"label": s.label, "start": s.start, "end": s.end - 1} for s in spans]  # inclusive ends


def nervaluate_overall(gold, pred, ids):
    result = Evaluator(
        [to_nervaluate(gold[d]) for d in ids], [to_nervaluate(pred[d]) for d in ids], tags=TAGS, loader="dict"
    ).evaluate()
    names = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
    return {ours: result["overall"][theirs] for ours, theirs in names.items()}


def one_to_one(rng, gold_spans):
    """Predictions where every overlapping pair is isolated: each overlaps at most one gold and vice versa."""
    pred = []
    for g in gold_spans:
        r = rng.random()
        if r < 0.4:
            pred.append(g)
        elif r < 0.6:
            pred.append(sp(g.start, g.end, rng.choice(TAGS)))
        elif r < 0.8 and len(g) > 1:
            pred.append(sp(g.start + 1, g.end, rng.choice([g.label, *TAGS])))
    # and spurious ones in gaps of at least three characters, away from every gold span
    covered = set()
    for g in gold_spans:
        covered.update(range(g.start - 1, g.end + 1))
    for start in range(0, LENGTH - 1, 7):
        if start not in covered and start + 1 not in covered and rng.random() < 0.3:
            pred.append(sp(start, start + 1, rng.choice(TAGS)))
    return pred


@pytest.mark.parametrize("seed", range(30))
def test_agrees_with_nervaluate_where_it_is_sound(seed):
    """Isolated pairs, inclusive ends handed to nervaluate: all five categories equal in every scheme."""
    rng = random.Random(1000 + seed)
    ids = [f"d{i}" for i in range(rng.randint(1, 3))]
    gold = {d: [s for s in random_flat(rng, LENGTH, TAGS, density=0.35)] for d in ids}
    # gaps of two or more characters between gold spans keep every component one-to-one
    gold = {d: [s for i, s in enumerate(v) if i == 0 or s.start >= v[i - 1].end + 2] for d, v in gold.items()}
    gold = {d: flatten(v) for d, v in gold.items()}
    pred = {d: one_to_one(rng, gold[d]) for d in ids}
    theirs = nervaluate_overall(gold, pred, ids)
    ours = score(gold, pred, scheme=list(SCHEMES)).set_index("scheme")
    for scheme in SCHEMES:
        t, o = theirs[scheme], ours.loc[scheme]
        assert (o.correct, o.incorrect, o.partial, o.missing, o.spurious) == (
            t.correct,
            t.incorrect,
            t.partial,
            t.missed,
            t.spurious,
        ), scheme
        assert (o.precision, o.recall, o.f1) == pytest.approx((t.precision, t.recall, t.f1)), scheme


def test_nervaluate_counts_touching_spans_as_overlapping():
    """Given end-exclusive offsets (ours, Label Studio's, spaCy's), nervaluate's inclusive ends make
    spans that merely touch overlap: [0,2) and [2,4) share no character, yet it scores an error."""
    gold = {"d": [sp(0, 2, "PERSON")]}
    pred = {"d": [sp(2, 4, "PERSON")]}
    raw = Evaluator(
        [[{"label": "PERSON", "start": 0, "end": 2}]],
        [[{"label": "PERSON", "start": 2, "end": 4}]],
        tags=TAGS,
        loader="dict",
    ).evaluate()["overall"]
    assert raw["ent_type"].correct == 1  # a "correct" type match for spans with no character in common
    assert raw["partial"].partial == 1
    c = counts(gold, pred, "type")
    assert (c["correct"], c["missing"], c["spurious"]) == (0, 1, 1)


def test_nervaluate_strict_depends_on_prediction_order():
    """A gold ORG [4,8) with predictions [4,7) ORG and [4,8) ORG: nervaluate pairs greedily in
    list order, so one order gives strict precision 0, the other ½. The optimum is ½."""
    gold = [[{"label": "ORG", "start": 4, "end": 7}]]
    a = {"label": "ORG", "start": 4, "end": 6}
    b = {"label": "ORG", "start": 4, "end": 7}
    first = Evaluator(gold, [[a, b]], tags=TAGS, loader="dict").evaluate()["overall"]["strict"]
    second = Evaluator(gold, [[b, a]], tags=TAGS, loader="dict").evaluate()["overall"]["strict"]
    assert (first.correct, first.precision) == (0, 0.0)
    assert (second.correct, second.precision) == (1, 0.5)
    for order in ([sp(4, 7, "ORG"), sp(4, 8, "ORG")], [sp(4, 8, "ORG"), sp(4, 7, "ORG")]):
        row = score({"d": [sp(4, 8, "ORG")]}, {"d": order}, scheme="strict").iloc[0]
        assert (row.correct, row.spurious, row.precision, row.recall) == (1, 1, 0.5, 1.0)


def test_nervaluate_per_label_counts_do_not_add_up():
    """A label confusion is one 'incorrect' overall, but nervaluate scores each tag on its own:
    a missed PERSON and a spurious ORG. Ours: per-label columns sum to the overall ones."""
    result = Evaluator(
        [[{"label": "PERSON", "start": 0, "end": 1}]],
        [[{"label": "ORG", "start": 0, "end": 1}]],
        tags=TAGS,
        loader="dict",
    ).evaluate()
    overall = result["overall"]["strict"]
    per_tag = result["entities"]
    assert (overall.incorrect, overall.missed, overall.spurious) == (1, 0, 0)
    assert per_tag["PERSON"]["strict"].missed == 1 and per_tag["ORG"]["strict"].spurious == 1
    assert sum(per_tag[t]["strict"].incorrect for t in per_tag) == 0  # ≠ the overall 1
    ours = score({"d": [sp(0, 2, "PERSON")]}, {"d": [sp(0, 2, "ORG")]}, scheme="strict", by="label").set_index("label")
    assert ours.loc["PERSON", "incorrect"] == 1 and ours.loc["ORG", "incorrect_pred"] == 1
    assert ours.loc[["PERSON", "ORG"], "incorrect"].sum() == ours.loc["micro avg", "incorrect"] == 1


def test_alignment_object_is_reused_by_every_scheme():
    alignment = align({"d": [sp(0, 2, "PERSON")]}, {"d": [sp(0, 2, "PERSON")]})
    assert set(alignment.matchings) == set(SCHEMES)
