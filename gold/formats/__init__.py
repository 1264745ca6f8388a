"""The formats researchers bring, in and out: readers and writers mapped onto the gold's documents.

>>> from jinbiao.gold import load_gold
>>> from jinbiao.gold.formats import read_annotations_any, write_annotations
>>> gold, documents = load_gold("gold/documents")
>>> predictions = read_annotations_any("model.conll", documents)          # format detected
>>> write_annotations(gold, documents, "gold.bioes", "conll-bioes")

Every reader returns an `AnnotationSet` over the reference documents, each span checked against
the normalized text (or read from raw-article offsets through the offset map, ``offsets="raw"``);
spans may overlap unless ``flat=True``. See docs/formats.md for what each format keeps and loses.
"""

from .brat import read_brat, write_brat
from .common import FormatWarning
from .conll import conll_text, read_conll, write_conll
from .detect import detect_format
from .doccano import read_doccano, write_doccano
from .hf_datasets import label_names_for, read_hf_datasets, write_hf_datasets
from .hf_pipeline import pipeline_annotations, read_hf_pipeline, write_hf_pipeline
from .mapping import raw_to_normalized
from .native import read_gold_format, read_jinbiao_jsonl, write_jinbiao_jsonl
from .prodigy import read_prodigy, write_prodigy
from .python_objects import python_annotations
from .registry import (
    FORMATS,
    LABEL_STUDIO,
    FormatSpec,
    format_spec,
    read_annotations_any,
    register_format,
    registered_formats,
    write_annotations,
)
from .spacy_docbin import read_spacy_docbin, write_spacy_docbin
from .spacy_json import read_spacy_json, write_spacy_json
from .tags import SCHEMES, decode_tags, encode_tags, tag_names

__all__ = [
    "FORMATS",
    "LABEL_STUDIO",
    "SCHEMES",
    "FormatSpec",
    "FormatWarning",
    "conll_text",
    "decode_tags",
    "detect_format",
    "encode_tags",
    "format_spec",
    "label_names_for",
    "pipeline_annotations",
    "python_annotations",
    "raw_to_normalized",
    "read_annotations_any",
    "read_brat",
    "read_conll",
    "read_doccano",
    "read_gold_format",
    "read_hf_datasets",
    "read_hf_pipeline",
    "read_jinbiao_jsonl",
    "read_prodigy",
    "read_spacy_docbin",
    "read_spacy_json",
    "register_format",
    "registered_formats",
    "tag_names",
    "write_annotations",
    "write_brat",
    "write_conll",
    "write_doccano",
    "write_hf_datasets",
    "write_hf_pipeline",
    "write_jinbiao_jsonl",
    "write_prodigy",
    "write_spacy_docbin",
    "write_spacy_json",
]
