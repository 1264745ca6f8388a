"""The data contract of jinbiao: spans, documents, the label schema, annotation files.

Standard library only, so every other part can depend on it.
"""

if __name__ != "jinbiao.gold":  # the folder imported by its bare name from the checkout root
    raise ImportError("this folder is installed as jinbiao.gold: write `import jinbiao.gold`")

from .annotation_set import AnnotationSet, DocumentAnnotations
from .document import Document, sha256_bytes, sha256_text
from .errors import JinbiaoError, ValidationError
from .io import (
    atomic_write_text,
    load_gold,
    read_annotations,
    read_gold,
    read_gold_document,
    read_gold_documents,
    read_jsonl,
    write_gold_document,
    write_jsonl,
)
from .schema import LABEL_BY_NAME, LABEL_INFO, LABEL_SET, LABELS, LabelInfo, is_label
from .span import Span, sort_spans
from .validate import span_problems, validate_spans

__all__ = [
    "LABELS",
    "LABEL_BY_NAME",
    "LABEL_INFO",
    "LABEL_SET",
    "AnnotationSet",
    "Document",
    "DocumentAnnotations",
    "JinbiaoError",
    "LabelInfo",
    "Span",
    "ValidationError",
    "atomic_write_text",
    "is_label",
    "load_gold",
    "read_annotations",
    "read_gold",
    "read_gold_document",
    "read_gold_documents",
    "read_jsonl",
    "sha256_bytes",
    "sha256_text",
    "sort_spans",
    "span_problems",
    "validate_spans",
    "write_gold_document",
    "write_jsonl",
]
