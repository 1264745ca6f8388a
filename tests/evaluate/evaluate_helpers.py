"""Helpers shared by the evaluate tests (no tests here; not named test_* so pytest does not collect it)."""

from __future__ import annotations

import random

from jinbiao.evaluate import align, score
from jinbiao.gold import LABELS, Span

TEXT = "".join(chr(0x4E00 + (i * 7919) % 2000) for i in range(400))


def sp(start: int, end: int, label: str, text: str = TEXT) -> Span:
    return Span(start, end, label, text[start:end])


def counts(gold, pred, scheme: str) -> dict[str, int]:
    row = score(align(gold, pred), scheme=scheme).iloc[0]
    return {
        k: int(row[k])
        for k in (
            "correct",
            "incorrect",
            "partial",
            "missing",
            "spurious",
            "correct_pred",
            "incorrect_pred",
            "partial_pred",
        )
    }


def prf_of(gold, pred, scheme: str, **kwargs) -> tuple[float, float, float]:
    row = score(align(gold, pred), scheme=scheme, **kwargs).iloc[0]
    return float(row["precision"]), float(row["recall"]), float(row["f1"])


def random_flat(rng: random.Random, length: int = 120, labels=LABELS[:4], density: float = 0.5) -> list[Span]:
    """Random flat spans over TEXT[:length] (touching allowed)."""
    spans, i = [], 0
    while i < length:
        if rng.random() < density:
            end = min(length, i + rng.randint(1, 6))
            spans.append(sp(i, end, rng.choice(labels)))
            i = end + (rng.random() < 0.7) * rng.randint(0, 3)
        else:
            i += rng.randint(1, 4)
    return spans


def flatten(spans: list[Span]) -> list[Span]:
    """Keep the leftmost of overlapping spans: a flat list, as IOB2 can express."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, s.end, s.label)):
        if not out or s.start >= out[-1].end:
            out.append(s)
    return out
