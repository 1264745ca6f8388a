"""`union`: several extractors combined into one flat span list.

Conflict rule: all candidate spans are pooled; where spans overlap, the longer one wins; at equal
length, the span of the extractor listed first wins. Spans that do not overlap are all kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from jinbiao.gold import Document, Span, sort_spans

from .base import Extractor


def resolve_overlaps(ranked: Sequence[Sequence[Span]]) -> list[Span]:
    """Pool the span lists (earlier lists rank higher) into a flat, non-overlapping list."""
    pooled = [(span, rank) for rank, spans in enumerate(ranked) for span in spans]
    pooled.sort(key=lambda item: (-(item[0].end - item[0].start), item[1], item[0].start))
    taken: list[Span] = []
    occupied: list[tuple[int, int]] = []
    for span, _ in pooled:
        if any(span.start < end and start < span.end for start, end in occupied):
            continue
        taken.append(span)
        occupied.append((span.start, span.end))
    return sort_spans(taken)


class UnionExtractor(Extractor):
    name = "union"
    trainable = False

    def __init__(self, members: Sequence[Extractor]) -> None:
        self.members = list(members)
        self.labels = frozenset().union(*(m.labels for m in self.members))
        self.version = "2.0"  # 2.0: the grammar and the place gazetteer in its members
        self.description = "Union of " + ", ".join(m.name for m in self.members) + "; longer span wins an overlap."

    def extract(self, document: Document) -> list[Span]:
        return resolve_overlaps([member.extract(document) for member in self.members])


def default_union() -> UnionExtractor:
    from .jieba_names import JiebaExtractor
    from .rules import RuleExtractor

    return UnionExtractor([RuleExtractor(), JiebaExtractor()])
