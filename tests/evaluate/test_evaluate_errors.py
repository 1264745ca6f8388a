"""Error analysis: categories, context, confusion matrix."""

from __future__ import annotations

import pandas as pd
from evaluate_helpers import TEXT, sp

from jinbiao.evaluate import align, confusion_matrix, error_summary, errors
from jinbiao.gold import AnnotationSet, DocumentAnnotations

GOLD = {"d": [sp(0, 3, "PERSON"), sp(5, 8, "ORG"), sp(10, 14, "GPE"), sp(20, 24, "DATE"), sp(30, 32, "MONEY")]}
PRED = {"d": [sp(0, 3, "PERSON"), sp(5, 8, "GPE"), sp(10, 12, "GPE"), sp(20, 25, "TIME"), sp(40, 42, "ORG")]}


def with_text(spans: dict) -> AnnotationSet:
    out = AnnotationSet("gold")
    for doc_id, doc_spans in spans.items():
        out.add(DocumentAnnotations(doc_id, "", doc_spans, TEXT[:60]))
    return out


def test_every_error_with_its_category_in_text_order():
    table = errors(GOLD, PRED)
    assert table["category"].tolist() == ["label", "boundary", "boundary and label", "missing", "spurious"]
    label = table.iloc[0]
    assert (label.gold_label, label.pred_label, label.gold_start, label.pred_end) == ("ORG", "GPE", 5, 8)
    missing, spurious = table.iloc[3], table.iloc[4]
    assert missing.gold_label == "MONEY" and pd.isna(missing.pred_label)
    assert spurious.pred_label == "ORG" and pd.isna(spurious.gold_start)
    summary = dict(zip(error_summary(table)["category"], error_summary(table)["count"], strict=False))
    assert summary == {"boundary": 1, "label": 1, "boundary and label": 1, "missing": 1, "spurious": 1}


def test_context_comes_from_the_text():
    table = errors(align(with_text(GOLD), PRED), context=3)
    first = table.iloc[0]
    assert first.left_context == TEXT[2:5] and first.right_context == TEXT[8:11]
    assert first.gold_text == TEXT[5:8]


def test_no_errors_when_perfect():
    assert errors(GOLD, GOLD).empty


def test_confusion_matrix_rows_and_columns_sum_to_the_counts():
    matrix = confusion_matrix(GOLD, PRED)
    assert matrix.loc["ORG", "GPE"] == 1
    assert matrix.loc["GPE", "GPE"] == 1
    assert matrix.loc["DATE", "TIME"] == 1
    assert matrix.loc["MONEY", "(none)"] == 1
    assert matrix.loc["(none)", "ORG"] == 1
    gold_counts = pd.Series([s.label for s in GOLD["d"]]).value_counts()
    pred_counts = pd.Series([s.label for s in PRED["d"]]).value_counts()
    rows = matrix.drop(index="(none)").sum(axis=1)
    cols = matrix.drop(columns="(none)").sum(axis=0)
    assert all(rows[label] == gold_counts.get(label, 0) for label in rows.index)
    assert all(cols[label] == pred_counts.get(label, 0) for label in cols.index)
