"""The formats by name, and the two calls that use them: `read_annotations_any`, `write_annotations`.

Every reader takes ``(path, documents, *, offsets, labels, flat, extra_documents, name, ...)``
and returns an `AnnotationSet` over `documents`; every writer takes ``(annotation_set, documents,
path, *, overwrite, ...)`` and returns the path written. Label Studio exports are read by
`jinbiao.annotate.labelstudio`, which the data-contract room may not import: the name is here,
and that room binds it with `register_format`.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..annotation_set import AnnotationSet
from ..document import Document
from ..errors import JinbiaoError, Remedy
from ..schema import LABEL_SET
from .brat import read_brat, write_brat
from .common import check_offsets_mode
from .conll import read_conll, write_conll
from .doccano import read_doccano, write_doccano
from .hf_datasets import read_hf_datasets, write_hf_datasets
from .hf_pipeline import pipeline_annotations, read_hf_pipeline, write_hf_pipeline
from .native import read_gold_format, read_jinbiao_jsonl, write_jinbiao_jsonl
from .prodigy import read_prodigy, write_prodigy
from .python_objects import python_annotations
from .spacy_docbin import read_spacy_docbin, write_spacy_docbin
from .spacy_json import read_spacy_json, write_spacy_json

Reader = Callable[..., AnnotationSet]
Writer = Callable[..., Path]

LABEL_STUDIO = "label-studio"


@dataclass(frozen=True)
class FormatSpec:
    """A format: its reader and writer (None where there is none), the file name endings that
    settle it (`detect_format` trusts them; formats that share ``.json`` / ``.jsonl`` have none and
    are told apart by content), whether it is a directory, the optional extra it needs, and fixed
    writer options."""

    name: str
    summary: str
    read: Reader | None = None
    write: Writer | None = None
    extensions: tuple[str, ...] = ()
    directory: bool = False
    extra: str | None = None
    write_options: Mapping[str, Any] = field(default_factory=dict)


_BUILTIN = (
    FormatSpec("jinbiao", "jinbiao annotation JSONL", read_jinbiao_jsonl, write_jinbiao_jsonl),
    FormatSpec("gold", "a jinbiao gold directory or file (read only)", read_gold_format, None, directory=True),
    FormatSpec(
        "conll",
        "character-level CoNLL, BIO (reads any scheme)",
        read_conll,
        write_conll,
        (".conll", ".bio", ".iob", ".iob2"),
    ),
    FormatSpec(
        "conll-bioes",
        "character-level CoNLL, BIOES",
        read_conll,
        write_conll,
        (".bioes",),
        write_options={"scheme": "bioes"},
    ),
    FormatSpec(
        "conll-bmes",
        "character-level CoNLL, BMES",
        read_conll,
        write_conll,
        (".bmes",),
        write_options={"scheme": "bmes"},
    ),
    FormatSpec(
        "conll-bilou",
        "character-level CoNLL, BILOU",
        read_conll,
        write_conll,
        (".bilou",),
        write_options={"scheme": "bilou"},
    ),
    FormatSpec("hf-pipeline", "Hugging Face token-classification pipeline output", read_hf_pipeline, write_hf_pipeline),
    FormatSpec("hf-datasets", "Hugging Face datasets JSONL (tokens + ner_tags)", read_hf_datasets, write_hf_datasets),
    FormatSpec("spacy-json", "spaCy-style JSON offsets (text + entities)", read_spacy_json, write_spacy_json),
    FormatSpec("spacy", "spaCy DocBin (.spacy)", read_spacy_docbin, write_spacy_docbin, (".spacy",), extra="spacy"),
    FormatSpec("brat", "brat standoff (.ann + .txt per document)", read_brat, write_brat, (".ann",), True),
    FormatSpec("doccano", "doccano JSONL", read_doccano, write_doccano),
    FormatSpec("prodigy", "Prodigy JSONL", read_prodigy, write_prodigy),
    FormatSpec(LABEL_STUDIO, "Label Studio export (bound by jinbiao.annotate.labelstudio)"),
)

_REGISTRY: dict[str, FormatSpec] = {spec.name: spec for spec in _BUILTIN}

FORMATS: tuple[str, ...] = tuple(spec.name for spec in _BUILTIN)
"""Every format name, for ``--format`` / ``--to``; Python objects are read by `read_annotations_any` too."""


def register_format(spec: FormatSpec, *, replace_existing: bool = False) -> None:
    """Add a format, or bind one that is only named (Label Studio); replacing a bound one needs leave."""
    current = _REGISTRY.get(spec.name)
    bound = current is not None and (current.read is not None or current.write is not None)
    if bound and not replace_existing:
        raise JinbiaoError(f"format {spec.name!r} is registered already")
    _REGISTRY[spec.name] = spec


def format_spec(name: str) -> FormatSpec:
    spec = _REGISTRY.get(name)
    if spec is None:
        raise JinbiaoError(f"unknown format {name!r}", remedy=Remedy.NAME_FORMAT, formats=", ".join(_REGISTRY))
    return spec


def registered_specs() -> tuple[FormatSpec, ...]:
    return tuple(_REGISTRY.values())


def registered_formats() -> tuple[str, ...]:
    """The names of the formats registered now (the built-in ones and those bound later)."""
    return tuple(_REGISTRY)


def _check_options(function: Callable[..., Any], options: Mapping[str, Any], name: str, what: str) -> None:
    accepted = [
        p.name for p in inspect.signature(function).parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    unknown = [option for option in options if option not in accepted]
    if unknown:
        raise JinbiaoError(f"the {name} {what} takes no option {unknown[0]!r}; its options: {', '.join(accepted)}")


def _unbound(spec: FormatSpec, what: str) -> JinbiaoError:
    if spec.name == LABEL_STUDIO:
        return JinbiaoError(
            f"Label Studio exports are {what} by jinbiao.annotate.labelstudio, which has not registered its "
            "format here (register_format)"
        )
    return JinbiaoError(f"the {spec.name} format cannot be {what}")


def read_annotations_any(
    source: str | os.PathLike[str] | Mapping[str, Any] | Sequence[Any],
    documents: Iterable[Document],
    format: str | None = None,
    offsets: str = "normalized",
    *,
    labels: Collection[str] | None = LABEL_SET,
    flat: bool = False,
    extra_documents: str = "error",
    name: str | None = None,
    **options: Any,
) -> AnnotationSet:
    """Annotations in any format, mapped onto `documents` (the gold's: ``load_gold(path)[1]``).

    `source` is a path (its format detected unless named), or Python objects: ``{doc_id:
    [(start, end, label), ...]}`` (format None or "python") or pipeline output (format
    "hf-pipeline"). `offsets` "raw" reads offsets that count in the raw article files and maps
    them through each document's offset map. `labels` None accepts any label (map them later);
    `flat` refuses overlapping spans; `extra_documents` "ignore" skips annotations of documents
    not among `documents`. Format options (``label_names``, ``spans_key``) pass through.
    """
    check_offsets_mode(offsets)
    common = {"offsets": offsets, "labels": labels, "flat": flat, "extra_documents": extra_documents}
    if isinstance(source, (Mapping, list, tuple)):
        if format in (None, "python") and isinstance(source, Mapping):
            _check_options(python_annotations, options, "python", "reader")
            return python_annotations(source, documents, name=name or "python", **common, **options)
        if format == "hf-pipeline":
            _check_options(pipeline_annotations, options, "hf-pipeline", "reader")
            return pipeline_annotations(source, documents, name=name or "pipeline", **common, **options)
        raise JinbiaoError(
            f"got a {type(source).__name__}: pass a path, {{document id: [(start, end, label), ...]}}, "
            "or pipeline output with format='hf-pipeline'"
        )
    if not isinstance(source, (str, os.PathLike)):
        raise JinbiaoError(f"got a {type(source).__name__}: pass a path or {{document id: [(start, end, label), ...]}}")
    from .detect import detect_format  # detection knows every format: imported here to keep the modules acyclic

    path = Path(source)
    spec = format_spec(format) if format is not None else format_spec(detect_format(path))
    if spec.read is None:
        raise _unbound(spec, "read")
    _check_options(spec.read, options, spec.name, "reader")
    return spec.read(path, documents, name=name, **common, **options)


def write_annotations(
    annotation_set: AnnotationSet,
    documents: Iterable[Document],
    path: str | os.PathLike[str],
    format: str,
    *,
    overwrite: bool = False,
    **options: Any,
) -> Path:
    """Write `annotation_set` over `documents` to `path` in `format` (one of `FORMATS`); returns the path.

    Format options (``scheme``, ``document_marker``, ``tags``, ``lang``, ``spans_key``) pass through.
    """
    spec = format_spec(format)
    if spec.write is None:
        raise _unbound(spec, "written")
    _check_options(spec.write, options, spec.name, "writer")
    return spec.write(annotation_set, documents, path, overwrite=overwrite, **{**spec.write_options, **options})
