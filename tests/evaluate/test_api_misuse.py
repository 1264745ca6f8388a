"""Misuse of the scoring API is one clear JinbiaoError that names what to pass."""

from __future__ import annotations

import pytest

from jinbiao.evaluate import align, score
from jinbiao.gold import JinbiaoError, Span

GOLD = {"d1": [Span(0, 2, "PERSON", "李刚")]}


def test_tuples_in_place_of_spans_name_the_function_that_reads_them():
    with pytest.raises(JinbiaoError, match=r"document d1: item 0 is a tuple, not a Span; .*python_annotations"):
        align(GOLD, {"d1": [(0, 2, "PERSON")]})


def test_a_list_in_place_of_a_mapping_says_what_shape_to_pass():
    with pytest.raises(JinbiaoError, match=r"expected an AnnotationSet or a mapping \{doc_id: \[Span, \.\.\.\]\}"):
        score(GOLD, [Span(0, 2, "PERSON", "李刚")])


def test_a_label_nobody_has_is_refused_not_scored_as_zero():
    with pytest.raises(JinbiaoError, match=r"labels 'PER' are neither in the schema nor in the spans scored"):
        score(GOLD, GOLD, labels=["PER"])
    table = score(GOLD, GOLD, scheme="strict", labels=["PERSON", "ORG"], by="label").set_index("label")
    assert table.loc["PERSON", "f1"] == 1.0
