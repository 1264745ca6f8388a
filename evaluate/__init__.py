"""Span scoring: matching, P/R/F1 in every scheme, confidence intervals, significance, agreement,
error analysis, reports and plots. Depends only on `jinbiao.gold`: it scores spans, whoever made them.

>>> from jinbiao.evaluate import align, score, classification_report
>>> alignment = align(gold, predictions)            # AnnotationSets or {doc_id: [Span, ...]}
>>> score(alignment, by="label", ci=True)           # tidy DataFrame
>>> print(classification_report(alignment))        # scikit-learn-like table
"""

if __name__ != "jinbiao.evaluate":  # the folder imported by its bare name from the checkout root
    raise ImportError("this folder is installed as jinbiao.evaluate: write `import jinbiao.evaluate`")

from .agreement import (
    Agreement,
    agreement,
    cohen_kappa_chars,
    krippendorff_alpha_chars,
    krippendorff_alpha_nominal,
    pairwise_f1,
)
from .alignment import Alignment, align
from .error_analysis import CATEGORIES as ERROR_CATEGORIES
from .error_analysis import confusion_matrix, error_summary, errors
from .inputs import (
    MissingDocumentsWarning,
    as_annotation_set,
    check_against_gold,
    load_annotations,
    map_labels,
    read_label_map,
)
from .intervals import bootstrap_counts, percentile_interval, resample_weights
from .leaderboard import Leaderboard, leaderboard, leaderboard_markdown, write_leaderboard
from .matching import match, overlap_pairs
from .metrics import COUNT_COLUMNS, label_metrics, precision_recall_f1, prf, scheme_counts
from .plots import plot_label_f1, plot_precision_recall
from .report_html import html_report
from .report_text import classification_report, format_table, render, to_markdown, write_table
from .schemes import ALL_SCHEMES, SCHEMES
from .scores import score
from .significance import PairedTest, paired_test

__all__ = [
    "ALL_SCHEMES",
    "COUNT_COLUMNS",
    "ERROR_CATEGORIES",
    "SCHEMES",
    "Agreement",
    "Alignment",
    "Leaderboard",
    "MissingDocumentsWarning",
    "PairedTest",
    "agreement",
    "align",
    "as_annotation_set",
    "bootstrap_counts",
    "check_against_gold",
    "classification_report",
    "cohen_kappa_chars",
    "confusion_matrix",
    "error_summary",
    "errors",
    "format_table",
    "html_report",
    "krippendorff_alpha_chars",
    "krippendorff_alpha_nominal",
    "label_metrics",
    "leaderboard",
    "leaderboard_markdown",
    "load_annotations",
    "map_labels",
    "match",
    "overlap_pairs",
    "paired_test",
    "pairwise_f1",
    "percentile_interval",
    "plot_label_f1",
    "plot_precision_recall",
    "precision_recall_f1",
    "prf",
    "read_label_map",
    "render",
    "resample_weights",
    "scheme_counts",
    "score",
    "to_markdown",
    "write_leaderboard",
    "write_table",
]
