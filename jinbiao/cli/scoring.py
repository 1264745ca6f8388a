"""`jinbiao score`, `agree`, `errors` and `leaderboard`: thin wrappers over `jinbiao.evaluate`."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinbiao.gold import JinbiaoError
from jinbiao.gold.paths import DOCUMENTS_DIR

from .common import write_output

SCHEME_CHOICES = ("strict", "exact", "partial", "type", "chars", "all")
FORMAT_CHOICES = ("text", "csv", "json", "markdown")


def _zero_division(value: str) -> float:
    if value.lower() == "nan":
        return float("nan")
    return float(value)


def _common_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMAT_CHOICES, default="text", help="output format (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the table here instead of printing it")
    parser.add_argument("--digits", type=int, default=4, help="decimals shown (default: 4)")


def _map_labels_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--map-labels",
        metavar="FILE",
        help='JSON object renaming labels outside the schema, e.g. {"PER": "PERSON", "MISC": null}',
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    score = subparsers.add_parser(
        "score",
        help="score predictions against the gold",
        description="Score predicted spans against gold spans in the SemEval-2013 schemes and over characters.",
    )
    score.add_argument("--gold", required=True, metavar="G", help="gold directory, gold .json file or JSONL")
    score.add_argument("--pred", required=True, metavar="P", help="predictions (JSONL, or a gold-format dir/file)")
    score.add_argument(
        "--scheme", action="append", choices=SCHEME_CHOICES, help="scheme(s) to report (repeatable; default: all)"
    )
    score.add_argument("--by", choices=("label", "document"), help="one row per label or per document")
    score.add_argument("--ci", action="store_true", help="add percentile bootstrap confidence intervals")
    score.add_argument("--units", choices=("document", "paragraph"), default="document", help="bootstrap units")
    score.add_argument("--n-resamples", type=int, default=1000, help="bootstrap resamples (default: 1000)")
    score.add_argument("--confidence", type=float, default=0.95, help="interval level (default: 0.95)")
    score.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    score.add_argument(
        "--zero-division", type=_zero_division, default=0.0, help="value of 0/0 ratios: 0, 1 or nan (default: 0)"
    )
    score.add_argument("--html", metavar="FILE", help="also write an HTML report with documents and plots")
    _map_labels_option(score)
    _common_output(score)
    score.set_defaults(handler=run_score)

    agree = subparsers.add_parser(
        "agree",
        help="agreement between annotation sets",
        description="Pairwise F1 in every scheme, Cohen's kappa and Krippendorff's alpha over characters.",
    )
    agree.add_argument("sets", nargs="+", metavar="SET", help="two or more annotation files or gold directories")
    agree.add_argument(
        "--measure",
        default="f1_strict",
        help="the measure of the matrix printed for three or more sets "
        "(default: f1_strict; also kappa, alpha, f1_<scheme>)",
    )
    _map_labels_option(agree)
    _common_output(agree)
    agree.set_defaults(handler=run_agree)

    errs = subparsers.add_parser(
        "errors",
        help="every false positive and false negative, with context",
        description="List the strict errors (boundary, label, boundary and label, missing, spurious) "
        "and the gold × predicted label confusion matrix.",
    )
    errs.add_argument("--gold", required=True, metavar="G")
    errs.add_argument("--pred", required=True, metavar="P")
    errs.add_argument("--context", type=int, default=12, help="characters of context either side (default: 12)")
    errs.add_argument(
        "--category",
        action="append",
        choices=("boundary", "label", "boundary and label", "missing", "spurious"),
        help="only these categories (repeatable)",
    )
    errs.add_argument("--limit", type=int, help="show at most this many errors")
    errs.add_argument("--no-confusion", action="store_true", help="leave out the confusion matrix")
    _map_labels_option(errs)
    _common_output(errs)
    errs.set_defaults(handler=run_errors)

    board = subparsers.add_parser(
        "leaderboard",
        help="every baseline against the shipped gold, with CIs and significance",
        description="Run every registered baseline (trainable ones cross-validated leave-one-document-out) "
        "on the gold, score them, test each against the best, and write results/.",
    )
    board.add_argument("--gold", default=str(DOCUMENTS_DIR), help="gold directory (default: the shipped gold)")
    board.add_argument("--baseline", action="append", dest="baselines", metavar="NAME", help="only these (repeatable)")
    board.add_argument("-o", "--output", default="results", help="where to write the reports (default: results)")
    board.add_argument("--no-write", action="store_true", help="print only")
    board.add_argument(
        "--scheme", choices=SCHEME_CHOICES[:-1], default="strict", help="ranking scheme (default: strict)"
    )
    board.add_argument("--method", choices=("permutation", "bootstrap"), default="permutation", help="paired test")
    board.add_argument("--units", choices=("document", "paragraph"), default="document", help="resampling units")
    board.add_argument("--n-resamples", type=int, default=1000, help="resamples for CIs and tests (default: 1000)")
    board.add_argument("--seed", type=int, default=0)
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


def _load(path: str, label_map_file: str | None):
    from jinbiao.evaluate import load_annotations, read_label_map

    label_map = read_label_map(label_map_file) if label_map_file else None
    return load_annotations(path, label_map=label_map)


def _align(args: argparse.Namespace, command: str):
    from jinbiao.evaluate import align

    gold = _load(args.gold, None)
    pred = _load(args.pred, args.map_labels)
    return _with_warnings(command, lambda: align(gold, pred, pred_file=args.pred))


def run_score(args: argparse.Namespace) -> int:
    from jinbiao.evaluate import score, score_report, score_report_html

    alignment = _align(args, "score")
    schemes = "all" if not args.scheme or "all" in args.scheme else list(dict.fromkeys(args.scheme))
    options = {
        "units": args.units,
        "n_resamples": args.n_resamples,
        "confidence": args.confidence,
        "seed": args.seed,
        "zero_division": args.zero_division,
    }
    table = score(alignment, scheme=schemes, by=args.by, ci=args.ci, **options)
    _emit(score_report(table, by=args.by, ci=args.ci, fmt=args.format, digits=args.digits), args.output)
    if args.html:
        title = f"jinbiao score: {Path(args.pred).name} against {Path(args.gold).name}"
        page = score_report_html(alignment, title=title, by_table=table, by=args.by, **options)
        _emit(page, args.html)
    return 0


def run_agree(args: argparse.Namespace) -> int:
    from jinbiao.evaluate import agreement, agreement_report

    if len(args.sets) < 2:
        raise JinbiaoError("agree needs at least two annotation sets")
    sets = {}
    for path in args.sets:
        name = Path(path).stem if Path(path).stem not in sets else path
        sets[name] = _load(path, args.map_labels)
    text = agreement_report(agreement(sets), measure=args.measure, fmt=args.format, digits=args.digits)
    _emit(text, args.output)
    return 0


def run_errors(args: argparse.Namespace) -> int:
    from jinbiao.evaluate import errors_report

    alignment = _align(args, "errors")
    text = errors_report(
        alignment,
        context=args.context,
        categories=args.category,
        limit=args.limit,
        confusion=not args.no_confusion,
        fmt=args.format,
        digits=args.digits,
    )
    _emit(text, args.output)
    return 0


def run_leaderboard_command(args: argparse.Namespace) -> int:
    from jinbiao.leaderboard import run_leaderboard

    run = _with_warnings(
        "leaderboard",
        lambda: run_leaderboard(
            args.gold,
            args.baselines,
            None if args.no_write else args.output,
            n_resamples=args.n_resamples,
            seed=args.seed,
            scheme=args.scheme,
            method=args.method,
            units=args.units,
        ),
    )
    sys.stdout.write(run.board.summary())
    for path in run.paths:
        print(f"wrote {path}", file=sys.stderr)
    return 0
