"""What every format module shares: checked offsets, typed errors, counted skips, JSON records."""

from __future__ import annotations

import json
import math
import numbers
import os
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import JinbiaoError, Remedy, ValidationError
from ..span import Span

OFFSET_MODES = ("normalized", "raw")
EXTRA_DOCUMENT_POLICIES = ("error", "ignore")


class FormatWarning(UserWarning):
    """What a reader skipped on purpose (relations, notes, rejected answers, unknown documents): counted."""


def validation_error(
    reason: str,
    *,
    file: str | None = None,
    doc_id: str | None = None,
    span: Span | None = None,
    hint: str | None = None,
    remedy: Remedy | None = None,
    **context: Any,
) -> ValidationError:
    """A `ValidationError` that may also carry a typed remedy (worded by the command line as a flag)."""
    error = ValidationError(reason, file=file, doc_id=doc_id, span=span, hint=hint)
    if remedy is not None:
        error.problem = str(error)
        error.remedy = remedy
        error.context = context
        error.args = (f"{error.problem}; {remedy.words(context)}",)
    return error


def check_offsets_mode(offsets: str) -> str:
    if offsets not in OFFSET_MODES:
        raise JinbiaoError(f"offsets must be 'normalized' or 'raw', not {offsets!r}")
    return offsets


def check_extra_documents(policy: str) -> str:
    if policy not in EXTRA_DOCUMENT_POLICIES:
        raise JinbiaoError(f"extra_documents must be 'error' or 'ignore', not {policy!r}")
    return policy


def as_offset(value: Any, name: str, *, file: str | None, doc_id: str | None, where: str) -> int:
    """An integer offset, or one clear error: floats (even 3.0), NaN, booleans and strings are refused."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, bool):
        kind = "a boolean"
    elif isinstance(value, float) and math.isnan(value):
        kind = "NaN"
    elif isinstance(value, numbers.Real):
        kind = "a float"
    else:
        kind = f"a {type(value).__name__}"
    raise validation_error(
        f"{where}: {name} {value!r} is {kind}",
        file=file,
        doc_id=doc_id,
        hint="offsets are integer code points: pass (start, end, label) with int start and end",
    )


def as_label(value: Any, *, file: str | None, doc_id: str | None, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise validation_error(f"{where}: label {value!r} is not a non-empty string", file=file, doc_id=doc_id)
    return value


def as_score(value: Any, *, file: str | None, doc_id: str | None, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(float(value)):
        raise validation_error(f"{where}: score {value!r} is not a number", file=file, doc_id=doc_id)
    return float(value)


def warn_skipped(file: str, counts: Counter[str]) -> None:
    """One warning naming what was skipped and how much of each."""
    if counts:
        listed = ", ".join(f"{count} {what}" for what, count in sorted(counts.items()))
        warnings.warn(f"{file}: skipped {listed}", FormatWarning, stacklevel=3)


def read_text_file(path: str | os.PathLike[str]) -> str:
    """A UTF-8 file (a BOM dropped), line ends untouched: offsets count them as they are."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise ValidationError("is a directory, not a file", file=str(path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(f"not UTF-8 ({error.reason} at byte {error.start})", file=str(path)) from None


# JSON strings cannot hold a raw CR or LF, but may hold U+2028, U+0085, … (which str.splitlines
# splits at): a JSONL record ends at a line feed, a CR LF, or a lone CR.
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def json_records(path: str | os.PathLike[str]) -> Iterator[tuple[str, Any]]:
    """The records of a JSON or JSONL file with where each is: ``path:LINE`` (JSONL) or
    ``path[INDEX]`` (a JSON array); a single JSON object is one record."""
    text = read_text_file(path)
    name = str(path)
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    else:
        if isinstance(whole, list):
            for index, record in enumerate(whole):
                yield f"{name}[{index}]", record
        else:
            yield f"{name}:1", whole
        return
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValidationError(f"line {number} is not valid JSON: {error.msg}", file=name) from None
        yield f"{name}:{number}", record


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def jsonl(records: list[Any]) -> str:
    return "".join(dumps(record) + "\n" for record in records)
