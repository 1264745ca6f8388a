"""spaCy DocBin (``.spacy``): the binary corpus ``spacy train`` reads. Needs spaCy (the ``spacy`` extra),
imported only here and only when used.

Read: each Doc's entities (``doc.ents``, or the span group `spans_key` for overlapping spans),
offsets from spaCy's character offsets; the document by ``doc.user_data["doc_id"]``, else by the
Doc's text. Written: one Doc per document, made by a blank pipeline of `lang` (``zh``: one token
per character, so every span lands on token boundaries), entities in ``doc.ents`` (or in
``doc.spans[spans_key]``, which may overlap), the id in ``user_data``. Lost: scores.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from ..annotation_set import AnnotationSet
from ..atomic import atomic_write_bytes
from ..document import Document
from ..errors import JinbiaoError, Remedy
from ..schema import LABEL_SET
from .common import validation_error
from .mapping import AnnotationBuilder, DocumentRecord, SpanRecord
from .writing import spans_to_write

DOC_ID_KEY = "doc_id"


def _spacy() -> Any:
    try:
        import spacy
    except ImportError:
        raise JinbiaoError(
            "spaCy DocBin (.spacy) files need spaCy, which is not installed", remedy=Remedy.INSTALL_EXTRA, extra="spacy"
        ) from None
    return spacy


def read_spacy_docbin(
    path: str | os.PathLike[str],
    documents: Iterable[Document],
    *,
    spans_key: str | None = None,
    offsets: str = "normalized",
    labels: Collection[str] | None = LABEL_SET,
    flat: bool = False,
    extra_documents: str = "error",
    name: str | None = None,
) -> AnnotationSet:
    _spacy()
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    path = Path(path)
    if not path.is_file():
        raise validation_error("file not found", file=str(path))
    try:
        docs = list(DocBin().from_bytes(path.read_bytes()).get_docs(Vocab()))
    except Exception as error:  # spaCy raises many kinds (msgpack, zlib, ValueError) on a file that is not a DocBin
        raise validation_error(f"not a spaCy DocBin file ({type(error).__name__})", file=str(path)) from None
    builder = AnnotationBuilder.for_file(
        path,
        documents,
        format="spacy",
        name=name,
        offsets=offsets,
        labels=labels,
        flat=flat,
        extra_documents=extra_documents,
    )
    for index, doc in enumerate(docs):
        where = f"{path}[{index}]"
        if spans_key is not None and spans_key not in doc.spans:
            raise validation_error(f"this Doc has no span group {spans_key!r}", file=where)
        entities = doc.spans[spans_key] if spans_key is not None else doc.ents
        records = [
            SpanRecord(e.start_char, e.end_char, e.label_, e.text, where=f"entity #{i}") for i, e in enumerate(entities)
        ]
        doc_id = doc.user_data.get(DOC_ID_KEY) if doc.user_data else None
        builder.add_record(DocumentRecord(where, doc_id, doc.text, records))
    return builder.finish()


def write_spacy_docbin(
    annotation_set: AnnotationSet,
    documents: Iterable[Document],
    path: str | os.PathLike[str],
    *,
    lang: str = "zh",
    spans_key: str | None = None,
    overwrite: bool = False,
) -> Path:
    spacy = _spacy()
    from spacy.tokens import DocBin

    written = spans_to_write(annotation_set, documents, file=str(path), flat=spans_key is None)
    nlp = spacy.blank(lang)
    docbin = DocBin(store_user_data=True)
    for document, spans in written:
        doc = nlp.make_doc(document.text)
        entities = []
        for span in spans:
            entity = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
            if entity is None:
                raise validation_error(
                    f"does not fall on token boundaries of a blank {lang!r} pipeline",
                    file=str(path),
                    doc_id=document.id,
                    span=span,
                )
            entities.append(entity)
        if spans_key is None:
            doc.ents = entities
        else:
            doc.spans[spans_key] = entities
        doc.user_data[DOC_ID_KEY] = document.id
        docbin.add(doc)
    return atomic_write_bytes(path, docbin.to_bytes(), overwrite=overwrite)
