"""Small helpers the command modules share: output files."""

from __future__ import annotations

import os
from pathlib import Path

from jinbiao.gold import JinbiaoError, atomic_write_text
from jinbiao.gold.tables import format_table

__all__ = ["check_writable", "format_table", "write_output"]

def write_output(path: str | os.PathLike[str], content: str, *, overwrite: bool = True) -> Path:
    """Atomic write, with the failure as a one-line `JinbiaoError`."""
    try:
        return atomic_write_text(path, content, overwrite=overwrite)
    except JinbiaoError:
        raise
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
