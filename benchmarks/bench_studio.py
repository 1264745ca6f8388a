"""Push and pull at scale against a real Label Studio, with the bare SDK calls as reference, measured
in one run, each in a process of its own (so that its peak memory is its own).

    python benchmarks/bench_studio.py [--tasks 20000] [--small 2000] [--chars 200] [--spans 5]
                                      [--studio-dir DIR] [--database sqlite|postgresql]

Starts a temporary local studio (or uses the running one in --studio-dir), makes `--tasks`
documents of `--chars` characters (windows over the seed articles) with `--spans` predicted spans
each, and measures:

* push: the bare SDK (`projects.import_tasks` of the ready-made tasks, 1,000 per call) against
  `jinbiao.annotate.labelstudio.push.push` of the same documents and predictions (checks, plan,
  tasks built batch by batch); throughput ratio jinbiao / SDK. Then the same push again (what an
  interrupted push does when it is run again: everything is found, nothing is sent).
* pull: in a project holding the tasks with one annotation each, the bare SDK (a snapshot export
  with full predictions, downloaded and parsed with `json.loads`, as a script would) against
  `jinbiao.annotate.labelstudio.pull.pull` (the same export streamed to disk, converted, checked
  and written); time ratio and peak resident memory of each process, and jinbiao's peak at
  `--small` tasks, to show that memory does not grow with the project (the SDK's client alone
  takes most of it).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jinbiao.annotate.corpus import load_corpus
from jinbiao.annotate.labelstudio import server
from jinbiao.annotate.labelstudio.client import Connection, connect
from jinbiao.annotate.labelstudio.config import label_config_xml
from jinbiao.annotate.labelstudio.database import DATABASES, SQLITE
from jinbiao.annotate.labelstudio.pull import ALL_ANNOTATIONS, SERIALIZATION, pull
from jinbiao.annotate.labelstudio.push import push
from jinbiao.annotate.labelstudio.tasks import build_tasks
from jinbiao.gold import LABELS, AnnotationSet, Document
from jinbiao.gold.edges import has_clean_edges
from jinbiao.gold.paths import ARTICLES_DIR

SDK_BATCH = 1000
TIMEOUT = 1800.0


def make_documents(n: int, chars: int) -> list[Document]:
    """`n` documents of `chars` characters, windows over the seed articles (real Chinese text)."""
    pool = "".join(d.text for d in load_corpus([ARTICLES_DIR])).replace("\n", "")
    documents = []
    for i in range(n):
        start = (i * 977) % (len(pool) - chars)
        documents.append(Document(f"bench-{i:05d}", pool[start : start + chars], source=f"bench-{i:05d}.txt"))
    return documents


def make_predictions(documents: list[Document], per_doc: int, name: str = "bench") -> AnnotationSet:
    """`per_doc` spans of 2 to 5 characters per document, with clean edges (no warnings)."""
    found = AnnotationSet(name=name, kind="baseline", version="1")
    for n, document in enumerate(documents):
        text, step = document.text, len(document.text) // per_doc
        spans = []
        for k in range(per_doc):
            start = k * step + (n + k) % 3
            end = min(start + 2 + (n + k) % 4, (k + 1) * step)
            while start < end - 1 and not has_clean_edges(text[start:end]):
                start, end = (start + 1, end) if not has_clean_edges(text[start]) else (start, end - 1)
            if start < end and has_clean_edges(text[start:end]):
                spans.append(document.span(start, end, LABELS[(n + k) % len(LABELS)]))
        found.add_document(document, spans)
    return found


def annotated_tasks(documents: list[Document], predictions: AnnotationSet) -> list[dict[str, Any]]:
    """Tasks with their predictions and one annotation each (the predictions, accepted)."""
    tasks = build_tasks(documents, [predictions])
    for task in tasks:
        result = [dict(region, origin="prediction") for region in task["predictions"][0]["result"]]
        task["annotations"] = [{"result": result, "lead_time": 30.0}]
    return tasks


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------ in a child process


def child(args: argparse.Namespace) -> dict[str, Any]:
    """One measured operation (`--child OP`), in a process of its own."""
    connection = connect(args.url, args.key, timeout=TIMEOUT, interactive=False)
    client = connection.client
    op, title, n = args.child, args.title, args.n
    documents = make_documents(n, args.chars) if op in ("sdk-push", "push", "prepare") else []
    predictions = make_predictions(documents, args.spans) if documents else None
    started = time.perf_counter()
    if op == "sdk-push":  # the SDK as a script would use it: the tasks built, imported 1,000 at a time
        tasks = build_tasks(documents, [predictions])
        project = client.projects.create(title=title, label_config=label_config_xml())
        for start in range(0, len(tasks), SDK_BATCH):
            client.projects.import_tasks(
                id=project.id, request=tasks[start : start + SDK_BATCH], request_options={"timeout_in_seconds": TIMEOUT}
            )
    elif op == "push":
        report = push(connection, title, documents, [predictions])
        assert report.tasks_created + report.tasks_present == n, report.lines()
        return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "created": report.tasks_created}
    elif op == "prepare":  # not measured: a project whose tasks have one annotation each
        project = client.projects.create(title=title, label_config=label_config_xml())
        tasks = annotated_tasks(documents, predictions)
        for start in range(0, len(tasks), SDK_BATCH):
            client.projects.import_tasks(
                id=project.id, request=tasks[start : start + SDK_BATCH], request_options={"timeout_in_seconds": TIMEOUT}
            )
    elif op == "sdk-pull":
        project = next(p for p in client.projects.list(title=title) if p.title == title)
        tasks = sdk_export(connection, int(project.id))
        assert len(tasks) == n
    elif op == "pull":
        report = pull(connection, title, Path(args.out), timeout=TIMEOUT)
        written = report.result.counts["annotations"]["written"]
        assert written == n and not report.problems, report.lines()
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb()}


def sdk_export(connection: Connection, project_id: int) -> list[Any]:
    """A snapshot export with full predictions, downloaded into memory and parsed."""
    client = connection.client
    options = {"timeout_in_seconds": TIMEOUT}
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
    return json.loads(data)


def measure(base: list[str], op: str, title: str, n: int, **extra: str) -> dict[str, Any]:
    argv = [*base, "--child", op, "--title", title, "--n", str(n)]
    for key, value in extra.items():
        argv += [f"--{key}", value]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{op} {title!r} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--small", type=int, default=2000, help="a smaller pull, to compare peak memory")
    parser.add_argument("--chars", type=int, default=200)
    parser.add_argument("--spans", type=int, default=5)
    parser.add_argument("--studio-dir", help="use (and leave running) the studio in this directory")
    parser.add_argument("--database", choices=DATABASES, default=SQLITE, help="for a studio started here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    for hidden in ("--url", "--key", "--title", "--out"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0

    own = args.studio_dir is None
    root = Path(args.studio_dir or tempfile.mkdtemp(prefix="jinbiao-bench-studio-"))
    print(f"starting Label Studio ({args.database}) in {root} …", file=sys.stderr)
    started_at = time.perf_counter()
    started = server.start(root, port=8180, timeout=600, database=args.database if own else None)
    print(f"Label Studio up at {started.url} in {time.perf_counter() - started_at:.0f} s", file=sys.stderr)
    try:
        base = [
            sys.executable,
            __file__,
            "--url",
            str(started.url),
            "--key",
            server.credentials(root).token,
            "--chars",
            str(args.chars),
            "--spans",
            str(args.spans),
        ]
        n, small, stamp = args.tasks, args.small, int(time.time())
        sample = make_documents(min(n, 50), args.chars)
        spans = make_predictions(sample, args.spans).span_count() / len(sample)
        print(f"{n} tasks of {args.chars} characters, {spans:.1f} predicted spans each ({args.database})")

        def step(what: str, *measured: Any) -> Any:
            print(f"  {what} …", file=sys.stderr, flush=True)
            return measure(base, *measured[:3], **(measured[3] if len(measured) > 3 else {}))

        sdk_push = step("SDK import", "sdk-push", f"bench sdk push {stamp}", n)
        our_push = step("jinbiao push", "push", f"bench push {stamp}", n)
        again = step("jinbiao push again", "push", f"bench push {stamp}", n)
        step("preparing annotated projects", "prepare", f"bench pull {stamp}", n)
        step("preparing the small one", "prepare", f"bench pull small {stamp}", small)
        with tempfile.TemporaryDirectory(prefix="jinbiao-bench-pull-") as out:
            sdk_pull = step("SDK export", "sdk-pull", f"bench pull {stamp}", n)
            our_pull = step("jinbiao pull", "pull", f"bench pull {stamp}", n, {"out": f"{out}/big"})
            small_pull = step(
                "jinbiao pull (small)", "pull", f"bench pull small {stamp}", small, {"out": f"{out}/small"}
            )

        push_ratio = (n / our_push["seconds"]) / (n / sdk_push["seconds"])
        pull_ratio = our_pull["seconds"] / sdk_pull["seconds"]
        sdk_rate, our_rate = n / sdk_push["seconds"], n / our_push["seconds"]
        print(f"push {n}: SDK import_tasks {sdk_rate:.0f} tasks/s, jinbiao push {our_rate:.0f} tasks/s")
        print(f"push again (nothing to send): {again['seconds']:.1f} s, {again['created']} tasks created")
        print(
            f"pull {n}: SDK export + json.loads {sdk_pull['seconds']:.1f} s ({n / sdk_pull['seconds']:.0f} tasks/s), "
            f"jinbiao pull {our_pull['seconds']:.1f} s ({n / our_pull['seconds']:.0f} tasks/s)"
        )
        print(
            f"peak memory: SDK push {sdk_push['peak_mb']:.0f} MB, jinbiao push {our_push['peak_mb']:.0f} MB; "
            f"SDK pull {sdk_pull['peak_mb']:.0f} MB, jinbiao pull {our_pull['peak_mb']:.0f} MB "
            f"({small_pull['peak_mb']:.0f} MB at {small} tasks)"
        )
        growth = our_pull["peak_mb"] / small_pull["peak_mb"]
        verdict = {True: "ok", False: "MISSED"}
        print(f"push throughput ratio (jinbiao / SDK): {push_ratio:.2f}  (goal ≥ 0.90) {verdict[push_ratio >= 0.9]}")
        print(f"pull time ratio (jinbiao / SDK):       {pull_ratio:.2f}  (goal ≤ 1.50) {verdict[pull_ratio <= 1.5]}")
        print(f"pull peak memory, {n} / {small} tasks: {growth:.2f}  (goal ≤ 1.20) {verdict[growth <= 1.2]}")
    finally:
        if own:
            server.stop(root)
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
