"""The `jinbiao` console script: parse arguments, call the library, print.

Each command lives in a module of this package with a `register(subparsers)` function; the
command's handler takes the parsed arguments and returns the exit code. Errors the user can act
on (`JinbiaoError`) become one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from jinbiao import __version__
from jinbiao.gold.errors import JinbiaoError

from .errors import describe

COMMAND_MODULES = (
    "jinbiao.cli.corpus",
    "jinbiao.cli.studio",
    "jinbiao.cli.scoring",
    "jinbiao.cli.gold_check",
    "jinbiao.cli.train",
    "jinbiao.cli.run",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jinbiao",
        description="Gold-standard entity annotations for Chinese news articles, and extractors scored against them.",
    )
    parser.add_argument("--version", action="version", version=f"jinbiao {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:  # a command module not written yet
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except JinbiaoError as error:
        print(f"jinbiao {args.command}: error: {describe(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"jinbiao {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
