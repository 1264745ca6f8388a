"""The Dask engine: the same work on a Dask cluster (dask.distributed), results in order.

The parent connects to the scheduler, sends the payload (the ready extractors with their models)
to every worker once (`Client.scatter(..., broadcast=True)`), and submits the work a few pieces
per worker thread at a time, collecting the results in the order of the work. Each worker thread
opens the payload once and keeps it. Workers need jinbiao installed (the same version as the
parent) and nothing else: no shared file system, no model files (docs/scale.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from jinbiao.gold import JinbiaoError
from jinbiao.gold.errors import Remedy

from .local import in_order
from .shipping import ship, unship

W = TypeVar("W")
R = TypeVar("R")

CONNECT_TIMEOUT = 30.0  # seconds to reach the scheduler

_opened = threading.local()  # per worker thread: (shipment key, payload); extractors are not thread-safe


def _call(function: Callable[[Any, W], R], key: str, shipment: bytes, work: W) -> R:
    if getattr(_opened, "key", None) != key:
        _opened.payload = unship(shipment)
        _opened.key = key
    return function(_opened.payload, work)


class DaskEngine:
    """Runs work on the Dask cluster whose scheduler is at `scheduler` (``tcp://host:8786``), or
    on the cluster of a `distributed.Client` already made."""

    name = "dask"

    def __init__(self, scheduler: Any, *, timeout: float = CONNECT_TIMEOUT) -> None:
        self.scheduler = scheduler
        self.timeout = timeout

    def describe(self) -> str:
        return f"the Dask cluster at {self.scheduler}" if isinstance(self.scheduler, str) else "a Dask cluster"

    def _client(self) -> tuple[Any, bool]:
        try:
            from distributed import Client
        except ImportError:
            problem = "the dask engine needs dask.distributed, which is not installed"
            raise JinbiaoError(problem, remedy=Remedy.INSTALL_EXTRA, extra="dask") from None
        if isinstance(self.scheduler, Client):
            return self.scheduler, False
        try:
            return Client(self.scheduler, timeout=self.timeout, set_as_default=False), True
        except (OSError, TimeoutError, ValueError) as error:
            reason = " ".join(str(error).split()) or type(error).__name__
            raise JinbiaoError(f"cannot reach the Dask scheduler at {self.scheduler} ({reason})") from None

    def map(self, function: Callable[[Any, W], R], payload: Any, work: Iterable[W]) -> Iterator[R]:
        """`function(payload, piece)` for every piece of `work` on the cluster, the results in the
        order of `work`. `function` must be importable by name on the workers."""
        client, own = self._client()
        try:
            shipment = ship(payload)
            shipped = client.scatter(shipment.data, broadcast=True, hash=False)
            threads = max(1, sum(client.nthreads().values()))
            submitted = (client.submit(_call, function, shipment.key, shipped, piece, pure=False) for piece in work)
            yield from in_order(submitted, 2 * threads)
        finally:
            if own:
                client.close()


__all__ = ["CONNECT_TIMEOUT", "DaskEngine"]
