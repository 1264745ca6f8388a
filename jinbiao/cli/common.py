"""Small helpers the command modules share: option types checked before any work, and outputs
checked before the work and written atomically."""

from __future__ import annotations

import argparse
import math
import os
import re
from pathlib import Path

from jinbiao.gold import JinbiaoError, atomic_write_text
from jinbiao.gold.atomic import GoldProtectedError, gold_location
from jinbiao.gold.errors import OutputExistsError
from jinbiao.gold.tables import format_table

__all__ = [
    "add_engine_arguments",
    "check_output_dir",
    "check_writable",
    "engine_options",
    "format_table",
    "non_negative_float",
    "non_negative_int",
    "positive_float",
    "positive_int",
    "probability",
    "regex",
    "write_output",
]

# ------------------------------------------------------------------------------ option types
# argparse calls these on the option's text; an `ArgumentTypeError` becomes one line naming the
# option, before the command does anything.


def _integer(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None


def _real(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"{value!r} is not a finite number")
    return number


def non_negative_int(value: str) -> int:
    """A whole number ≥ 0 (a count, a number of digits or characters)."""
    number = _integer(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; give 0 or more")
    return number


def positive_int(value: str) -> int:
    """A whole number ≥ 1 (a batch size, a number of resamples)."""
    number = _integer(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is below 1; give 1 or more")
    return number


def non_negative_float(value: str) -> float:
    """A finite number ≥ 0 (a regularisation weight)."""
    number = _real(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; give 0 or more")
    return number


def positive_float(value: str) -> float:
    """A finite number > 0 (seconds to wait)."""
    number = _real(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{value} is not above 0")
    return number


def probability(value: str) -> float:
    """A number strictly between 0 and 1 (a confidence level)."""
    number = _real(value)
    if not 0 < number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1 (such as 0.95)")
    return number


def regex(value: str) -> str:
    """A regular expression that compiles (kept as text: the library compiles it again)."""
    try:
        re.compile(value)
    except re.error as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not a regular expression ({error})") from None
    return value


# ------------------------------------------------------------------------------- engines


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """`--jobs`, `--engine`, `--scheduler` and `--resume`: where a job's extraction runs, and
    whether it continues an interrupted run (`jinbiao.engines`)."""
    from jinbiao.engines import DEFAULT_ENGINE, ENGINES, default_jobs

    parser.add_argument(
        "--jobs",
        type=positive_int,
        metavar="N",
        help=f"worker processes of the local engine (default: every core, {default_jobs()} here)",
    )
    parser.add_argument(
        "--engine", choices=ENGINES, default=DEFAULT_ENGINE, help=f"where the work runs (default {DEFAULT_ENGINE})"
    )
    parser.add_argument(
        "--scheduler", metavar="ADDRESS", help="the Dask scheduler of --engine dask, such as tcp://10.0.0.5:8786"
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run: documents it finished (same id, same text) are taken from "
        "<output>.partial",
    )


def engine_options(args: argparse.Namespace) -> dict[str, object]:
    """The keyword arguments of the library's streaming jobs, from `add_engine_arguments`' flags."""
    return {"jobs": args.jobs, "engine": args.engine, "scheduler": args.scheduler, "resume": args.resume}


# ----------------------------------------------------------------------------------- outputs


def write_output(path: str | os.PathLike[str], content: str, *, overwrite: bool = True) -> Path:
    """Atomic write, with the failure as a one-line `JinbiaoError`."""
    try:
        return atomic_write_text(path, content, overwrite=overwrite)
    except JinbiaoError:
        raise
    except OSError as error:
        raise JinbiaoError(f"{path}: cannot write ({error.strerror}); choose another output path") from None


def _writable_parent(path: Path) -> None:
    """The nearest existing directory above `path` must be one we may create files in."""
    probe = path.resolve().parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise JinbiaoError(
            f"{path}: cannot write there ({probe} is not a writable directory); choose another output path"
        )


def check_writable(*paths: str | os.PathLike[str] | None) -> None:
    """Fail before any work when an output file could not be written: among gold files, in place
    of a directory, or where the file system will not let us."""
    for path in paths:
        if path is None:
            continue
        path = Path(path)
        gold = gold_location(path)
        if gold is not None:
            raise GoldProtectedError(str(path), str(gold))
        if path.is_dir():
            raise JinbiaoError(f"{path} is a directory; give a file name for the output")
        _writable_parent(path)


def check_output_dir(path: str | os.PathLike[str], *, overwrite: bool, gold: bool = False) -> Path:
    """Fail before any work when an output directory could not be written whole: a file in its
    place, an existing non-empty directory without `overwrite`, a gold directory (unless the
    command is a gold writer, `gold`), or a file system that will not let us."""
    path = Path(path)
    found = None if gold else gold_location(path)
    if found is not None:
        raise GoldProtectedError(str(path), str(found))
    if path.exists() and not path.is_dir():
        raise JinbiaoError(f"{path} is a file; give a directory for the output")
    if not overwrite and path.is_dir() and any(path.iterdir()):
        raise OutputExistsError(str(path), f"{path} exists and is not empty")
    _writable_parent(path)
    return path
