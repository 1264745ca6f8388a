"""Text reports: a `classification_report`-like table, and any table as text, CSV, JSON or Markdown."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from jinbiao.gold import JinbiaoError, atomic_write_text
from jinbiao.gold.tables import display_width
from jinbiao.gold.tables import format_table as format_rows

from .alignment import Alignment
from .inputs import SpansLike
from .metrics import AVERAGES
from .scores import score

FORMATS = ("text", "csv", "json", "markdown")


def _cell(value: object, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, (float, np.floating)):
        return f"{value:.{digits}f}"
    return str(value).replace("\r", "↵").replace("\n", "↵")


def format_table(frame: pd.DataFrame, *, digits: int = 4, columns: Sequence[str] | None = None) -> str:
    """`frame` as a plain aligned table (`jinbiao.gold.tables`): text columns left, numbers right."""
    frame = frame if columns is None else frame[list(columns)]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    rows = [[_cell(v, digits) for v in row] for row in frame.itertuples(index=False)]
    return format_rows([str(c) for c in frame.columns], rows, numeric=numeric, rule=False) + "\n"


def to_markdown(frame: pd.DataFrame, *, digits: int = 4) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    lines = [
        "| " + " | ".join(esc(str(c)) for c in frame.columns) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
    ]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(esc(_cell(v, digits)) for v in row) + " |")
    return "\n".join(lines) + "\n"


def to_json(frame: pd.DataFrame) -> str:
    records = json.loads(frame.to_json(orient="records", force_ascii=False))
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def render(frame: pd.DataFrame, fmt: str = "text", *, digits: int = 4) -> str:
    """`frame` in one of `FORMATS`."""
    if fmt == "text":
        return format_table(frame, digits=digits)
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        return to_json(frame)
    if fmt == "markdown":
        return to_markdown(frame, digits=digits)
    raise JinbiaoError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def write_table(frame: pd.DataFrame, path: str | Path, fmt: str | None = None, *, digits: int = 4) -> Path:
    """Write `frame`; the format follows the suffix (.csv, .json, .md, else text) unless given."""
    path = Path(path)
    if fmt is None:
        fmt = {".csv": "csv", ".json": "json", ".md": "markdown"}.get(path.suffix, "text")
    return atomic_write_text(path, render(frame, fmt, digits=digits))


def classification_report(
    gold: SpansLike | Alignment,
    pred: SpansLike | None = None,
    *,
    scheme: str = "strict",
    labels: Sequence[str] | None = None,
    digits: int = 4,
    zero_division: float = 0.0,
    output_dict: bool = False,
    ci: bool = False,
    n_resamples: int = 1000,
    seed: int | None = 0,
    confidence: float = 0.95,
) -> str | dict[str, dict[str, float]]:
    """Per-label precision, recall, F1 and support, then the averages, as scikit-learn prints them.

    >>> from jinbiao.gold import Span
    >>> gold = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "GPE", "北京")]}
    >>> pred = {"d1": [Span(0, 2, "PERSON", "李刚"), Span(3, 5, "LOC", "北京")]}
    >>> report = classification_report(gold, pred, digits=2)
    >>> print(report.splitlines()[2])
          PERSON      1.00      1.00      1.00         1
    >>> classification_report(gold, pred, output_dict=True)["micro avg"]["f1-score"]
    0.5
    """
    table = score(
        gold,
        pred,
        scheme=scheme,
        by="label",
        labels=labels,
        zero_division=zero_division,
        ci=ci,
        n_resamples=n_resamples,
        seed=seed,
        confidence=confidence,
    )
    if output_dict:
        return {
            row["label"]: {
                "precision": float(row["precision"]),
                "recall": float(row["recall"]),
                "f1-score": float(row["f1"]),
                "support": int(row["support"]),
            }
            for _, row in table.iterrows()
        }
    headers = ["precision", "recall", "f1-score", "support"] + (["f1 low", "f1 high"] if ci else [])
    names = [str(n) for n in table["label"]]
    width = max([len("weighted avg"), *(display_width(n) for n in names), digits])
    head = " " * width + "".join(f" {h:>9}" for h in headers)
    lines = [head, ""]
    for i, (_, row) in enumerate(table.iterrows()):
        name = names[i]
        if name == AVERAGES[0]:
            lines.append("")
        cells = [f"{row['precision']:.{digits}f}", f"{row['recall']:.{digits}f}", f"{row['f1']:.{digits}f}"]
        cells.append(str(int(row["support"])))
        if ci:
            cells += [_cell(float(row["f1_low"]), digits), _cell(float(row["f1_high"]), digits)]
        lines.append(" " * (width - display_width(name)) + name + "".join(f" {c:>9}" for c in cells))
    return "\n".join(lines) + "\n"
