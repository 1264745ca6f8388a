"""`jinbiao score`, `agree`, `errors` and `leaderboard`: thin wrappers over `jinbiao.evaluate`."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinbiao.gold import JinbiaoError

from .common import check_output_dir, check_writable, non_negative_int, positive_int, probability, write_output
from .team import add_project_options, run_agree_project

SCHEME_CHOICES = ("strict", "exact", "partial", "type", "chars", "all")
FORMAT_CHOICES = ("text", "csv", "json", "markdown")


def _zero_division(value: str) -> float:
    if value.lower() == "nan":
        return float("nan")
    return float(value)


def _common_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", choices=FORMAT_CHOICES, default="text", help="report format (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of printing it")
    parser.add_argument("--digits", type=non_negative_int, default=4, help="decimals shown (default: 4)")


def _prediction_options(parser: argparse.ArgumentParser) -> None:
    from jinbiao.gold.formats import FORMATS

    parser.add_argument(
        "--format",
        choices=FORMATS,
        metavar="NAME",
        help=f"predictions' format (default: detected; {', '.join(FORMATS)})",
    )
    parser.add_argument(
        "--offsets",
        choices=("normalized", "raw"),
        default="normalized",
        help="offsets count in the normalized text (default) or in the raw article files",
    )
    parser.add_argument(
        "--ignore-extra-documents", action="store_true", help="skip predicted documents the gold does not have"
    )
    parser.add_argument(
        "--allow-training-documents",
        action="store_true",
        help="score a model on documents it was trained on (refused by default: that is a training-set score)",
    )


def _map_labels_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--map-labels",
        metavar="FILE",
        help='JSON object renaming labels of gold and predictions alike, e.g. {"PER": "PERSON", "MISC": null}',
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    score = subparsers.add_parser(
        "score",
        help="score predictions against the gold",
        description="Score predicted spans against gold spans in the SemEval-2013 schemes and over characters.",
    )
    score.add_argument("--gold", required=True, metavar="G", help="gold directory, gold .json file or JSONL")
    score.add_argument("--pred", required=True, metavar="P", help="predictions in any format `convert` reads")
    _prediction_options(score)
    score.add_argument(
        "--scheme", action="append", choices=SCHEME_CHOICES, help="scheme(s) to report (repeatable; default: strict)"
    )
    score.add_argument("--by", choices=("label", "document"), help="one row per label or per document")
    score.add_argument("--ci", action="store_true", help="add percentile bootstrap confidence intervals")
    score.add_argument("--units", choices=("document", "paragraph"), default="document", help="bootstrap units")
    score.add_argument("--n-resamples", type=positive_int, default=1000, help="bootstrap resamples (default: 1000)")
    score.add_argument("--confidence", type=probability, default=0.95, help="interval level (default: 0.95)")
    score.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    score.add_argument(
        "--zero-division", type=_zero_division, default=0.0, help="value of 0/0 ratios: 0, 1 or nan (default: 0)"
    )
    score.add_argument("--html", metavar="FILE", help="also write an HTML report with documents and plots")
    score.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _map_labels_option(score)
    _common_output(score)
    score.set_defaults(handler=run_score)

    agree = subparsers.add_parser(
        "agree",
        help="agreement between annotation sets",
        description="Pairwise F1 in every scheme, Cohen's kappa and Krippendorff's alpha over characters.",
    )
    agree.add_argument(
        "sets", nargs="*", metavar="SET", help="two or more annotation files or gold directories (or --project)"
    )
    agree.add_argument(
        "--gold", metavar="G", help="the documents the sets annotate (default: the first set, which must carry texts)"
    )
    agree.add_argument("--format", metavar="NAME", help="the sets' format (default: detected per file)")
    agree.add_argument(
        "--measure",
        default="f1_strict",
        help="the measure of the matrix printed for three or more sets "
        "(default: f1_strict; also kappa, alpha, f1_<scheme>)",
    )
    _map_labels_option(agree)
    _common_output(agree)
    add_project_options(agree)
    agree.set_defaults(handler=run_agree)

    errs = subparsers.add_parser(
        "errors",
        help="every false positive and false negative, with context",
        description="List the strict errors (boundary, label, boundary and label, missing, spurious) "
        "and the gold × predicted label confusion matrix.",
    )
    errs.add_argument("--gold", required=True, metavar="G", help="gold directory, gold .json file or JSONL")
    errs.add_argument("--pred", required=True, metavar="P", help="predictions in any format `convert` reads")
    _prediction_options(errs)
    errs.add_argument(
        "--context", type=non_negative_int, default=12, help="characters of context either side (default: 12)"
    )
    errs.add_argument(
        "--category",
        action="append",
        choices=("boundary", "label", "boundary and label", "missing", "spurious"),
        help="only these categories (repeatable)",
    )
    errs.add_argument("--limit", type=non_negative_int, help="show at most this many errors")
    errs.add_argument("--no-confusion", action="store_true", help="leave out the confusion matrix")
    _map_labels_option(errs)
    _common_output(errs)
    errs.set_defaults(handler=run_errors)

    comp = subparsers.add_parser(
        "compare",
        help="two systems on the same gold: per-label F1 deltas and a paired test",
        description="Score systems A and B against the gold; print per-label F1 of both with the difference "
        "and a paired test of the micro-F1 difference (permutation by default).",
    )
    comp.add_argument("a", metavar="A", help="predictions of system A (any format `convert` reads)")
    comp.add_argument("b", metavar="B", help="predictions of system B")
    comp.add_argument("--gold", required=True, metavar="G", help="gold directory, gold .json file or JSONL")
    comp.add_argument("--scheme", choices=SCHEME_CHOICES[:-2], default="strict", help="scheme (default: strict)")
    comp.add_argument("--method", choices=("permutation", "bootstrap"), default="permutation", help="paired test")
    comp.add_argument("--units", choices=("document", "paragraph"), default="document", help="resampling units")
    comp.add_argument("--n-resamples", type=positive_int, default=10000, help="rounds of the test (default: 10000)")
    comp.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    comp.add_argument("--html", metavar="FILE", help="also write an HTML report with A's documents")
    _prediction_options(comp)
    _map_labels_option(comp)
    _common_output(comp)
    comp.set_defaults(handler=run_compare)

    from jinbiao.leaderboard import (
        DEFAULT_GOLD_DIR,
        DEFAULT_METHOD,
        DEFAULT_N_RESAMPLES,
        DEFAULT_RESULTS_DIR,
        DEFAULT_SCHEME,
        DEFAULT_SEED,
        DEFAULT_UNITS,
    )

    board = subparsers.add_parser(
        "leaderboard",
        help="every baseline (and any prediction files) against the gold, with CIs and significance",
        description="Run every registered baseline (trainable ones cross-validated leave-one-document-out) "
        "on the gold, rank them with any external prediction files (--system), test each against the best, "
        "and write the reports.",
    )
    board.add_argument("--gold", default=str(DEFAULT_GOLD_DIR), help="gold directory (default: the shipped gold)")
    board.add_argument("--baseline", action="append", dest="baselines", metavar="NAME", help="only these (repeatable)")
    board.add_argument(
        "--system",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="rank these predictions too (repeatable; any format `convert` reads)",
    )
    board.add_argument("--no-baselines", action="store_true", help="rank only the --system files")
    board.add_argument(
        "-o", "--output", default=DEFAULT_RESULTS_DIR, help=f"report directory (default: {DEFAULT_RESULTS_DIR})"
    )
    board.add_argument("--no-write", action="store_true", help="print only")
    board.add_argument("--scheme", choices=SCHEME_CHOICES[:-1], default=DEFAULT_SCHEME, help="ranking scheme")
    board.add_argument("--method", choices=("permutation", "bootstrap"), default=DEFAULT_METHOD, help="paired test")
    board.add_argument("--units", choices=("document", "paragraph"), default=DEFAULT_UNITS, help="resampling units")
    board.add_argument(
        "--n-resamples", type=positive_int, default=DEFAULT_N_RESAMPLES, help="resamples for CIs and tests"
    )
    board.add_argument("--seed", type=int, default=DEFAULT_SEED)
    _prediction_options(board)
    board.set_defaults(handler=run_leaderboard_command)


def _emit(text: str, output: str | None) -> None:
    if output:
        write_output(output, text)
        print(f"wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _with_warnings(command: str, func: Callable[[], Any]) -> Any:
    """Run `func`, printing its warnings as one line each on stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func()
    for warning in caught:
        print(f"jinbiao {command}: warning: {warning.message}", file=sys.stderr)
    return result


