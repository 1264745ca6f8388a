"""Whole reports, as the command line prints them and a notebook can ask for them:
`score_report`, `score_report_html`, `agreement_report` and `errors_report`."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from jinbiao.gold import JinbiaoError

from .alignment import Alignment
from .error_analysis import ERROR_COLUMNS, confusion_matrix, error_summary, errors
from .interannotator import Agreement
from .report_text import format_table, render
from .scores import score

SHOWN_COUNTS = ("correct", "incorrect", "partial", "missing", "spurious", "support", "predicted")
SHOWN_RATIOS = ("precision", "recall", "f1")


def score_report(
    table: pd.DataFrame, *, by: str | None = None, ci: bool = False, fmt: str = "text", digits: int = 4
) -> str:
    """A `score` table in `fmt`; as text, the columns a reader needs and a note on the counts."""
    if fmt != "text":
        return render(table, fmt, digits=digits)
    columns = ["scheme", *([by] if by else []), *SHOWN_COUNTS, *SHOWN_RATIOS]
    if ci:
        columns += ["f1_low", "f1_high"]
    text = format_table(table, columns=columns, digits=digits)
    if by == "label":
        text += "(per label: correct / incorrect / partial / missing count gold spans, spurious predicted ones)\n"
    if table.attrs.get("caution"):
        text += f"caution: {table.attrs['caution']}\n"
    return text


def score_report_html(
    alignment: Alignment,
    *,
    title: str,
    by_table: pd.DataFrame | None = None,
    by: str | None = None,
    units: str = "document",
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int | None = 0,
    zero_division: float = 0.0,
) -> str:
    """A self-contained HTML page: scores with intervals, per-label scores, plots, the documents."""
    from .plots import plot_label_f1, plot_precision_recall
    from .report_html import html_report

    common = {
        "ci": True,
        "units": units,
        "n_resamples": n_resamples,
        "confidence": confidence,
        "seed": seed,
        "zero_division": zero_division,
    }
    per_label = score(alignment, scheme="strict", by="label", **common)
    per_label = per_label[~per_label["label"].str.endswith(" avg")].assign(system=alignment.pred_name)
    overall = score(alignment, scheme="all", **common)
    ratios = [*SHOWN_RATIOS, "f1_low", "f1_high"]
    level = f"{confidence:.0%}"
    tables = [
        (f"Scores ({level} bootstrap CIs over {units}s)", overall[["scheme", *SHOWN_COUNTS, *ratios]]),
        ("Per label (strict)", per_label[["label", *SHOWN_COUNTS, *ratios]]),
    ]
    if by_table is not None and by != "label":
        tables.append((f"By {by}", by_table))
    return html_report(
        title=title,
        notes=[f"Caution: {overall.attrs['caution']}"] if overall.attrs.get("caution") else [],
        tables=tables,
        images=[
            (f"F1 per label (strict) with {level} CIs", plot_label_f1(per_label)),
            ("Precision and recall per scheme", plot_precision_recall(overall.assign(system=overall["scheme"]))),
        ],
        alignment=alignment,
    )


def agreement_report(result: Agreement, *, measure: str = "f1_strict", fmt: str = "text", digits: int = 4) -> str:
    """Pairwise agreement; with three or more sets, the matrix of `measure` and Krippendorff's alpha."""
    if fmt != "text":
        return render(result.pairs, fmt, digits=digits)
    text = format_table(result.pairs, digits=digits)
    if len(result.names) > 2:
        measures = [c for c in result.pairs.columns if c not in ("a", "b", "documents")]
        if measure not in measures:
            raise JinbiaoError(f"unknown agreement measure {measure!r}; choose one of {', '.join(measures)}")
        matrix = result.matrix(measure).reset_index(names="")
        text += f"\n{measure}:\n" + format_table(matrix, digits=digits)
    sets = len(result.names)
    text += f"\nKrippendorff's alpha over all {sets} sets (nominal, characters): {result.alpha:.{digits}f}\n"
    return text


def errors_report(
    alignment: Alignment,
    *,
    context: int = 12,
    categories: Sequence[str] | None = None,
    limit: int | None = None,
    confusion: bool = True,
    fmt: str = "text",
    digits: int = 4,
) -> str:
    """Every strict error with context, a count per category and the confusion matrix."""
    table = errors(alignment, context=context)
    summary = error_summary(table)
    if categories:
        table = table[table["category"].isin(list(categories))]
    if limit is not None:
        table = table.head(limit)
    if fmt != "text":
        return render(table, fmt, digits=digits)
    text = format_table(table, columns=list(ERROR_COLUMNS)) + "\n" + format_table(summary)
    if confusion:
        matrix = confusion_matrix(alignment).reset_index()
        text += "\nconfusion (rows gold, columns predicted; (none): missing / spurious):\n" + format_table(matrix)
    return text
