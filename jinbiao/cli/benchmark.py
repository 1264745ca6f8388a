"""`jinbiao benchmark`: every baseline in-domain (the seeds) and out-of-domain (MSRA, the frozen
held-out phrases), side by side, with a reliability table of the predicted scores and the issue's
targets. Python equivalent::

    from jinbiao.benchmark import run_benchmark
    run = run_benchmark(["ensemble"])
    print(run.table(), run.reliability_table(), run.targets_table("ensemble"))
"""

from __future__ import annotations

import argparse
import sys

from jinbiao.gold.paths import DOCUMENTS_DIR

from .common import check_writable, write_output


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
    p.add_argument("-o", "--output", metavar="FILE", help="also write the tables here (Markdown-friendly text)")
    p.add_argument("--plot", metavar="PNG", help="also draw the reliability diagram into this PNG file")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=run_benchmark_command)


def run_benchmark_command(args: argparse.Namespace) -> int:
    from jinbiao.benchmark import run_benchmark

    check_writable(args.output, args.plot)  # before minutes of work, not after
    run = run_benchmark(
        args.baselines,
        gold_dir=args.gold,
        msra_limit=args.msra_limit,
        include_seed=not args.no_seed,
        include_msra=not args.no_msra,
        quiet=args.quiet,
    )
    from jinbiao.benchmark import reliability_plot

    parts = [
        "strict micro P / R / F1 (seed = in-domain; msra-test and the frozen phrase sets = out-of-domain)",
        run.table(),
        "",
        "reliability (out-of-domain spans binned by their calibrated score):",
        run.reliability_table(),
    ]
    for baseline in dict.fromkeys(row.baseline for row in run.rows):
        parts += ["", f"targets ({baseline}):", run.targets_table(baseline)]
    text = "\n".join(parts) + "\n"
    sys.stdout.write(text)
    if args.output:
        write_output(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    if args.plot:
        print(f"wrote {reliability_plot(run.reliability, args.plot)}", file=sys.stderr)
    return 0
