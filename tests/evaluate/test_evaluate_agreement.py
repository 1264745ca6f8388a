"""Agreement: pairwise F1 (symmetric), Cohen's kappa over characters, Krippendorff's alpha."""

from __future__ import annotations

import numpy as np
import pytest
from evaluate_helpers import TEXT, sp
from sklearn.metrics import cohen_kappa_score

from jinbiao.evaluate import (
    agreement,
    cohen_kappa_chars,
    krippendorff_alpha_chars,
    krippendorff_alpha_nominal,
    pairwise_f1,
)
from jinbiao.gold import JinbiaoError


def test_krippendorff_canonical_example():
    """Krippendorff (2011), 'Computing Krippendorff's alpha-reliability': 4 coders, 12 units,
    missing values; nominal alpha = 0.743."""
    m = -1
    values = np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, m, m, m],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, m, 3],
            [m, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, m],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, m],
        ]
    )
    assert krippendorff_alpha_nominal(values) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_two_coders_by_hand():
    # Two coders, four units: (a,a) (a,b) (b,b) (b,b). Coincidences: o_aa=2, o_ab=o_ba=1, o_bb=4;
    # n_a=3, n_b=5, n=8; alpha = 1 - (n-1) * 2 / (2 * n_a * n_b) = 1 - 7*2/30 = 8/15.
    values = np.array([[0, 0, 1, 1], [0, 1, 1, 1]])
    assert krippendorff_alpha_nominal(values) == pytest.approx(8 / 15)
    assert krippendorff_alpha_nominal(np.array([[0, 0], [0, 0]])) != krippendorff_alpha_nominal(values)
    assert np.isnan(krippendorff_alpha_nominal(np.array([[0, 0], [0, 0]])))  # no variation to judge by


TEXTS = {"d": TEXT[:20]}
A = {"d": [sp(0, 2, "PERSON"), sp(5, 9, "ORG"), sp(12, 14, "GPE")]}
B = {"d": [sp(0, 2, "PERSON"), sp(5, 8, "ORG"), sp(15, 17, "GPE")]}


def test_kappa_is_sklearn_over_characters():
    def tags(spans):
        out = ["O"] * 20
        for s in spans:
            out[s.start : s.end] = [s.label] * len(s)
        return out

    expected = cohen_kappa_score(tags(A["d"]), tags(B["d"]))
    assert cohen_kappa_chars(A, B, texts=TEXTS) == pytest.approx(expected)
    assert cohen_kappa_chars(A, A, texts=TEXTS) == 1.0


def test_alpha_over_characters_matches_the_nominal_function():
    def codes(spans):
        out = np.zeros(20, dtype=int)
        for s in spans:
            out[s.start : s.end] = {"PERSON": 1, "ORG": 2, "GPE": 3}[s.label]
        return out

    expected = krippendorff_alpha_nominal(np.stack([codes(A["d"]), codes(B["d"])]))
    assert krippendorff_alpha_chars([A, B], texts=TEXTS) == pytest.approx(expected)


def test_pairwise_f1_is_symmetric_and_per_scheme():
    ab, ba = pairwise_f1(A, B), pairwise_f1(B, A)
    assert ab == pytest.approx(ba)
    assert ab["strict"] == pytest.approx(1 / 3)  # PERSON agrees; ORG boundary, GPE apart
    assert ab["type"] == pytest.approx(2 / 3)
    assert ab["partial"] == pytest.approx(0.5)  # (1 + ½) / 3


def test_agreement_matrix_for_three_sets():
    c = {"d": [sp(0, 2, "PERSON")]}
    result = agreement({"a": A, "b": B, "c": c}, texts=TEXTS)
    assert len(result.pairs) == 3
    matrix = result.matrix("f1_strict")
    assert matrix.loc["a", "a"] == 1.0
    assert matrix.loc["a", "b"] == matrix.loc["b", "a"] == pytest.approx(1 / 3)
    assert matrix.loc["a", "c"] == pytest.approx(0.5)
    assert -1.0 <= result.alpha <= 1.0


def test_agreement_needs_texts_and_two_sets():
    with pytest.raises(JinbiaoError, match="text"):
        cohen_kappa_chars(A, B)
    with pytest.raises(JinbiaoError):
        agreement([A])
    with pytest.raises(JinbiaoError, match="share no documents"):
        pairwise_f1(A, {"other": []})
