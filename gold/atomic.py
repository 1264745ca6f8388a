"""The one atomic writer: single files (text or bytes) and whole directories.

Everything is written beside its target under a temporary name and moved into place at the end,
so an error or a kill leaves either the old output or the complete new one. Temporary names carry
the writing process's id (``.<name>.jinbiao-tmp-<pid>``); a leftover of a process that is gone
is removed by the next write to the same target.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import JinbiaoError, OutputExistsError, Remedy

TMP_MARK = ".jinbiao-tmp-"
GOLD_MARKER = ".jinbiao-gold"  # in every directory that holds gold files; written with them
GOLD_SIGNATURE = b'"format": "jinbiao-gold/'


class GoldProtectedError(JinbiaoError):
    """A write that would replace a gold file or put other files among gold files."""

    def __init__(self, path: str, gold: str) -> None:
        super().__init__(f"{path}: {gold} holds gold annotations", remedy=Remedy.OTHER_OUTPUT, path=path)
        self.path = path


def gold_location(path: str | os.PathLike[str]) -> Path | None:
    """The gold file or gold directory that writing `path` would touch, or None.

    A gold directory carries a `GOLD_MARKER` file; a gold file says so in its first lines.
    """
    path = Path(path)
    for directory in (path, *path.parents) if path.is_dir() else path.parents:
        if (directory / GOLD_MARKER).exists():
            return directory
    if path.suffix == ".json" and path.is_file():
        with contextlib.suppress(OSError), open(path, "rb") as handle:
            if GOLD_SIGNATURE in handle.read(256):
                return path
    return None


def _check_not_gold(path: Path, gold: bool) -> None:
    if gold:
        return
    found = gold_location(path)
    if found is not None:
        raise GoldProtectedError(str(path), str(found))


def _usual_mode(path: Path) -> int:
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs (or is a zombie; see `os.kill`'s signal 0)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _inside_temporary(path: Path) -> bool:
    """Whether `path` is inside a temporary directory that `atomic_directory` is building."""
    return any(TMP_MARK in parent.name for parent in path.parents)


def _temporary_name(target: Path) -> Path:
    return target.with_name(f".{target.name}{TMP_MARK}{os.getpid()}")


def remove_stale_temporaries(target: str | os.PathLike[str]) -> list[Path]:
    """Remove temporaries of `target` left by processes that no longer run; return what went."""
    target = Path(target)
    removed = []
    if not target.parent.is_dir():
        return removed
    prefix = f".{target.name}{TMP_MARK}"
    for leftover in target.parent.glob(f"{prefix}*"):
        pid = leftover.name[len(prefix) :].split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            if leftover.name.endswith(".old") and not target.exists():
                os.replace(leftover, target)  # killed between the two renames of a swap: the old output comes back
                continue
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def atomic_write_bytes(
    path: str | os.PathLike[str],
    content: bytes,
    *,
    overwrite: bool = True,
    gold: bool = False,
    mode: int | None = None,
) -> Path:
    """Write `content` beside `path` under a temporary name, then rename it into place.

    Only a gold writer (`gold` True) may write onto a gold file or into a gold directory. `mode`
    (e.g. 0o600 for secrets) is set before the file appears; by default a new file gets the
    umask's mode and a replaced one keeps its own.
    """
    path = Path(path)
    _check_not_gold(path, gold)
    if not overwrite and path.exists():
        raise OutputExistsError(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    if not _inside_temporary(path):  # a directory being built holds nothing stale: no scan per file
        remove_stale_temporaries(path)
    tmp = _temporary_name(path)
    try:
        with open(tmp, "wb") as handle:
            handle.write(content)
        os.chmod(tmp, _usual_mode(path) if mode is None else mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(
    path: str | os.PathLike[str],
    content: str,
    *,
    overwrite: bool = True,
    gold: bool = False,
    mode: int | None = None,
) -> Path:
    """`atomic_write_bytes` for text: UTF-8, ``\\n`` line ends."""
    return atomic_write_bytes(path, content.encode("utf-8"), overwrite=overwrite, gold=gold, mode=mode)


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


class AtomicStream:
    """A text output written as it goes and moved into place whole (see the module docstring)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        _check_not_gold(self.path, False)
        self.temporary = _temporary_name(self.path)
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


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike[str], *, overwrite: bool = True, gold: bool = False) -> Iterator[Path]:
    """Yield an empty directory beside `path`; on success it replaces `path` whole.

    An exception inside the block removes it and leaves `path` as it was. `overwrite` False
    refuses an existing non-empty `path` before anything is written; only a gold writer (`gold`
    True) may replace a gold directory.
    """
    target = Path(path)
    _check_not_gold(target, gold)
    if target.exists() and not target.is_dir():
        raise OutputExistsError(str(target), f"{target} exists and is not a directory")
    if not overwrite and target.is_dir() and any(target.iterdir()):
        raise OutputExistsError(str(target), f"{target} exists and is not empty")
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    tmp = _temporary_name(target)
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
        old = target.with_name(f".{target.name}{TMP_MARK}{os.getpid()}.old")
        with _directory_lock(target.parent):  # two swaps of one target take turns: each lands whole
            if target.exists():
                os.replace(target, old)
            try:
                os.replace(tmp, target)
            except BaseException:
                if old.exists():
                    os.replace(old, target)
                raise
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def _directory_lock(directory: Path) -> Iterator[None]:
    """An exclusive lock held on `directory` itself (no lock file is left behind)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def file_lock(path: str | os.PathLike[str]) -> Iterator[None]:
    """An exclusive lock on the lock file `path` (created with its directory), held while inside:
    one process at a time, the others wait."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
