"""Shipping a job's ready extractors to worker processes, on this machine or on a cluster.

A worker gets what the parent provided (`jinbiao.models.provide_model`), never a file path: the
models travel inside the shipment, so a Dask worker needs jinbiao installed and nothing else (no
shared file system, no model directory, no gold to train on).

Extractors pickle as they are, except for the CRF taggers of python-crfsuite, which cannot be
pickled; every object that holds one also holds the model bytes it was opened from (the CRF's
model, the name tagger's), so the tagger is left out of the shipment and opened again from those
bytes on arrival.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from dataclasses import dataclass
from typing import Any

from jinbiao.gold import JinbiaoError


class ShippingError(JinbiaoError):
    """A payload that cannot be sent to a worker."""


@dataclass(frozen=True)
class Shipment:
    """A pickled payload, with the digest of the models inside it (what a resumed run compares)."""

    data: bytes
    models_sha256: str

    @property
    def key(self) -> str:
        """Names the shipment on a worker (each worker opens a shipment once)."""
        return hashlib.sha256(self.data).hexdigest()


def _is_tagger(value: object) -> bool:
    kind = type(value)
    return kind.__name__ == "Tagger" and kind.__module__.startswith("pycrfsuite")


def _reopened(cls: type, state: dict[str, Any], tagger_attributes: tuple[str, ...], model_attribute: str) -> Any:
    """The object of `cls` with `state`, its taggers opened again from its model bytes."""
    import pycrfsuite

    obj = cls.__new__(cls)
    obj.__dict__.update(state)
    for attribute in tagger_attributes:
        tagger = pycrfsuite.Tagger()
        tagger.open_inmemory(state[model_attribute])
        setattr(obj, attribute, tagger)
    return obj


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.models: list[bytes] = []

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, type):
            return NotImplemented
        state = getattr(obj, "__dict__", None)
        if not isinstance(state, dict) or not any(_is_tagger(value) for value in state.values()):
            return NotImplemented
        taggers = tuple(name for name, value in state.items() if _is_tagger(value))
        models = [name for name, value in state.items() if isinstance(value, bytes)]
        if len(models) != 1:
            raise ShippingError(
                f"{type(obj).__name__} holds a CRF tagger but not the one model it was opened from; "
                "it cannot be sent to worker processes"
            )
        self.models.append(state[models[0]])
        kept = {name: value for name, value in state.items() if name not in taggers}
        return _reopened, (type(obj), kept, taggers, models[0])


def ship(payload: Any) -> Shipment:
    """`payload` (the ready extractors and what the workers render) as bytes for the workers."""
    buffer = io.BytesIO()
    pickler = _Pickler(buffer)
    try:
        pickler.dump(payload)
    except (pickle.PicklingError, TypeError, AttributeError) as error:
        raise ShippingError(f"the job cannot be sent to worker processes ({error})") from None
    digest = hashlib.sha256()
    for model in pickler.models:
        digest.update(hashlib.sha256(model).digest())
    return Shipment(buffer.getvalue(), digest.hexdigest())


def unship(data: bytes) -> Any:
    """The payload of a shipment, as the worker uses it."""
    return pickle.loads(data)


def models_digest(payload: Any) -> str:
    """The digest of the models inside `payload` (empty input: the digest of nothing)."""
    return ship(payload).models_sha256


__all__ = ["Shipment", "ShippingError", "models_digest", "ship", "unship"]
