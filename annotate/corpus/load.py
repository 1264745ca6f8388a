"""Corpus loading: `.txt` files or directories in, normalized `Document`s out."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

from jinbiao.gold import Document, JinbiaoError, sha256_bytes
from jinbiao.gold.io import unreadable_reason

from .normalize import NormalizationConfig, Normalized, normalize


class CorpusError(JinbiaoError):
    """A source file or path that cannot be loaded; the message names it and what to do."""


class EncodingWarning(UserWarning):
    pass


def decode_source(data: bytes, path: str | os.PathLike[str]) -> str:
    """UTF-8 (BOM dropped); GB18030 only when that decodes cleanly, with a warning."""
    if b"\x00" in data:
        raise CorpusError(f"{path}: looks binary (contains NUL bytes); give a UTF-8 text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise CorpusError(
                f"{path}: not UTF-8 (bad byte at {utf8_error.start}) nor GB18030; re-save it as UTF-8"
            ) from None
        warnings.warn(f"{path}: not UTF-8, decoded as GB18030", EncodingWarning, stacklevel=2)
        return text


def source_files(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, Path]]:
    """(file, corpus root) for every `.txt` named or found in a named directory, sorted."""
    found: list[tuple[Path, Path]] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            files = []
            for file in sorted(p for p in path.rglob("*.txt") if not p.name.startswith(".")):
                if file.is_file():
                    files.append(file)
                elif not file.exists():  # a .txt link to nowhere is an article lost, not one to skip
                    raise CorpusError(f"{file}: {unreadable_reason(file)}; fix or remove the link")
            if not files:
                raise CorpusError(f"{path}: no .txt files in this directory; point at the folder of articles")
            found.extend((file, path) for file in files)
        elif path.is_file():
            found.append((path, path.parent))
        elif path.exists():
            raise CorpusError(f"{path}: not a regular file")
        else:
            raise CorpusError(f"{path}: {unreadable_reason(path)}")
    if not found:
        raise CorpusError("no input: name .txt files or directories")
    return found


def load_document(
    path: str | os.PathLike[str],
    *,
    root: str | os.PathLike[str] | None = None,
    config: NormalizationConfig | None = None,
) -> tuple[Document, Normalized]:
    """Read, decode and normalize one article; its id is the file stem."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CorpusError(f"{path}: {unreadable_reason(path, error)}") from None
    if not data.strip():
        raise CorpusError(f"{path}: empty file; remove it or add the article text")
    raw = decode_source(data, path)
    result = normalize(raw, config)
    if not result.text.strip():
        raise CorpusError(f"{path}: nothing left after normalization (only page chrome or whitespace)")
    source = path.name if root is None else os.path.relpath(path, root)
    document = Document(
        id=path.stem,
        text=result.text,
        source=Path(source).as_posix(),
        source_sha256=sha256_bytes(data),
        offsets=result.offsets,
    )
    return document, result


def load_documents(
    files: Iterable[tuple[Path, Path]], *, config: NormalizationConfig | None = None
) -> Iterator[tuple[Document, Normalized]]:
    """Each listed article (file, corpus root) normalized, with what normalization removed from it,
    one at a time; a document id met twice is refused."""
    seen: dict[str, Path] = {}
    for file, root in files:
        document, result = load_document(file, root=root, config=config)
        if document.id in seen:
            raise CorpusError(f"{file}: document id {document.id!r} is also {seen[document.id]}; rename one file")
        seen[document.id] = file
        yield document, result


def load_corpus(
    paths: Iterable[str | os.PathLike[str]], *, config: NormalizationConfig | None = None
) -> list[Document]:
    """Every article under `paths`, normalized, in file order; ids must be unique."""
    return [document for document, _ in load_documents(source_files(paths), config=config)]


def load_corpus_with_reports(
    paths: Iterable[str | os.PathLike[str]], *, config: NormalizationConfig | None = None
) -> list[tuple[Document, Normalized]]:
    return list(load_documents(source_files(paths), config=config))
