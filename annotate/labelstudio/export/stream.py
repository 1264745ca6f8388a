"""An export file read as a stream: one task record at a time, never the whole file in memory.

Label Studio's JSON export is one top-level list; `ExportFile` parses it incrementally (ijson,
which the Label Studio SDK installs), so a project of any size is read in the memory of its
largest task. Every failure names the file: no such file, not JSON, not a list of tasks, no task.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .read import ExportFormatError, detect_format, read_tasks
from .records import ExportTask

# A file that fails to parse as a stream is parsed whole, for the standard library's message
# (line and column), when it is at most this big.
WHOLE_PARSE_LIMIT = 64 << 20
EXPORT_HELP = "export the project as JSON or JSON_MIN from Label Studio"


class ExportFile:
    """The export file at `path`: its format (JSON or JSON_MIN, from its first record) and its
    records and tasks, each pass reading the file again (see the module docstring). An export
    without tasks is refused unless `allow_empty`."""

    def __init__(self, path: str | os.PathLike[str], *, allow_empty: bool = False) -> None:
        self.path = Path(path)
        self.allow_empty = allow_empty  # an export with no task (an empty project's) is not refused
        self._payload: list[Any] | None = None  # a file only the standard library could parse
        self.format = self._detect()

    def records(self) -> Iterator[Any]:
        """The file's top-level records, in order, one at a time."""
        if self._payload is not None:
            yield from self._payload
            return
        import ijson

        try:
            with open(self.path, "rb") as handle:
                yield from ijson.items(handle, "item", use_float=True)
        except OSError as error:
            raise self._unreadable(error) from None
        except ijson.JSONError as error:
            self._parse_whole(error)  # raises, with the standard library's message where it can
            raise self._not_json(error) from None

    def tasks(self, users: Mapping[int, str] | None = None) -> Iterator[ExportTask]:
        """The file's tasks with their items and regions (`read.read_tasks`), one at a time."""
        return read_tasks(self.records(), self.format, users=users)

    # ------------------------------------------------------------------------------ checks

    def _detect(self) -> str:
        import ijson

        try:
            with open(self.path, "rb") as handle:
                first = next(ijson.parse(handle), None)
        except OSError as error:
            raise self._unreadable(error) from None
        except ijson.JSONError as error:
            payload = self._parse_whole(error)  # the standard library's message, or what only it can read
            self._payload = payload if isinstance(payload, list) else None
            return self._format_of(payload)
        if first is None or first[1] != "start_array":
            return self._format_of(None)  # not a list of tasks
        return self._format_of(list(_first(self.records())))

    def _format_of(self, payload: Any) -> str:
        """The format of `payload` (the whole list, or its first record), named by the file."""
        try:
            fmt = detect_format(payload)
        except ExportFormatError as error:
            raise ExportFormatError(f"{self.path}: {error}") from None
        if not payload and not self.allow_empty:
            raise ExportFormatError(
                f"{self.path}: the export holds no task, so there is nothing to pull; export a project that has "
                "tasks, as JSON or JSON_MIN"
            )
        return fmt

    def _parse_whole(self, error: Exception) -> Any:
        """The file parsed by the standard library, when the streaming parser failed on it: its
        error says line and column (and a few files, such as UTF-16 ones, only it reads)."""
        try:
            if self.path.stat().st_size > WHOLE_PARSE_LIMIT:
                raise self._not_json(error)
            return json.loads(self.path.read_bytes())
        except OSError as failure:
            raise self._unreadable(failure) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as failure:
            raise self._not_json(failure) from None

    def _not_json(self, error: Exception) -> ExportFormatError:
        detail = error.args[0] if error.args else None
        reason = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(error)
        return ExportFormatError(f"{self.path}: not JSON ({' '.join(reason.split())}); {EXPORT_HELP}")

    def _unreadable(self, error: OSError) -> ExportFormatError:
        if isinstance(error, FileNotFoundError):
            return ExportFormatError(f"{self.path}: no such file; give the JSON file exported from Label Studio")
        return ExportFormatError(f"{self.path}: cannot read ({error.strerror or type(error).__name__})")


def _first(records: Iterator[Any]) -> Iterator[Any]:
    for record in records:
        yield record
        return


__all__ = ["ExportFile"]
