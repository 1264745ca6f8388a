"""The one plain-text table formatter: columns padded by their width on a terminal (CJK counts two,
combining marks none, measured by `wcwidth`), numbers right-aligned, text left-aligned."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from wcwidth import wcswidth


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal; a character `wcwidth` cannot measure counts one."""
    width = wcswidth(text)
    return width if width >= 0 else sum(max(wcswidth(ch), 1) for ch in text)


def is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    try:
        float(str(value).replace(",", ""))
    except ValueError:
        return False
    return True


def format_cell(value: Any, digits: int = 3) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:.{digits}f}"  # NaN prints as an empty cell
    return "" if value is None else str(value)


def format_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    digits: int = 3,
    numeric: Sequence[bool] | None = None,
    rule: bool = True,
) -> str:
    """A plain text table: one header line, a rule under it (unless `rule` is False), one line a row.

    `numeric` says which columns are right-aligned; by default those whose every cell is a number.

    >>> print(format_table(["label", "F1"], [["GPE", 0.5], ["地名", 1.0]]))
    label     F1
    -----  -----
    GPE    0.500
    地名   1.000
    """
    raw = [list(row) for row in rows]
    cells = [[format_cell(value, digits) for value in row] for row in raw]
    if numeric is None:
        numeric = [
            bool(raw) and all(is_number(row[i]) for row in raw if row[i] is not None) for i in range(len(headers))
        ]
    table = [[str(h) for h in headers], *cells]
    widths = [max(display_width(row[i]) for row in table) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        parts = []
        for value, width, right in zip(row, widths, numeric, strict=True):
            pad = " " * (width - display_width(value))
            parts.append(pad + value if right else value + pad)
        return "  ".join(parts).rstrip()

    lines = [line(table[0])]
    if rule:
        lines.append("  ".join("-" * width for width in widths))
    lines += [line(row) for row in table[1:]]
    return "\n".join(lines)
