"""A pull written as it is converted: the files of an output directory, one line at a time.

`PullWriter` is the sink of `export.convert.convert_tasks` that `pull` and `pull_file` use: every
item goes straight into its file (an annotator's set, their provenance, the summary's item list)
and every candidate into ``candidate.jsonl``, so memory holds one task at a time plus a small
index per line (its document id and where it is in its file). At the end each file is put in
document order, as the sets in memory are (reviewable files). `WrittenPull` is what a pull gives
back: counts, problems and notes in memory, the sets read back from their files when asked for.
"""

from __future__ import annotations

import json
import os
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinbiao.gold import (
    AnnotationSet,
    Document,
    DocumentAnnotations,
    Span,
    read_jsonl,
    validate_spans,
    write_gold_document,
)
from jinbiao.gold.edges import has_clean_edges
from jinbiao.gold.io import annotation_set_jsonl

from .export.convert import Conversion, file_name, new_set
from .export.edges import edge_problems
from .export.records import ANNOTATION, CATEGORY_DIRS, Counts, Note, PlacedItem, Problem, TaskDocument

CANDIDATE_FILE = "candidate.jsonl"
GOLD_DIR = "gold"


class Spool:
    """The lines of one output file, written as they come; `finish` puts them in document order.
    Memory: a document id (shared with the conversion) and 12 bytes per line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._spool = path.with_name(f".{path.name}.spool")
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = open(self._spool, "wb")  # noqa: SIM115 - open until `finish`
        self._ids: list[str] = []
        self._offsets = array("Q")
        self._lengths = array("I")
        self._size = 0
        self._sorted = True

    def add(self, doc_id: str, line: str) -> None:
        data = line.encode("utf-8")
        self._handle.write(data)
        if self._ids and doc_id < self._ids[-1]:
            self._sorted = False
        self._ids.append(doc_id)
        self._offsets.append(self._size)
        self._lengths.append(len(data))
        self._size += len(data)

    def __len__(self) -> int:
        return len(self._ids)

    def finish(self) -> Path:
        """The file, its lines in document order (ties: the order they came in)."""
        self._handle.close()
        if self._sorted:
            self._spool.rename(self.path)
            return self.path
        order = sorted(range(len(self._ids)), key=self._ids.__getitem__)
        offsets, lengths = array("Q"), array("I")
        with open(self._spool, "rb") as source, open(self.path, "wb") as target:
            for n in order:
                source.seek(self._offsets[n])
                offsets.append(target.tell())
                lengths.append(self._lengths[n])
                target.write(source.read(self._lengths[n]))
        self._spool.unlink()
        self._ids = [self._ids[n] for n in order]
        self._offsets, self._lengths = offsets, lengths
        return self.path

    def discard(self) -> None:
        self._handle.close()

    def __contains__(self, doc_id: str) -> bool:
        return self._find(doc_id) is not None

    def line(self, doc_id: str) -> str:
        """The (first) line of `doc_id` in the finished file."""
        n = self._find(doc_id)
        if n is None:
            raise KeyError(doc_id)
        with open(self.path, "rb") as handle:
            handle.seek(self._offsets[n])
            return handle.read(self._lengths[n]).decode("utf-8")

    def _find(self, doc_id: str) -> int | None:
        n = bisect_left(self._ids, doc_id)
        return n if n < len(self._ids) and self._ids[n] == doc_id else None


def _lines(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\n")


def set_line(template: AnnotationSet, doc_id: str, text_sha256: str, spans: list[Any], text: str | None) -> str:
    """One document of a set as the line `jinbiao.gold.write_jsonl` writes for it, checked the same way."""
    validate_spans(text, spans, doc_id=doc_id, file=template.meta.get("file", template.name))
    one = AnnotationSet(name=template.name, kind=template.kind, version=template.version)
    one.add(DocumentAnnotations(doc_id, text_sha256, spans, text))
    return annotation_set_jsonl(one)


@dataclass
class _SetFile:
    """One set being written: its template, its lines and what the summary says of it."""

    template: AnnotationSet
    directory: str
    lines: Spool
    provenance: Spool | None = None
    spans: int = 0
    how: Counter[str] = field(default_factory=Counter)

    def entry(self) -> dict[str, Any]:
        meta = self.template.meta
        entry = {
            "name": self.template.name,
            "who": meta["who"],
            "rank": meta["rank"],
            "user_id": meta.get("user_id"),
            "file": f"{self.directory}/{meta['file']}",
            "documents": len(self.lines),
            "spans": self.spans,
        }
        if meta["category"] == ANNOTATION:
            entry["how"] = dict(sorted(self.how.items()))
            entry["provenance"] = f"provenance/{meta['file']}"
        return entry


class PullWriter:
    """Writes a conversion into `root` (see the module docstring). With `for_gold`, the candidate
    leaves out spans with whitespace or punctuation at an edge and `gold_edges` reports them."""

    def __init__(self, root: Path, *, for_gold: bool = False) -> None:
        self.root = root
        self.for_gold = for_gold
        self.sets: dict[tuple[str, str, int], _SetFile] = {}
        self.edge_count = 0  # unclean edges of submitted annotations (warnings), in `.edges.jsonl`
        self.gold_edges: list[Problem] = []  # of the candidate's items (problems on the way into gold)
        self.candidate_lines: Spool | None = None
        self.chosen = Spool(root / ".chosen.jsonl")
        self._items = open(root / ".items.jsonl", "w", encoding="utf-8")  # noqa: SIM115 - closed by `finish`
        self._edges = open(root / ".edges.jsonl", "w", encoding="utf-8")  # noqa: SIM115 - closed by `finish`
        self._candidate_template = AnnotationSet(name="candidate", kind="human")

    # ------------------------------------------------------------------------------ the sink

    def task(self, document: TaskDocument, task_id: int | None) -> None:
        pass

    def item(self, placed: PlacedItem) -> None:
        self._items.write(json.dumps(placed.to_dict(), ensure_ascii=False) + "\n")
        if not placed.written or placed.document is None or placed.rank is None:
            return
        item, document = placed.item, placed.document
        target = self._set_file(placed)
        target.lines.add(
            document.doc_id,
            set_line(target.template, document.doc_id, document.text_sha256, placed.spans, document.text),
        )
        target.spans += len(placed.spans)
        if item.kind == ANNOTATION:
            target.how.update(placed.hows)
            assert target.provenance is not None
            target.provenance.add(document.doc_id, json.dumps(placed.provenance(), ensure_ascii=False) + "\n")
            for edge in edge_problems([placed]):
                self._edges.write(json.dumps(edge.to_dict(), ensure_ascii=False) + "\n")
                self.edge_count += 1

    def candidate(self, document: TaskDocument, winner: PlacedItem, chosen: dict[str, Any]) -> None:
        spans = winner.spans
        if self.for_gold:
            self.gold_edges.extend(edge_problems([winner]))
            spans = [span for span in spans if has_clean_edges(span.text)]
        if self.candidate_lines is None:
            self.candidate_lines = Spool(self.root / CANDIDATE_FILE)
        line = set_line(self._candidate_template, document.doc_id, document.text_sha256, spans, document.text)
        self.candidate_lines.add(document.doc_id, line)
        self.chosen.add(document.doc_id, json.dumps(chosen, ensure_ascii=False) + "\n")

    def _set_file(self, placed: PlacedItem) -> _SetFile:
        item, rank = placed.item, placed.rank or 1
        key = (item.kind, item.who, rank)
        found = self.sets.get(key)
        if found is None:
            template = new_set(item.kind, item.who, rank, item.user_id)
            directory = CATEGORY_DIRS[item.kind]
            name = template.meta["file"]
            provenance = Spool(self.root / "provenance" / name) if item.kind == ANNOTATION else None
            found = self.sets[key] = _SetFile(template, directory, Spool(self.root / directory / name), provenance)
        return found

    # ------------------------------------------------------------------------------- the end

    def finish(self) -> list[Path]:
        """Every file in document order; the paths written."""
        self._items.close()
        self._edges.close()
        written = []
        for set_file in self.sets.values():
            written.append(set_file.lines.finish())
        for set_file in self.sets.values():
            if set_file.provenance is not None:
                written.append(set_file.provenance.finish())
        if self.candidate_lines is not None:
            written.append(self.candidate_lines.finish())
        self.chosen.finish()
        return written

    def discard(self) -> None:
        self._items.close()
        self._edges.close()
        for set_file in self.sets.values():
            set_file.lines.discard()
            if set_file.provenance is not None:
                set_file.provenance.discard()
        for spool in (self.candidate_lines, self.chosen):
            if spool is not None:
                spool.discard()

    def entries(self) -> dict[str, list[dict[str, Any]]]:
        """The summary's `files` entry of every set, by directory, sorted by author and rank."""
        entries: dict[str, list[dict[str, Any]]] = {directory: [] for directory in CATEGORY_DIRS.values()}
        for _, set_file in sorted(self.sets.items(), key=lambda pair: (pair[0][1], pair[0][2])):
            entries[set_file.directory].append(set_file.entry())
        return entries

    @property
    def candidate_documents(self) -> int:
        return len(self.candidate_lines) if self.candidate_lines is not None else 0

    def chosen_lines(self) -> Iterator[str]:
        """The summary's `candidate.chosen` entries, one JSON object per document, in document order."""
        if not self.chosen.path.exists():
            return
        with open(self.chosen.path, encoding="utf-8") as handle:
            for line in handle:
                yield line.rstrip("\n")

    def item_lines(self) -> Iterator[str]:
        """The summary's `items`, in export order."""
        return _lines(self.root / ".items.jsonl")

    def edge_lines(self) -> Iterator[str]:
        """The summary's `edges`, in export order."""
        return _lines(self.root / ".edges.jsonl")

    def remove_scratch(self) -> None:
        for name in (".items.jsonl", ".edges.jsonl", self.chosen.path.name):
            (self.root / name).unlink(missing_ok=True)

    def write_gold(self, documents: Iterable[Document]) -> list[Path]:
        """The candidate as gold files (`gold/<doc id>.json`), each with its document's offset map:
        one more pass over the corpus, reading each candidate line from its place in the file."""
        if self.candidate_lines is None:
            return []
        written = []
        for document in documents:
            if document.id not in self.candidate_lines:
                continue
            record = json.loads(self.candidate_lines.line(document.id))
            who = json.loads(self.chosen.line(document.id))["who"]
            spans = [Span.from_dict(span) for span in record["spans"]]
            path = self.root / GOLD_DIR / f"{document.id}.json"
            written.append(write_gold_document(path, document, spans, annotators=[who]))
        return written