def _label_map(args: argparse.Namespace):
    from jinbiao.evaluate import read_label_map

    return read_label_map(args.map_labels) if getattr(args, "map_labels", None) else None


def _file_options(args: argparse.Namespace) -> dict[str, Any]:
    """How the predictions files of a command are read and checked (the label map read once)."""
    return {
        "format": args.format,
        "offsets": args.offsets,
        "label_map": _label_map(args),
        "extra_documents": "ignore" if args.ignore_extra_documents else "error",
        "allow_training_documents": args.allow_training_documents,
    }


def _align(args: argparse.Namespace, command: str, pred_path: str | None = None, *, reference=None, options=None):
    from jinbiao.evaluate import align_files

    options = options or _file_options(args)
    return _with_warnings(
        command, lambda: align_files(args.gold, pred_path or args.pred, reference=reference, **options)
    )


def run_score(args: argparse.Namespace) -> int:
    from jinbiao.evaluate import score, score_files, score_report, score_report_html

    check_writable(args.output, args.html)
    schemes = "strict" if not args.scheme else "all" if "all" in args.scheme else list(dict.fromkeys(args.scheme))
    options = {
        "units": args.units,
        "n_resamples": args.n_resamples,
        "confidence": args.confidence,
        "seed": args.seed,
        "zero_division": args.zero_division,
    }
    if args.html:  # the page shows the documents: the whole corpus is aligned in memory
        alignment = _align(args, "score")
        table = score(alignment, scheme=schemes, by=args.by, ci=args.ci, **options)
    else:
        table = _with_warnings(
            "score",
            lambda: score_files(
                args.gold,
                args.pred,
                **_file_options(args),
                show_progress=not args.quiet,
                scheme=schemes,
                by=args.by,
                ci=args.ci,
                **options,
            ),
        )
    _emit(score_report(table, by=args.by, ci=args.ci, fmt=args.to, digits=args.digits), args.output)
    if args.html:
        title = f"jinbiao score: {Path(args.pred).name} against {Path(args.gold).name}"
        page = score_report_html(alignment, title=title, by_table=table, by=args.by, **options)
        _emit(page, args.html)
    return 0


