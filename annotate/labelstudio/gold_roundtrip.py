"""A gold set through Label Studio and back: push its documents with the pre-annotations it
started from, record the gold spans as an annotator's annotations, take the snapshot export and
convert it again. The result must equal the gold; the export is the gold's provenance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jinbiao.gold import AnnotationSet, Document

from .client import Connection
from .export import PullResult, convert_export
from .pull import download_snapshot
from .push import push
from .tasks import region


@dataclass
class GoldRoundTrip:
    export: list[Any]
    result: PullResult
    project_id: int

    def differences(self, gold: AnnotationSet) -> list[str]:
        """Every document whose pulled spans differ from the gold (empty when the trip is exact)."""
        candidate = self.result.candidate
        out = []
        for doc in gold:
            pulled = candidate.spans(doc.doc_id) if candidate is not None else []
            if [s.key for s in pulled] != [s.key for s in doc.spans]:
                out.append(f"document {doc.doc_id}: {len(pulled)} spans came back, the gold has {len(doc.spans)}")
        return out


def annotation_result(annotations: AnnotationSet, doc_id: str) -> list[dict[str, Any]]:
    """The gold spans of one document as Label Studio regions, as the labeling UI saves them."""
    return [region(span, f"gold{n}", origin="manual") for n, span in enumerate(annotations.spans(doc_id))]


def gold_round_trip(
    connection: Connection,
    title: str,
    documents: Sequence[Document],
    gold: AnnotationSet,
    prelabels: Sequence[AnnotationSet] = (),
) -> GoldRoundTrip:
    """Push, annotate with the gold (as the connection's user), export, convert."""
    report = push(connection, title, documents, prelabels)
    client = connection.client
    with connection.call("listing the tasks"):
        tasks = {t.data["doc_id"]: t for t in client.tasks.list(project=report.project_id, fields="all")}
    for document in documents:
        task = tasks[document.id]
        if task.annotations:
            continue  # already annotated by an earlier trip into the same project
        with connection.call(f"annotating task {task.id}"):
            client.annotations.create(id=task.id, result=annotation_result(gold, document.id), lead_time=1.0)
    export = download_snapshot(connection, report.project_id)
    return GoldRoundTrip(export, convert_export(export, policy="latest", documents=documents), report.project_id)
