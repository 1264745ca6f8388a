"""The CRF's model on disk: the crfsuite file, its metadata, and the check that it is current.

A model directory holds ``model.crfsuite`` (crfsuite's binary model) and ``model.json``:
the format, the CRF version, the feature set id and tag scheme it was trained with, the hash
of its training data (gold texts and spans), which documents and which gold directory, the
training parameters, and whether MSRA pre-training was used. A model is *stale* when any of
these no longer matches what this code and this gold would produce; a stale or missing model is
an error whose one-line message names the command that retrains it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jinbiao.gold import AnnotationSet, JinbiaoError, atomic_write_text, read_gold
from jinbiao.gold.io import gold_files
from jinbiao.gold.paths import DOCUMENTS_DIR

from .crf_features import FEATURES_VERSION

MODEL_FORMAT = "jinbiao-crf/1"
CRF_VERSION = "1.0"
MODEL_FILE = "model.crfsuite"
META_FILE = "model.json"
MODEL_DIR_ENV = "JINBIAO_MODEL_DIR"
RETRAIN_COMMAND = "jinbiao train"


class ModelError(JinbiaoError):
    """The CRF model cannot be used; the message names the command that (re)trains it."""


class MissingModelError(ModelError):
    pass


class StaleModelError(ModelError):
    pass


def project_root() -> Path:
    """The checkout this package runs from (where pyproject.toml is), else the working directory."""
    checkout = Path(__file__).resolve().parent.parent
    return checkout if (checkout / "pyproject.toml").is_file() else Path.cwd()


def default_model_dir() -> Path:
    """``$JINBIAO_MODEL_DIR`` if set, else ``.jinbiao/models/crf`` under the project root."""
    override = os.environ.get(MODEL_DIR_ENV)
    return Path(override) if override else project_root() / ".jinbiao" / "models" / "crf"


def default_gold_dir() -> Path:
    return DOCUMENTS_DIR


def has_gold(gold_dir: str | os.PathLike[str]) -> bool:
    path = Path(gold_dir)
    return path.is_dir() and bool(gold_files(path))


def training_hash(gold: AnnotationSet, doc_ids: list[str] | None = None) -> str:
    """SHA-256 over the training documents' text hashes and spans (order-independent)."""
    digest = hashlib.sha256()
    for doc_id in sorted(doc_ids if doc_ids is not None else gold.doc_ids):
        found = gold.documents[doc_id]
        digest.update(f"{doc_id}\t{found.text_sha256}\n".encode())
        for span in sorted(found.spans, key=lambda s: (s.start, s.end, s.label)):
            digest.update(f"{span.start}\t{span.end}\t{span.label}\n".encode())
    return digest.hexdigest()


def gold_hash(gold_dir: str | os.PathLike[str]) -> str:
    return training_hash(read_gold(gold_dir))


def retrain_command(
    gold_dir: str | os.PathLike[str] | None = None,
    model_dir: str | os.PathLike[str] | None = None,
    *,
    msra: bool = False,
) -> str:
    parts = [RETRAIN_COMMAND]
    if gold_dir is not None and Path(gold_dir).resolve() != default_gold_dir().resolve():
        parts.append(f"--gold {gold_dir}")
    if model_dir is not None and Path(model_dir).resolve() != default_model_dir().resolve():
        parts.append(f"--model-dir {model_dir}")
    if msra:
        parts.append("--msra")
    return " ".join(parts)


@dataclass
class ModelMeta:
    feature_set: str
    tag_scheme: str
    training_hash: str
    documents: list[str]
    gold_dir: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    msra: str = ""  # the MSRA pre-training model's id, empty when none was used
    crf_version: str = CRF_VERSION
    format: str = MODEL_FORMAT
    labels: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ModelMeta:
        data = json.loads(text)
        known = {name for name in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def save_model(model_dir: str | os.PathLike[str], model: bytes, meta: ModelMeta) -> Path:
    """Write the model and its metadata atomically into `model_dir`; return the directory."""
    directory = Path(model_dir)
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{MODEL_FILE}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(model)
        os.replace(tmp, directory / MODEL_FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
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
    Raises `MissingModelError` or `StaleModelError`, each naming the command that retrains.
    """
    directory = Path(model_dir)
    model_path, meta_path = directory / MODEL_FILE, directory / META_FILE
    if not model_path.is_file() or not meta_path.is_file():
        raise MissingModelError(
            f"no trained CRF model in {directory}; train it with `{retrain_command(model_dir=directory)}`"
        )
    try:
        meta = ModelMeta.from_json(meta_path.read_text(encoding="utf-8"))
    except (ValueError, TypeError) as error:
        command = retrain_command(model_dir=directory)
        raise StaleModelError(
            f"CRF model metadata {meta_path} is unreadable ({error}); retrain with `{command}`"
        ) from None
    command = retrain_command(
        gold_dir if gold_dir is not None else meta.gold_dir or None, directory, msra=bool(meta.msra)
    )
    if meta.format != MODEL_FORMAT or meta.crf_version != CRF_VERSION:
        raise StaleModelError(
            f"CRF model in {directory} was made by crf {meta.crf_version} ({meta.format}), this is crf {CRF_VERSION}; "
            f"retrain with `{command}`"
        )
    wanted = feature_set if feature_set is not None else f"v{FEATURES_VERSION}:"
    if not (meta.feature_set == wanted or (feature_set is None and meta.feature_set.startswith(wanted))):
        raise StaleModelError(
            f"CRF model in {directory} uses features {meta.feature_set}, this code computes {wanted}…; "
            f"retrain with `{command}`"
        )
    if gold_dir is not None and has_gold(gold_dir):
        current = gold_hash(gold_dir)
        if current != meta.training_hash:
            raise StaleModelError(
                f"CRF model in {directory} was trained on other gold (training hash {meta.training_hash[:12]}, "
                f"{gold_dir} hashes to {current[:12]}); retrain with `{command}`"
            )
    return model_path.read_bytes(), meta
