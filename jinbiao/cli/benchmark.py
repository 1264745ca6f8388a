"""`jinbiao benchmark`: every baseline in-domain (the seeds) and out-of-domain (MSRA, the frozen
held-out phrases), side by side, with a reliability table of the predicted scores."""

from __future__ import annotations

import argparse
import sys

from jinbiao.gold.paths import DOCUMENTS_DIR

from .common import write_output


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "benchmark",
        help="every baseline on the seeds (in-domain) and on data nothing was tuned on (out-of-domain)",
        description="Strict micro P/R/F1 of every baseline on the shipped gold (in-domain, learned baselines "
        "cross-validated) and out-of-domain on the MSRA test set and the frozen held-out phrases, "
        "with speed and a reliability table (predicted score against measured precision).",
    )
    p.add_argument("--baseline", action="append", dest="baselines", metavar="NAME", help="only these (repeatable)")
    p.add_argument("--gold", default=str(DOCUMENTS_DIR), help="the in-domain gold (default: the shipped gold)")
    p.add_argument("--msra-limit", type=int, metavar="N", help="score only the first N MSRA test sentences")
    p.add_argument("--no-msra", action="store_true", help="leave out the MSRA test set")
    p.add_argument("--no-seed", action="store_true", help="leave out the in-domain seed figures")
    p.add_argument("-o", "--output", metavar="FILE", help="also write both tables here (Markdown-friendly text)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=run_benchmark_command)


def run_benchmark_command(args: argparse.Namespace) -> int:
    from jinbiao.benchmark import run_benchmark

    run = run_benchmark(
        args.baselines,
        gold_dir=args.gold,
        msra_limit=args.msra_limit,
        include_seed=not args.no_seed,
        include_msra=not args.no_msra,
        quiet=args.quiet,
    )
    text = (
        "strict micro P / R / F1 (seed = in-domain; msra-test, heldout-* = out-of-domain)\n"
        + run.table()
        + "\n\nreliability (out-of-domain spans binned by their score):\n"
        + run.reliability_table()
        + "\n"
    )
    sys.stdout.write(text)
    if args.output:
        write_output(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    return 0