# ------------------------------------------------------------------------------------ result


@dataclass
class WrittenPull:
    """What a pull wrote into `out_dir`: its counts, problems and notes, and its sets, read back
    from their files on demand (`sets`, `annotator_sets`, `annotator_set`, `candidate`, `provenance`)."""

    format: str
    policy: str
    problems: list[Problem]
    candidate_missing: dict[str, str]
    totals: Counts
    notes: list[Note]
    edge_count: int = 0  # spans of submitted annotations with whitespace or punctuation at an edge
    out_dir: Path = Path()
    files: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # directory → set entries
    candidate_file: str | None = None

    @classmethod
    def of(cls, conversion: Conversion, out_dir: Path) -> WrittenPull:
        return cls(
            conversion.format,
            conversion.policy,
            conversion.problems,
            conversion.candidate_missing,
            conversion.totals,
            conversion.notes,
            out_dir=out_dir,
        )

    @property
    def counts(self) -> dict[str, Any]:
        """The counts as summary.json has them."""
        return self.totals.to_dict()

    @property
    def edges(self) -> Iterator[Problem]:
        """The spans with whitespace or punctuation at an edge (warnings), read from summary.json."""
        import ijson

        if not self.edge_count:
            return
        with open(self.out_dir / "summary.json", "rb") as handle:
            for found in ijson.items(handle, "edges.item"):
                yield Problem(
                    found["task_id"],
                    found["reason"],
                    found["doc_id"],
                    found["item"],
                    found["item_id"],
                    found["who"],
                    found["region_id"],
                )

    def add_problem(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.totals.count_problems(self.problems)

    @property
    def reconciled(self) -> bool:
        """Every annotation of the export, and every region of a submitted one, is either written or reported."""
        return self.totals.reconciled

    @property
    def sets(self) -> dict[str, list[AnnotationSet]]:
        """Every set written, by kind (annotation, skipped, draft, prediction), read from its file."""
        return {kind: [self._read(kind, entry) for entry in self.files.get(d, [])] for kind, d in CATEGORY_DIRS.items()}

    @property
    def annotator_sets(self) -> list[AnnotationSet]:
        return [self._read(ANNOTATION, entry) for entry in self.files.get(CATEGORY_DIRS[ANNOTATION], [])]

    def annotator_set(self, who: str, rank: int = 1) -> AnnotationSet | None:
        for entry in self.files.get(CATEGORY_DIRS[ANNOTATION], []):
            if entry["who"] == who and entry["rank"] == rank:
                return self._read(ANNOTATION, entry)
        return None

    @property
    def candidate(self) -> AnnotationSet | None:
        """The gold candidate (None with the `all` policy, or when no document has one)."""
        if self.candidate_file is None:
            return None
        found = read_jsonl(self.out_dir / self.candidate_file)
        found.meta["policy"] = self.policy
        return found

    def provenance(self, who: str, rank: int = 1) -> list[dict[str, Any]]:
        """Per annotation of `who`: who made it, who last changed it, what it started from, and how
        each span came about (the lines of ``provenance/<who>.jsonl``)."""
        path = self.out_dir / "provenance" / file_name(who, rank)
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def _read(self, kind: str, entry: dict[str, Any]) -> AnnotationSet:
        found = read_jsonl(self.out_dir / entry["file"])
        found.meta.update(
            {
                "category": kind,
                "who": entry["who"],
                "rank": entry["rank"],
                "user_id": entry.get("user_id"),
                "file": os.path.basename(entry["file"]),
            }
        )
        return found


__all__ = ["PullWriter", "Spool", "WrittenPull", "set_line"]
