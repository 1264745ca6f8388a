"""The one progress bar: tqdm on stderr with rate and ETA, shown only on a terminal.

Library code that works through many items takes `show_progress` and opens a bar here; when
stderr is not a terminal (CI, a pipe, a notebook's captured stream) the bar is silent.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def progress_bar(total: int | None, description: str, *, unit: str = "doc", enabled: bool = True, **options: Any):
    """A tqdm bar (use as a context manager or call `.update(n)` / `.close()`)."""
    from tqdm import tqdm

    shown = enabled and (total is None or total > 1) and sys.stderr.isatty()
    return tqdm(total=total, desc=description, unit=unit, file=sys.stderr, leave=False, disable=not shown, **options)


def progress(
    items: Iterable[T], description: str, *, total: int | None = None, unit: str = "doc", enabled: bool = True
) -> Iterator[T]:
    """Yield `items` while a bar counts them."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with progress_bar(total, description, unit=unit, enabled=enabled) as bar:
        for item in items:
            yield item
            bar.update(1)