def run_agree(args: argparse.Namespace) -> int:
    from jinbiao.evaluate import agreement, agreement_report, load_predictions, load_reference

    if args.project:
        return run_agree_project(args)
    if len(args.sets) < 2:
        raise JinbiaoError("agree needs at least two annotation sets, or a team project (--project TITLE)")
    check_writable(args.output)
    label_map = _label_map(args)
    reference, documents = load_reference(args.gold or args.sets[0], label_map=label_map)
    sets = {}
    for path in args.sets:
        name = Path(path).stem if Path(path).stem not in sets else path
        if args.gold is None and path == args.sets[0]:
            sets[name] = reference
        else:
            sets[name] = load_predictions(path, documents, format=args.format, label_map=label_map)
    text = agreement_report(agreement(sets), measure=args.measure, fmt=args.to, digits=args.digits)
    _emit(text, args.output)
    return 0


def run_errors(args: argparse.Namespace) -> int:
    from jinbiao.evaluate import errors_report

    check_writable(args.output)
    alignment = _align(args, "errors")
    text = errors_report(
        alignment,
        context=args.context,
        categories=args.category,
        limit=args.limit,
        confusion=not args.no_confusion,
        fmt=args.to,
        digits=args.digits,
    )
    _emit(text, args.output)
    return 0


def run_compare(args: argparse.Namespace) -> int:
    from jinbiao.evaluate import compare, comparison_html, comparison_text, load_reference, render

    check_writable(args.output, args.html)
    options = _file_options(args)
    reference = _with_warnings("compare", lambda: load_reference(args.gold, label_map=options["label_map"]))
    a = _align(args, "compare", args.a, reference=reference, options=options)
    b = _align(args, "compare", args.b, reference=reference, options=options)
    result = _with_warnings(
        "compare",
        lambda: compare(
            a, b, scheme=args.scheme, method=args.method, units=args.units, n_resamples=args.n_resamples,
            seed=args.seed,
        ),
    )  # fmt: skip
    if args.to == "text":
        text = comparison_text(result, digits=args.digits)
    else:
        text = render(result.per_label.assign(p_value=result.test.p_value, caution=result.test.caution or ""), args.to)
    _emit(text, args.output)
    if args.html:
        title = f"jinbiao compare: {Path(args.a).name} against {Path(args.b).name}"
        _emit(comparison_html(result, a, title=title), args.html)
    return 0


def _systems(args: argparse.Namespace) -> dict:
    from jinbiao.evaluate import load_checked_predictions, load_reference

    if not args.system:
        return {}
    options = _file_options(args)
    gold, documents = load_reference(args.gold, label_map=options["label_map"])
    systems = {}
    for item in args.system:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise JinbiaoError(f"--system takes NAME=PATH, not {item!r}")
        systems[name] = load_checked_predictions(path, gold, documents, **options)
    return systems


def run_leaderboard_command(args: argparse.Namespace) -> int:
    from jinbiao.leaderboard import run_leaderboard

    if not args.no_write:
        check_output_dir(args.output, overwrite=True)  # results/ is rewritten on every run
    run = _with_warnings(
        "leaderboard",
        lambda: run_leaderboard(
            args.gold,
            [] if args.no_baselines else args.baselines,
            None if args.no_write else args.output,
            n_resamples=args.n_resamples,
            seed=args.seed,
            scheme=args.scheme,
            method=args.method,
            units=args.units,
            systems=_systems(args),
        ),
    )
    sys.stdout.write(run.board.summary())
    for path in run.paths:
        print(f"wrote {path}", file=sys.stderr)
    return 0
