"""The CRF's model on disk: the crfsuite file, its metadata, and the check that it is current.

A model directory holds ``model.crfsuite`` (crfsuite's binary model) and ``model.json``:
the format, the CRF version, the feature set id and tag scheme it was trained with, the hash
of its training data (gold texts and spans), which documents and which gold directory, the
training parameters, and the id of the name tagger whose tags it was trained with. A model is *stale* when any of
these no longer matches what this code and this gold would produce; a stale or missing model is
a `ModelError` whose remedy (`Remedy.TRAIN_MODEL`) carries what training it again needs.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jinbiao.gold import AnnotationSet, JinbiaoError, read_gold, sort_spans
from jinbiao.gold.atomic import atomic_write_bytes, atomic_write_text
from jinbiao.gold.errors import Remedy
from jinbiao.gold.io import gold_files
from jinbiao.gold.paths import DOCUMENTS_DIR, models_dir

MODEL_FORMAT = "jinbiao-crf/1"
CRF_VERSION = "2.0"  # 2.0: the name tagger's features, the grammar's spans, the place gazetteer
DEFAULT_PARAMS: dict[str, Any] = {"c1": 0.05, "c2": 0.05, "max_iterations": 150}  # sklearn-crfsuite's L-BFGS
MODEL_FILE = "model.crfsuite"
META_FILE = "model.json"
DEFAULT_GOLD_DIR = DOCUMENTS_DIR  # what a model must have been trained on, unless told otherwise
# How many MSRA sentences the gold CRF trains on beside the gold (`crf.CRFExtractor`; docs/models.md).
DEFAULT_OUTSIDE = 1000
# How many MSRA training sentences the name tagger is trained on (`names.NameTagger`; docs/models.md).
DEFAULT_NAME_SENTENCES = 30000


def default_model_dir() -> Path:
    """Where the CRF model lives by default: ``models/crf`` in the workspace (`jinbiao.gold.paths`)."""
    return models_dir("crf")


class ModelError(JinbiaoError):
    """A model that cannot be used: `problem` says why, `remedy` what fixes it.

    With `Remedy.TRAIN_MODEL` (the default) the context says how to train it: `gold_dir` and
    `model_dir` (None where the default serves) and `command`, the Python call that trains it.
    """

    def __init__(
        self,
        problem: str,
        *,
        remedy: Remedy | None = Remedy.TRAIN_MODEL,
        gold_dir: str | os.PathLike[str] | None = None,
        model_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        context: dict[str, Any] = {}
        if remedy is Remedy.TRAIN_MODEL:
            gold = _unless_default(gold_dir, DEFAULT_GOLD_DIR)
            model = _unless_default(model_dir, default_model_dir())
            context = {"gold_dir": gold, "model_dir": model, "command": _train_call(gold, model)}
        super().__init__(problem, remedy=remedy, **context)


class MissingModelError(ModelError):
    """There is no saved model."""


class StaleModelError(ModelError):
    """The saved model was made by other code, with other features or from other gold."""


class ModelNotLoadedError(ModelError):
    """An extractor asked to extract before it was given a model (loaded or fitted)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem, remedy=None)


def _unless_default(path: str | os.PathLike[str] | None, default: Path) -> str | None:
    if path is None or Path(path).resolve() == default.resolve():
        return None
    return str(path)


def _train_call(gold_dir: str | None = None, model_dir: str | None = None) -> str:
    """The Python call that trains the CRF (see `crf.train_crf`)."""
    arguments = [f"{name}={value!r}" for name, value in (("gold_dir", gold_dir), ("model_dir", model_dir)) if value]
    return f"jinbiao.baselines.crf.train_crf({', '.join(arguments)})"


def has_gold(gold_dir: str | os.PathLike[str]) -> bool:
    path = Path(gold_dir)
    return path.is_dir() and bool(gold_files(path))


