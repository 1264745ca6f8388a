"""Benchmark of push and pull against a real Label Studio, with the bare SDK calls as reference,
measured in one run.

    python benchmarks/bench_studio.py [--tasks 2000] [--chars 3000] [--spans 30] [--studio-dir DIR]

Starts a temporary local studio (or uses the one in --studio-dir, left running), makes
`--tasks` documents of about `--chars` characters (cut from the seed articles) with `--spans`
predicted spans each, and times:

* push: a bare `projects.import_tasks` of the ready-made tasks into a fresh project (one call),
  against `jinbiao.annotate.labelstudio.push.push` of the same documents and predictions into another fresh
  project (building the tasks, checks, batches of 250). Each twice, best of two; ratio of
  throughputs (push / bare), to be ≥ 0.9;
* pull: in a project holding the tasks with one annotation each, a bare snapshot export
  (`exports.create` with full predictions + `exports.download`), against `pull` (the same
  export, conversion, every check, and writing the files). Best of two; ratio of times
  (pull / bare), to be ≤ 1.5.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinbiao.annotate.corpus import load_corpus
from jinbiao.annotate.labelstudio import server
from jinbiao.annotate.labelstudio.client import Connection, connect
from jinbiao.annotate.labelstudio.config import label_config_xml
from jinbiao.annotate.labelstudio.pull import ALL_ANNOTATIONS, SERIALIZATION, pull
from jinbiao.annotate.labelstudio.push import push
from jinbiao.annotate.labelstudio.tasks import build_tasks
from jinbiao.gold import LABELS, AnnotationSet, Document
from jinbiao.gold.paths import ARTICLES_DIR


def make_documents(n: int, chars: int) -> list[Document]:
    """`n` documents of `chars` characters, windows over the seed articles (real Chinese text)."""
    pool = "\n".join(d.text for d in load_corpus([ARTICLES_DIR]))
    documents = []
    for i in range(n):
        start = (i * 977) % (len(pool) - chars)
        documents.append(Document(f"bench-{i:05d}", pool[start : start + chars], source=f"bench-{i:05d}.txt"))
    return documents


def make_predictions(documents: list[Document], per_doc: int, name: str = "bench") -> AnnotationSet:
    found = AnnotationSet(name=name, kind="baseline", version="1")
    for n, document in enumerate(documents):
        step = len(document.text) // per_doc
        spans = []
        for k in range(per_doc):
            start = k * step + (n + k) % 5
            end = start + 2 + (n + k) % 4
            spans.append(document.span(start, end, LABELS[(n + k) % len(LABELS)]))
        found.add_document(document, spans)
    return found


def annotated_tasks(documents: list[Document], predictions: AnnotationSet) -> list[dict[str, Any]]:
    """Tasks with their predictions and one annotation each (the predictions, accepted)."""
    tasks = build_tasks(documents, [predictions])
    for task in tasks:
        result = [dict(region, origin="manual") for region in task["predictions"][0]["result"]]
        task["annotations"] = [{"result": result, "lead_time": 30.0}]
    return tasks


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def bare_import(connection: Connection, title: str, tasks: list[dict[str, Any]]) -> float:
    client = connection.client
    project = client.projects.create(title=title, label_config=label_config_xml())
    seconds, _ = timed(
        lambda: client.projects.import_tasks(id=project.id, request=tasks, request_options={"timeout_in_seconds": 900})
    )
    return seconds


def bare_export(connection: Connection, project_id: int) -> float:
    client = connection.client
    options = {"timeout_in_seconds": 900}

    def run() -> int:
        snapshot = client.projects.exports.create(
            id=project_id,
            title="bench",
            serialization_options=SERIALIZATION,
            annotation_filter_options=ALL_ANNOTATIONS,
            request_options=options,
        )
        while snapshot.status not in ("completed", "failed"):
            time.sleep(0.5)
            snapshot = client.projects.exports.get(id=project_id, export_pk=snapshot.id)
        data = b"".join(client.projects.exports.download(id=project_id, export_pk=snapshot.id, request_options=options))
        client.projects.exports.delete(id=project_id, export_pk=snapshot.id)
        return len(data)

    seconds, _ = timed(run)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--chars", type=int, default=3000)
    parser.add_argument("--spans", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each side; the best counts")
    parser.add_argument("--studio-dir", help="use (and leave running) the studio in this directory")
    args = parser.parse_args(argv)

    own = args.studio_dir is None
    root = Path(args.studio_dir or tempfile.mkdtemp(prefix="jinbiao-bench-studio-"))
    print(f"starting Label Studio in {root} …", file=sys.stderr)
    seconds, started = timed(lambda: server.start(root, port=8180, timeout=400))
    print(f"Label Studio up at {started.url} in {seconds:.0f} s", file=sys.stderr)
    try:
        connection = connect(started.url, server.credentials(root).token, timeout=900, interactive=False)
        documents = make_documents(args.tasks, args.chars)
        predictions = make_predictions(documents, args.spans)
        tasks = build_tasks(documents, [predictions])
        payload = len(json.dumps(tasks, ensure_ascii=False).encode()) / 1e6
        print(
            f"{len(documents)} tasks, {args.chars} characters and {args.spans} predicted spans each ({payload:.1f} MB)"
        )
        stamp = int(time.time())

        bare_times, push_times = [], []
        for run in range(args.repeat):
            bare_times.append(bare_import(connection, f"bench bare {stamp}-{run}", tasks))
            seconds, report = timed(
                lambda run=run: push(connection, f"bench push {stamp}-{run}", documents, [predictions])
            )
            assert report.tasks_created == len(documents)
            push_times.append(seconds)
            print(f"  run {run + 1}: bare import {bare_times[-1]:.1f} s, push {push_times[-1]:.1f} s", file=sys.stderr)
        bare_rate, push_rate = len(documents) / min(bare_times), len(documents) / min(push_times)

        client = connection.client
        annotated = client.projects.create(title=f"bench pull {stamp}", label_config=label_config_xml())
        client.projects.import_tasks(
            id=annotated.id,
            request=annotated_tasks(documents, predictions),
            request_options={"timeout_in_seconds": 900},
        )
        export_times, pull_times = [], []
        with tempfile.TemporaryDirectory(prefix="jinbiao-bench-pull-") as out:
            for run in range(args.repeat):
                export_times.append(bare_export(connection, annotated.id))
                seconds, report = timed(
                    lambda run=run: pull(connection, f"bench pull {stamp}", Path(out) / f"run{run}", timeout=900)
                )
                assert report.result.counts["annotations"]["written"] == len(documents) and not report.problems
                pull_times.append(seconds)
                print(
                    f"  run {run + 1}: bare export {export_times[-1]:.1f} s, pull {pull_times[-1]:.1f} s",
                    file=sys.stderr,
                )

        push_ratio = push_rate / bare_rate
        pull_ratio = min(pull_times) / min(export_times)
        print(f"push: bare import_tasks {bare_rate:.0f} tasks/s, jinbiao push {push_rate:.0f} tasks/s")
        print(f"pull: bare snapshot export + download {min(export_times):.2f} s, jinbiao pull {min(pull_times):.2f} s")
        push_verdict = "ok" if push_ratio >= 0.9 else "MISSED"
        pull_verdict = "ok" if pull_ratio <= 1.5 else "MISSED"
        print(f"push throughput ratio (push / bare): {push_ratio:.2f}  (goal ≥ 0.90) {push_verdict}")
        print(f"pull time ratio (pull / bare):       {pull_ratio:.2f}  (goal ≤ 1.50) {pull_verdict}")
    finally:
        if own:
            server.stop(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
