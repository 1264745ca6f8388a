"""The local engine: this process alone (one job), or a pool of worker processes (several)."""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from .shipping import ship, unship

W = TypeVar("W")
R = TypeVar("R")

_PAYLOAD: Any = None  # in a worker process: the unpacked shipment


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _die_with_parent() -> None:
    """Linux: a worker is ended when the process that started it dies (even by SIGKILL), instead
    of waiting forever for work that will not come."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _install(shipment: bytes) -> None:
    global _PAYLOAD
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the pool
    _die_with_parent()
    _PAYLOAD = unship(shipment)


def _call(function: Callable[[Any, W], R], work: W) -> R:
    return function(_PAYLOAD, work)


def in_order(futures: Iterable[Future], window: int) -> Iterator[Any]:
    """The results of `futures`, in order, with at most `window` of them submitted and unfinished
    at a time (the iterable submits each one as it is taken). The first failure is raised as soon
    as its turn comes; the futures not yet run are cancelled when the caller stops early."""
    pending: deque[Future] = deque()
    source = iter(futures)
    try:
        for future in source:
            pending.append(future)
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


class LocalEngine:
    """Runs work on this machine: in this process when `jobs` is 1 (or there is only one piece of
    work), else in `jobs` worker processes, each given the payload once, with at most two pieces
    of work per worker in flight so that memory stays bounded whatever the length of the stream."""

    name = "local"

    def __init__(self, jobs: int | None = None) -> None:
        if jobs is not None and jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {jobs}")
        self.jobs = jobs or default_jobs()

    def describe(self) -> str:
        return f"{self.jobs} process{'es' if self.jobs > 1 else ''}"

    def map(self, function: Callable[[Any, W], R], payload: Any, work: Iterable[W]) -> Iterator[R]:
        """`function(payload, piece)` for every piece of `work`, the results in the order of `work`.

        `function` must be a module-level function (the workers import it by name)."""
        pieces = iter(work)
        first = next(pieces, _END)
        if first is _END:
            return
        second = next(pieces, _END) if self.jobs > 1 else _END
        if second is _END:  # one job, or one piece of work: no pool to start
            yield function(payload, first)
            for piece in pieces:
                yield function(payload, piece)
            return
        shipment = ship(payload).data
        pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_install, initargs=(shipment,))
        try:
            submitted = (pool.submit(_call, function, piece) for piece in _chain(first, second, pieces))
            yield from in_order(submitted, 2 * self.jobs)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)


_END = object()


def _chain(first: Any, second: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield second
    yield from rest


__all__ = ["LocalEngine", "default_jobs", "in_order"]
