"""The span-edge rule on pulled spans: a span that starts or ends with whitespace or punctuation
(`jinbiao.gold.edges`, guideline G3) is reported before it can reach a gold file."""

from __future__ import annotations

from collections.abc import Iterable

from jinbiao.gold.edges import has_clean_edges

from .records import PlacedItem, Problem

EDGE_REASON = "starts or ends with whitespace or punctuation (guideline G3: a span's edges are part of the name)"


def edge_problems(items: Iterable[PlacedItem]) -> list[Problem]:
    """One problem per written span with an unclean edge, located by task, item and region."""
    found = []
    for placed in items:
        if not placed.written:
            continue
        item = placed.item
        for span, region_id in zip(placed.spans, placed.region_ids, strict=True):
            if not has_clean_edges(span.text):
                reason = f"span [{span.start}, {span.end}) {span.label} {span.text!r}: {EDGE_REASON}"
                found.append(Problem(item.task_id, reason, placed.doc_id, item.kind, item.item_id, item.who, region_id))
    return found
