"""A corpus as a stream: one normalized `Document` at a time, in file order.

`load_corpus` returns every document at once; for a corpus of any size, iterate instead::

    from jinbiao.annotate.corpus.stream import open_corpus
    corpus = open_corpus(["archive/"])      # lists the files (and checks the paths) only
    print(len(corpus), "documents")
    for document in corpus:                 # read, decode and normalize one file at a time
        ...

Only the list of file names and the set of ids seen (to refuse a duplicate id) grow with the
corpus; each document's offset map is kept as runs (`jinbiao.gold.document.RunOffsets`), not as
one integer per character.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from jinbiao.gold import Document

from .load import load_documents, source_files
from .normalize import NormalizationConfig, Normalized


class CorpusStream:
    """The articles under some paths, read one at a time (see the module docstring).

    Opening lists the files and checks the paths (a missing path, an empty directory, a link to
    nowhere are `CorpusError`s at once); iterating reads, decodes and normalizes each file in turn,
    with the same checks and messages as `load_corpus`, and refuses a second document with an id
    already seen.
    """

    def __init__(self, paths: Iterable[str | os.PathLike[str]], *, config: NormalizationConfig | None = None) -> None:
        self.config = config
        self.files: list[tuple[Path, Path]] = source_files(paths)

    def __len__(self) -> int:
        return len(self.files)

    def __iter__(self) -> Iterator[Document]:
        for document, _ in self.with_reports():
            yield document

    def with_reports(self) -> Iterator[tuple[Document, Normalized]]:
        """Each document with what normalization removed from it (its `Normalized`, whose offsets
        are the document's runs)."""
        for document, result in load_documents(self.files, config=self.config):
            result.offsets = document.offsets  # type: ignore[assignment]  # the per-character map goes
            yield document, result


def open_corpus(
    paths: Iterable[str | os.PathLike[str]], *, config: NormalizationConfig | None = None
) -> CorpusStream:
    """The corpus under `paths` as a `CorpusStream`."""
    return CorpusStream(paths, config=config)


def iter_corpus(
    paths: Iterable[str | os.PathLike[str]], *, config: NormalizationConfig | None = None
) -> Iterator[Document]:
    """Every article under `paths`, normalized, one at a time in file order (`load_corpus` as a stream)."""
    return iter(CorpusStream(paths, config=config))


__all__ = ["CorpusStream", "iter_corpus", "open_corpus"]
