"""Span scoring: matching, P/R/F1 in every scheme, confidence intervals, significance, agreement,
error analysis, reports and plots. Depends only on `jinbiao.gold`: it scores spans, whoever made them.

>>> from jinbiao.evaluate import align, score, classification_report
>>> alignment = align(gold, predictions)            # AnnotationSets or {doc_id: [Span, ...]}
>>> score(alignment, by="label", ci=True)           # tidy DataFrame
>>> print(classification_report(alignment))        # scikit-learn-like table
"""

if __name__ != "jinbiao.evaluate":  # the folder imported by its bare name from the checkout root
    raise ImportError("this folder is installed as jinbiao.evaluate: write `import jinbiao.evaluate`")

import importlib
from typing import Any

# Each public name and the module that defines it; a module is imported on first use of a name,
# so that `import jinbiao.evaluate` stays cheap (pandas, SciPy and matplotlib load when needed).
_WHERE: dict[str, tuple[str, str]] = {
    "Comparison": ("comparison", "Comparison"),
    "compare": ("comparison", "compare"),
    "comparison_html": ("comparison", "comparison_html"),
    "comparison_text": ("comparison", "comparison_text"),
    "load_predictions": ("inputs", "load_predictions"),
    "score_files": ("streamed", "score_files"),
    "align_files": ("streamed", "align_files"),
    "load_checked_predictions": ("inputs", "load_checked_predictions"),
    "paired_batches": ("streamed", "paired_batches"),
    "CorpusCounts": ("counting", "CorpusCounts"),
    "CountAccumulator": ("counting", "CountAccumulator"),
    "count_alignment": ("counting", "count_alignment"),
    "load_reference": ("inputs", "load_reference"),
    "check_not_training_data": ("inputs", "check_not_training_data"),
    "TrainingDocumentsError": ("inputs", "TrainingDocumentsError"),
    "TrainingDocumentsWarning": ("inputs", "TrainingDocumentsWarning"),
    "ALL_SCHEMES": ("schemes", "ALL_SCHEMES"),
    "Agreement": ("interannotator", "Agreement"),
    "Alignment": ("alignment", "Alignment"),
    "COUNT_COLUMNS": ("metrics", "COUNT_COLUMNS"),
    "ERROR_CATEGORIES": ("error_analysis", "CATEGORIES"),
    "Leaderboard": ("ranking", "Leaderboard"),
    "MissingDocumentsWarning": ("inputs", "MissingDocumentsWarning"),
    "PairedTest": ("significance", "PairedTest"),
    "SCHEMES": ("schemes", "SCHEMES"),
    "agreement": ("interannotator", "agreement"),
    "agreement_report": ("reports", "agreement_report"),
    "align": ("alignment", "align"),
    "as_annotation_set": ("inputs", "as_annotation_set"),
    "bootstrap_counts": ("intervals", "bootstrap_counts"),
    "check_against_gold": ("inputs", "check_against_gold"),
    "classification_report": ("report_text", "classification_report"),
    "cohen_kappa_chars": ("interannotator", "cohen_kappa_chars"),
    "confusion_matrix": ("error_analysis", "confusion_matrix"),
    "error_summary": ("error_analysis", "error_summary"),
    "errors": ("error_analysis", "errors"),
    "errors_report": ("reports", "errors_report"),
    "format_table": ("report_text", "format_table"),
    "html_report": ("report_html", "html_report"),
    "krippendorff_alpha_chars": ("interannotator", "krippendorff_alpha_chars"),
    "krippendorff_alpha_nominal": ("interannotator", "krippendorff_alpha_nominal"),
    "label_metrics": ("metrics", "label_metrics"),
    "leaderboard": ("ranking", "leaderboard"),
    "leaderboard_markdown": ("ranking", "leaderboard_markdown"),
    "load_annotations": ("inputs", "load_annotations"),
    "map_labels": ("inputs", "map_labels"),
    "match": ("matching", "match"),
    "overlap_pairs": ("matching", "overlap_pairs"),
    "paired_test": ("significance", "paired_test"),
    "pairwise_f1": ("interannotator", "pairwise_f1"),
    "percentile_interval": ("intervals", "percentile_interval"),
    "plot_label_f1": ("plots", "plot_label_f1"),
    "plot_precision_recall": ("plots", "plot_precision_recall"),
    "precision_recall_f1": ("metrics", "precision_recall_f1"),
    "prf": ("metrics", "prf"),
    "read_label_map": ("inputs", "read_label_map"),
    "render": ("report_text", "render"),
    "resample_weights": ("intervals", "resample_weights"),
    "scheme_counts": ("metrics", "scheme_counts"),
    "score": ("scores", "score"),
    "score_report": ("reports", "score_report"),
    "score_report_html": ("reports", "score_report_html"),
    "to_markdown": ("report_text", "to_markdown"),
    "write_leaderboard": ("ranking", "write_leaderboard"),
    "write_table": ("report_text", "write_table"),
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module 'jinbiao.evaluate' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
