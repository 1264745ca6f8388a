"""The span-edge rule on pulled spans: a span that starts or ends with whitespace or punctuation
(`jinbiao.gold.edges`, guideline G3) is reported before it can reach a gold file."""

from __future__ import annotations

from collections.abc import Iterable

from jinbiao.gold.edges import has_clean_edges

from .records import ANNOTATION, PlacedItem, Problem, PullResult

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


def annotation_edges(result: PullResult) -> list[Problem]:
    """Unclean edges in the submitted annotations of a pull."""
    return edge_problems(p for p in result.items if p.item.kind == ANNOTATION)


def candidate_items(result: PullResult) -> list[PlacedItem]:
    """The items the gold candidate was taken from."""
    if result.candidate is None:
        return []
    chosen = {(entry["task_id"], entry["id"]) for entry in result.candidate.meta["items"]}
    return [p for p in result.items if p.item.kind == ANNOTATION and (p.item.task_id, p.item.item_id) in chosen]


def without_edge_spans(result: PullResult) -> None:
    """Leave the spans with unclean edges out of the gold candidate (they are reported)."""
    candidate = result.candidate
    if candidate is None:
        return
    for doc in candidate:
        doc.spans = [span for span in doc.spans if has_clean_edges(span.text)]
