"""Error analysis: every false positive and false negative with its context, and a confusion matrix.

Errors come from the strict matching. A matched pair that is not strictly correct is one error
that is both a false positive and a false negative, of category

* ``label``: same boundaries, another label;
* ``boundary``: same label, other boundaries (they overlap);
* ``boundary and label``: both differ;

an unmatched gold span is ``missing`` (a false negative), an unmatched prediction ``spurious``
(a false positive).

The confusion matrix crosses gold labels with predicted labels over the pairs of the `partial`
matching (one-to-one, label-blind, preferring exact boundaries, then more overlap). The row
``(none)`` holds spurious predictions, the column ``(none)`` missed gold spans, so row sums are
the gold counts per label and column sums the predicted counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .alignment import Alignment
from .inputs import SpansLike
from .schemes import CORRECT, UNMATCHED
from .scores import as_alignment

CATEGORIES = ("boundary", "label", "boundary and label", "missing", "spurious")
NONE = "(none)"
ERROR_COLUMNS = (
    "document",
    "category",
    "gold_start",
    "gold_end",
    "gold_label",
    "gold_text",
    "pred_start",
    "pred_end",
    "pred_label",
    "pred_text",
    "left_context",
    "right_context",
)


def errors(gold: SpansLike | Alignment, pred: SpansLike | None = None, *, context: int = 20) -> pd.DataFrame:
    """Every strict error, in document and text order, with `context` characters either side.

    >>> from jinbiao.gold import Span
    >>> gold = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "GPE", "北京")]}
    >>> pred = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "LOC", "北京")]}
    >>> print(errors(gold, pred)[["category", "gold_label", "pred_label"]].to_string(index=False))
    category gold_label pred_label
       label        GPE        LOC
    """
    alignment = as_alignment(gold, pred)
    matching = alignment.matchings["strict"]
    rows: list[dict[str, object]] = []
    g_spans, p_spans = alignment.gold.spans, alignment.pred.spans
    for g in np.flatnonzero(matching.gold_category != CORRECT):
        partner = int(matching.gold_partner[g])
        gs = g_spans[g]
        if partner < 0:
            rows.append(_row(alignment, int(alignment.gold.doc[g]), "missing", gs, None, context))
            continue
        ps = p_spans[partner]
        same_bounds = (gs.start, gs.end) == (ps.start, ps.end)
        category = "label" if same_bounds else ("boundary" if gs.label == ps.label else "boundary and label")
        rows.append(_row(alignment, int(alignment.gold.doc[g]), category, gs, ps, context))
    for p in np.flatnonzero(matching.pred_category == UNMATCHED):
        rows.append(_row(alignment, int(alignment.pred.doc[p]), "spurious", None, p_spans[p], context))
    frame = pd.DataFrame(rows, columns=[*ERROR_COLUMNS, "_doc", "_pos"])
    frame = frame.sort_values(["_doc", "_pos", "category"], kind="stable").drop(columns=["_doc", "_pos"])
    return frame.reset_index(drop=True).astype(
        {c: "Int64" for c in ("gold_start", "gold_end", "pred_start", "pred_end")}
    )


def _row(alignment: Alignment, doc: int, category: str, gold, pred, context: int) -> dict[str, object]:
    doc_id = alignment.doc_ids[doc]
    text = alignment.texts.get(doc_id)
    start = min(s.start for s in (gold, pred) if s is not None)
    end = max(s.end for s in (gold, pred) if s is not None)
    row: dict[str, object] = {"document": doc_id, "category": category, "_doc": doc, "_pos": (start, end)}
    for side, span in (("gold", gold), ("pred", pred)):
        row[f"{side}_start"] = None if span is None else span.start
        row[f"{side}_end"] = None if span is None else span.end
        row[f"{side}_label"] = None if span is None else span.label
        row[f"{side}_text"] = None if span is None else span.text
    row["left_context"] = text[max(0, start - context) : start] if text is not None else None
    row["right_context"] = text[end : end + context] if text is not None else None
    return row


def error_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """How many errors of each category (all five, zeros included)."""
    counts = frame["category"].value_counts()
    return pd.DataFrame({"category": list(CATEGORIES), "count": [int(counts.get(c, 0)) for c in CATEGORIES]})


def confusion_matrix(gold: SpansLike | Alignment, pred: SpansLike | None = None) -> pd.DataFrame:
    """Gold label (rows) × predicted label (columns) over matched overlapping pairs, with (none).

    >>> from jinbiao.gold import Span
    >>> gold = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "GPE", "北京")]}
    >>> pred = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "LOC", "北京")]}
    >>> int(confusion_matrix(gold, pred).loc["GPE", "LOC"])
    1
    """
    alignment = as_alignment(gold, pred)
    if "partial" not in alignment.matchings:
        raise ValueError("the alignment was made without the partial scheme")
    matching = alignment.matchings["partial"]
    n = len(alignment.labels)
    matrix = np.zeros((n + 1, n + 1), dtype=np.int64)
    partner = matching.gold_partner
    pred_label = np.where(partner >= 0, alignment.pred.label[np.maximum(partner, 0)], n)
    np.add.at(matrix, (alignment.gold.label, pred_label), 1)
    spurious = matching.pred_partner < 0
    np.add.at(matrix, (np.full(int(spurious.sum()), n), alignment.pred.label[spurious]), 1)
    names = [*alignment.labels, NONE]
    frame = pd.DataFrame(matrix, index=pd.Index(names, name="gold"), columns=pd.Index(names, name="predicted"))
    return frame
