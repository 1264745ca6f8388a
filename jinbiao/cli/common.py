"""Small helpers the command modules share: tables, output files, progress."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from jinbiao.gold import JinbiaoError, atomic_write_text

T = TypeVar("T")


def format_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain text table; numbers right-aligned, CJK counted as two columns wide."""
    cells = [[_cell(v) for v in row] for row in rows]
    table = [list(headers), *cells]
    widths = [max(_width(row[i]) for row in table) for i in range(len(headers))]
    numeric = [all(_is_number(row[i]) for row in cells) and bool(cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(table):
        parts = []
        for i, value in enumerate(row):
            pad = " " * (widths[i] - _width(value))
            parts.append(pad + value if numeric[i] and n else value + pad)
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _is_number(value: str) -> bool:
    try:
        float(value.replace(",", ""))
    except ValueError:
        return False
    return True


def _width(value: str) -> int:
    return sum(2 if "\u2e80" <= c <= "\uffef" else 1 for c in value)


def write_output(path: str | os.PathLike[str], content: str, *, overwrite: bool = True) -> Path:
    """Atomic write, with the failure as a one-line `JinbiaoError`."""
    try:
        return atomic_write_text(path, content, overwrite=overwrite)
    except FileExistsError as error:
        raise JinbiaoError(str(error)) from None
    except OSError as error:
        raise JinbiaoError(f"{path}: cannot write ({error.strerror}); choose another output path") from None


def check_writable(*paths: str | os.PathLike[str] | None) -> None:
    """Fail before any work when an output could not be written."""
    for path in paths:
        if path is None:
            continue
        parent = Path(path).resolve().parent
        probe = parent
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
            raise JinbiaoError(
                f"{path}: cannot write there ({probe} is not a writable directory); choose another output path"
            )


def progress(items: Sequence[T], description: str, *, quiet: bool = False) -> Iterable[T]:
    """A progress bar on stderr when it is a terminal; the items unchanged otherwise."""
    if quiet or not sys.stderr.isatty() or len(items) < 2:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=description, unit="doc", file=sys.stderr, leave=False)


def callback_progress(
    total: int, description: str, *, quiet: bool = False
) -> tuple[Callable[..., None], Callable[[], None]]:
    """(advance, close) for work that reports its own steps."""
    if quiet or not sys.stderr.isatty() or total < 2:
        return (lambda *_: None), (lambda: None)
    from tqdm import tqdm

    bar = tqdm(total=total, desc=description, file=sys.stderr, leave=False)
    return (lambda *_: bar.update(1)), bar.close
