"""Normalized articles written out: ``<id>.txt`` (what annotators see) and ``<id>.offsets.json``
(the map back to the raw source), one pair per document, as one directory written all or nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from jinbiao.gold import Document, JinbiaoError
from jinbiao.gold.atomic import atomic_directory


def normalized_files(document: Document) -> dict[str, str]:
    """The two files of one document, by file name."""
    offsets = {
        "id": document.id,
        "source": document.source,
        "source_sha256": document.source_sha256,
        "text_sha256": document.text_sha256,
        "offsets": document.offset_runs(),
    }
    return {
        f"{document.id}.txt": document.text + "\n",
        f"{document.id}.offsets.json": json.dumps(offsets, ensure_ascii=False) + "\n",
    }


def write_normalized(
    documents: Iterable[Document], out_dir: str | os.PathLike[str], *, overwrite: bool = False
) -> list[Path]:
    """Write every document's files into `out_dir`, swapped into place whole at the end: an error or
    a kill half-way leaves `out_dir` as it was. An existing non-empty `out_dir` is replaced only
    with `overwrite`; a gold directory never (`jinbiao.gold.atomic.GoldProtectedError`)."""
    written = []
    with atomic_directory(out_dir, overwrite=overwrite) as tmp:
        for document in documents:
            for name, content in normalized_files(document).items():
                try:
                    (tmp / name).write_text(content, encoding="utf-8")
                except OSError as error:  # named as the file it would have been, not the temporary
                    where, reason = Path(out_dir) / name, error.strerror or type(error).__name__
                    raise JinbiaoError(f"{where}: cannot write ({reason}); nothing was written") from None
                written.append(Path(out_dir) / name)
    return written
