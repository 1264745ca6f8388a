"""Outputs written as a job goes: streamed files finished atomically, and the journal that lets an
interrupted job resume.

`StreamedFile`: an output written piece by piece under the atomic writer's temporary name beside
it (``.<name>.jinbiao-tmp-<pid>``, `jinbiao.gold.atomic`) and moved into place whole by `finish`:
a failure or a kill leaves the old output (or none), never half of the new one, and the next
write to that output removes the temporary of a process that is gone.

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
from typing import IO, Any

from jinbiao.gold import JinbiaoError
from jinbiao.gold.atomic import TMP_MARK, GoldProtectedError, gold_location, remove_stale_temporaries
from jinbiao.gold.errors import Remedy

JOURNAL_SUFFIX = ".partial"
JOURNAL_FORMAT = "jinbiao-partial/1"


def cannot_write(output: str | os.PathLike[str], error: OSError) -> JinbiaoError:
    """A file system's refusal, named after the output (not its temporary or journal)."""
    reason = error.strerror or type(error).__name__
    return JinbiaoError(f"{output}: cannot write ({reason}); choose another output path")


def make_parents(path: Path) -> list[Path]:
    """Create the missing directories above `path`; return them, deepest first."""
    missing = [parent for parent in path.parents if not parent.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    return missing


def remove_if_empty(directories: list[Path]) -> None:
    """Remove the directories a failed run created, deepest first, if nothing else is in them."""
    for directory in directories:
        try:
            directory.rmdir()
        except OSError:
            return


def _usual_mode(path: Path) -> int:
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class StreamedFile:
    """A text output written as it goes and moved into place whole (see the module docstring)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        found = gold_location(self.path)
        if found is not None:
            raise GoldProtectedError(str(self.path), str(found))
        self.temporary = self.path.with_name(f".{self.path.name}{TMP_MARK}{os.getpid()}")
        self._handle: IO[str] | None = None
        self._created: list[Path] = []
        try:
            self._created = make_parents(self.path)
            remove_stale_temporaries(self.path)
            self._handle = open(self.temporary, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        except OSError as error:
            self.discard()
            raise cannot_write(self.path, error) from None

    def write(self, text: str) -> None:
        try:
            self._handle.write(text)  # type: ignore[union-attr]
        except OSError as error:
            raise cannot_write(self.path, error) from None

    def finish(self) -> Path:
        """Close the temporary and move it onto the output."""
        try:
            self._handle.close()  # type: ignore[union-attr]
            os.chmod(self.temporary, _usual_mode(self.path))
            os.replace(self.temporary, self.path)
        except OSError as error:
            self.discard()
            raise cannot_write(self.path, error) from None
        return self.path

    def discard(self) -> None:
        """Close and remove the temporary: the output stays as it was."""
        if self._handle is not None and not self._handle.closed:
            with contextlib.suppress(OSError):
                self._handle.close()
        self.temporary.unlink(missing_ok=True)
        remove_if_empty(self._created)


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
