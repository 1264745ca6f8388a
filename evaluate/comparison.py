"""Two systems on the same gold: per-label F1 side by side with the difference, and a paired test."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .alignment import Alignment
from .scores import score
from .significance import PairedTest, paired_test


@dataclass(frozen=True)
class Comparison:
    a: str
    b: str
    scheme: str
    per_label: pd.DataFrame  # label, support, precision/recall/f1 of a and b, delta_f1
    test: PairedTest


def compare(
    a: Alignment,
    b: Alignment,
    *,
    scheme: str = "strict",
    method: str = "permutation",
    units: str = "document",
    n_resamples: int = 10000,
    seed: int | None = 0,
    zero_division: float = 0.0,
) -> Comparison:
    """Compare `a` and `b` (alignments against the same gold) under `scheme`.

    >>> from jinbiao.gold import Span
    >>> from jinbiao.evaluate import align
    >>> gold = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "GPE", "北京")]}
    >>> a = align(gold, {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "GPE", "北京")]}, pred_file="a")
    >>> b = align(gold, {"d1": [Span(0, 2, "PERSON", "李刚")]}, pred_file="b")
    >>> result = compare(a, b)
    >>> float(result.per_label.set_index("label").loc["GPE", "delta_f1"])
    1.0
    """
    frames = []
    for name, alignment in (("a", a), ("b", b)):
        table = score(alignment, scheme=scheme, by="label", zero_division=zero_division)
        frames.append(table.set_index("label")[["support", "precision", "recall", "f1"]].add_suffix(f"_{name}"))
    per_label = pd.concat(frames, axis=1).fillna(0.0)
    per_label["support"] = per_label.pop("support_a").astype(int)
    per_label = per_label.drop(columns=["support_b"])
    per_label["delta_f1"] = per_label["f1_a"] - per_label["f1_b"]
    per_label = per_label.reset_index()[
        ["label", "support", "precision_a", "recall_a", "f1_a", "precision_b", "recall_b", "f1_b", "delta_f1"]
    ]
    test = paired_test(
        None, a, b, scheme=scheme, method=method, units=units, n_resamples=n_resamples, seed=seed,
        zero_division=zero_division,
    )  # fmt: skip
    return Comparison(a.pred_name, b.pred_name, scheme, per_label, test)


def comparison_text(result: Comparison, *, digits: int = 4) -> str:
    from .report_text import format_table

    test = result.test
    lines = [
        f"A = {result.a}, B = {result.b}; {result.scheme} scheme, F1 per label and delta = A - B",
        format_table(result.per_label, digits=digits).rstrip("\n"),
        "",
        f"micro F1: A {test.a:.{digits}f}, B {test.b:.{digits}f}, delta {test.difference:+.{digits}f}; "
        f"{test.method} test over {test.units}s, p = {test.p_value:.{digits}f} ({test.n_resamples} rounds)",
    ]
    if test.difference_low is not None:
        lines.append(f"delta interval: [{test.difference_low:+.{digits}f}, {test.difference_high:+.{digits}f}]")
    if test.caution:
        lines.append(f"caution: {test.caution}")
    return "\n".join(lines) + "\n"


def comparison_html(result: Comparison, a: Alignment, *, title: str) -> str:
    from .report_html import html_report

    test = result.test
    summary = pd.DataFrame([{k: v for k, v in test.as_dict().items() if v is not None}])
    notes = [f"Caution: {test.caution}"] if test.caution else []
    return html_report(
        title=title,
        notes=notes,
        tables=[("Paired test (micro F1)", summary), (f"Per label ({result.scheme})", result.per_label)],
        alignment=a,
    )
