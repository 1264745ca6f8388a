"""Where a job's work runs: this machine's cores (`LocalEngine`) or a Dask cluster (`DaskEngine`).

An engine maps a module-level function over a stream of work, giving each worker the job's
payload once, and yields the results in the order of the work, with a bounded number in flight,
so that the output of a job does not depend on where, or on how many workers, it ran::

    from jinbiao.engines import make_engine
    engine = make_engine(jobs=2)                                     # two worker processes
    engine = make_engine(engine="dask", scheduler="tcp://host:8786")  # a Dask cluster
    for result in engine.map(function, payload, pieces): ...

We schedule nothing ourselves: the process pool is the standard library's, the cluster Dask's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

from jinbiao.gold import JinbiaoError
from jinbiao.gold.errors import Remedy

from .local import LocalEngine, default_jobs
from .shipping import Shipment, ShippingError, models_digest, ship, unship

W = TypeVar("W")
R = TypeVar("R")

LOCAL, DASK = "local", "dask"
ENGINES = (LOCAL, DASK)
DEFAULT_ENGINE = LOCAL


class Engine(Protocol):
    name: str

    def describe(self) -> str: ...

    def map(self, function: Callable[[Any, W], R], payload: Any, work: Iterable[W]) -> Iterator[R]: ...


def make_engine(jobs: int | None = None, *, engine: str = DEFAULT_ENGINE, scheduler: Any = None) -> Engine:
    """The engine named `engine`: ``local`` with `jobs` processes (default: every core), or
    ``dask`` on the cluster of the scheduler at `scheduler` (an address, or a `distributed.Client`)."""
    if engine == LOCAL:
        if scheduler is not None:
            raise JinbiaoError("a scheduler address is for the dask engine", remedy=Remedy.SCHEDULER_NEEDS_DASK)
        if jobs is not None and jobs < 1:
            raise JinbiaoError(f"jobs must be at least 1, not {jobs}")
        return LocalEngine(jobs)
    if engine == DASK:
        if scheduler is None:
            raise JinbiaoError("the dask engine needs its scheduler's address", remedy=Remedy.GIVE_SCHEDULER)
        if jobs is not None:
            raise JinbiaoError(
                "the number of jobs is the local engine's; a Dask cluster has its own workers",
                remedy=Remedy.JOBS_ARE_LOCAL,
            )
        from .dask_cluster import DaskEngine

        return DaskEngine(scheduler)
    raise JinbiaoError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")


__all__ = [
    "DASK",
    "DEFAULT_ENGINE",
    "ENGINES",
    "LOCAL",
    "Engine",
    "LocalEngine",
    "Shipment",
    "ShippingError",
    "default_jobs",
    "make_engine",
    "models_digest",
    "ship",
    "unship",
]
