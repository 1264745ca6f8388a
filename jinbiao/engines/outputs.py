"""Outputs written as a job goes: streamed files finished atomically, and the journal that lets an
interrupted job resume.

`StreamedFile` is the atomic writer's `AtomicStream` (`jinbiao.gold.atomic`): an output written
piece by piece under a temporary name beside it and moved into place whole at the end.

`Journal`: ``<output>.partial`` beside the main output, one line per finished document (its id,
its text hash, and everything the job wrote for it). It is not a temporary of the atomic writer,
so it survives a kill and the cleaning of stale temporaries; a run resumed on the same output
(`resume=True`) reuses the lines whose document id and text hash still match, and recomputes the
rest. Its first line describes the job (extractors, models, normalization, outputs): a journal of
another job is refused rather than mixed in. A run that finishes removes it; a run that fails
before finishing any document leaves none.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from jinbiao.gold import JinbiaoError
from jinbiao.gold.atomic import AtomicStream as StreamedFile
from jinbiao.gold.atomic import GoldProtectedError, cannot_write, gold_location, make_parents, remove_if_empty
from jinbiao.gold.errors import Remedy

JOURNAL_SUFFIX = ".partial"
JOURNAL_FORMAT = "jinbiao-partial/1"


def journal_path(output: str | os.PathLike[str]) -> Path:
    """Where the journal of the job whose main output is `output` lives: ``<output>.partial``."""
    output = Path(output)
    return output.with_name(output.name + JOURNAL_SUFFIX)


class Journal:
    """``<output>.partial``: the documents a job has finished (see the module docstring).

    Each line is the document's key as JSON (``[doc_id, text_sha256]``), a tab, and what the job
    keeps for it as JSON (JSON never holds a raw tab, so a reader splits once). Only the keys and
    where each line starts are held in memory.
    """

    def __init__(self, output: str | os.PathLike[str], job: dict[str, Any], *, resume: bool = False) -> None:
        self.output = Path(output)
        found = gold_location(self.output)
        if found is not None:  # before anything is written beside it
            raise GoldProtectedError(str(self.output), str(found))
        self.path = journal_path(output)
        self.job = job
        self.finished = 0  # documents recorded by this run
        self._index: dict[str, tuple[str, int, int]] = {}  # doc_id -> (text_sha256, start, length)
        self._created: list[Path] = []
        try:
            self._created = make_parents(self.path)
            if resume and self.path.is_file():
                self._handle = open(self.path, "r+b")  # noqa: SIM115
                self._read()
            else:
                self._handle = open(self.path, "w+b")  # noqa: SIM115
                header = {"format": JOURNAL_FORMAT, "output": self.output.name, "job": job}
                self._handle.write(json.dumps(header, ensure_ascii=False, sort_keys=True).encode() + b"\n")
                self._handle.flush()
        except OSError as error:
            self.path.unlink(missing_ok=True)
            remove_if_empty(self._created)
            raise cannot_write(self.output, error) from None

    def _read(self) -> None:
        handle = self._handle
        first = handle.readline()
        try:
            header = json.loads(first)
        except ValueError:
            header = None
        if not isinstance(header, dict) or header.get("format") != JOURNAL_FORMAT:
            handle.close()
            raise JinbiaoError(f"{self.path}: not a jinbiao journal", remedy=Remedy.START_AFRESH)
        if header.get("job") != self.job:
            handle.close()
            before = header.get("job") if isinstance(header.get("job"), dict) else {}
            differs = sorted(key for key in {*self.job, *before} if self.job.get(key) != before.get(key))
            raise JinbiaoError(
                f"{self.path}: the interrupted run was another job (its {', '.join(differs)} differed)",
                remedy=Remedy.START_AFRESH,
            )
        position = len(first)
        for line in iter(handle.readline, b""):
            if not line.endswith(b"\n"):
                break  # the line a kill cut short: written again
            key, tab, _ = line.partition(b"\t")
            try:
                doc_id, text_sha256 = json.loads(key) if tab else (None, None)
            except ValueError:
                break
            if isinstance(doc_id, str):
                self._index[doc_id] = (text_sha256, position, len(line))
            position += len(line)
        handle.seek(position)
        handle.truncate()

    def __len__(self) -> int:
        """Documents the journal holds."""
        return len(self._index)

    def done(self, doc_id: str, text_sha256: str) -> bool:
        """Whether the document, with this very text, is finished already."""
        found = self._index.get(doc_id)
        return found is not None and found[0] == text_sha256

    def recall(self, doc_id: str) -> Any:
        """What the job kept for a finished document."""
        _, start, length = self._index[doc_id]
        self._handle.seek(start)
        line = self._handle.read(length)
        self._handle.seek(0, os.SEEK_END)
        return json.loads(line.partition(b"\t")[2])

    def record(self, doc_id: str, text_sha256: str, kept: Any) -> None:
        """Note a finished document (on disk at the next `flush`)."""
        key = json.dumps([doc_id, text_sha256], ensure_ascii=False).encode()
        line = key + b"\t" + json.dumps(kept, ensure_ascii=False).encode() + b"\n"
        try:
            start = self._handle.tell()
            self._handle.write(line)
        except OSError as error:
            raise cannot_write(self.output, error) from None
        self._index[doc_id] = (text_sha256, start, len(line))
        self.finished += 1

    def flush(self) -> None:
        try:
            self._handle.flush()
        except OSError as error:
            raise cannot_write(self.output, error) from None

    def close(self, *, keep: bool) -> None:
        """Close; remove the journal unless `keep` (an unfinished run that finished some documents)."""
        with contextlib.suppress(OSError):  # a full disk: the lines flushed before are on disk all the same
            self._handle.close()
        if not keep:
            self.path.unlink(missing_ok=True)
            remove_if_empty(self._created)


__all__ = ["JOURNAL_SUFFIX", "Journal", "StreamedFile", "cannot_write", "journal_path"]