def training_hash(gold: AnnotationSet, doc_ids: list[str] | None = None) -> str:
    """SHA-256 over the training documents' text hashes and spans (order-independent)."""
    digest = hashlib.sha256()
    for doc_id in sorted(doc_ids if doc_ids is not None else gold.doc_ids):
        found = gold.documents[doc_id]
        digest.update(f"{doc_id}\t{found.text_sha256}\n".encode())
        for span in sort_spans(found.spans):
            digest.update(f"{span.start}\t{span.end}\t{span.label}\n".encode())
    return digest.hexdigest()


def gold_hash(gold_dir: str | os.PathLike[str]) -> str:
    return training_hash(read_gold(gold_dir))


@dataclass
class ModelMeta:
    """What `model.json` says about a saved model."""

    feature_set: str
    tag_scheme: str
    training_hash: str
    documents: list[str]
    gold_dir: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    names: str = ""  # the id of the name tagger whose tags were features, empty when none was
    outside: dict[str, Any] = field(default_factory=dict)  # the MSRA sentences trained on beside the gold
    crf_version: str = CRF_VERSION
    format: str = MODEL_FORMAT
    labels: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        """One line: the CRF version, feature set, training documents and hash (and name tagger)."""
        return (
            f"crf {self.crf_version}, features {self.feature_set}, {len(self.documents)} documents, "
            f"training hash {self.training_hash[:12]}" + (f", name tagger {self.names}" if self.names else "")
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ModelMeta:
        data = json.loads(text)
        known = {name for name in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def save_model(model_dir: str | os.PathLike[str], model: bytes, meta: ModelMeta) -> Path:
    """Write the model and its metadata (each atomically) into `model_dir`; return the directory."""
    directory = Path(model_dir)
    atomic_write_bytes(directory / MODEL_FILE, model)
    atomic_write_text(directory / META_FILE, meta.to_json())
    return directory


def load_model(
    model_dir: str | os.PathLike[str],
    *,
    feature_set: str | None = None,
    gold_dir: str | os.PathLike[str] | None = None,
) -> tuple[bytes, ModelMeta]:
    """The model bytes and metadata in `model_dir`, checked against this code and `gold_dir`.

    `feature_set` None accepts any feature set of the current feature code (`FEATURES_VERSION`);
    `gold_dir` None means no gold check (a model trained on any gold is accepted).
    Raises `MissingModelError` or `StaleModelError`, each with the training call as its remedy.
    """
    from .crf_features import FEATURES_VERSION  # here, so that the errors above import without jieba

    directory = Path(model_dir)
    model_path, meta_path = directory / MODEL_FILE, directory / META_FILE
    if not model_path.is_file() or not meta_path.is_file():
        raise MissingModelError(f"no trained CRF model in {directory}", gold_dir=gold_dir, model_dir=directory)
    try:
        meta = ModelMeta.from_json(meta_path.read_text(encoding="utf-8"))
    except (ValueError, TypeError) as error:
        raise StaleModelError(
            f"CRF model metadata {meta_path} is unreadable ({error})", gold_dir=gold_dir, model_dir=directory
        ) from None
    where: dict[str, Any] = {
        "gold_dir": gold_dir if gold_dir is not None else meta.gold_dir or None,
        "model_dir": directory,
    }
    if meta.format != MODEL_FORMAT or meta.crf_version != CRF_VERSION:
        raise StaleModelError(
            f"CRF model in {directory} was made by crf {meta.crf_version} ({meta.format}), this is crf {CRF_VERSION}",
            **where,
        )
    wanted = feature_set if feature_set is not None else f"v{FEATURES_VERSION}:"
    if not (meta.feature_set == wanted or (feature_set is None and meta.feature_set.startswith(wanted))):
        raise StaleModelError(
            f"CRF model in {directory} uses features {meta.feature_set}, this code computes {wanted}…", **where
        )
    if gold_dir is not None and has_gold(gold_dir):
        current = gold_hash(gold_dir)
        if current != meta.training_hash:
            raise StaleModelError(
                f"CRF model in {directory} was trained on other gold (training hash {meta.training_hash[:12]}, "
                f"{gold_dir} hashes to {current[:12]})",
                **where,
            )
    return model_path.read_bytes(), meta
