"""Record the Label Studio exports the unit tests read (run against a real, empty-ish server).

    JINBIAO_HOME=/tmp/record .venv/bin/jinbiao studio start --port 8100
    JINBIAO_HOME=/tmp/record .venv/bin/python tests/data/labelstudio/record_exports.py

Writes, beside this script:

* snapshot.json            `jinbiao pull`'s snapshot export: predictions, drafts, annotators in full
* ui_export.json           the UI's plain JSON export (predictions and drafts by id, annotators by id)
* ui_export_min.json       the UI's JSON_MIN export
* snapshot_problems.json   a snapshot of a project with corrupted regions and a task without text

Recorded on label-studio 1.23.2 + label-studio-sdk 2.1.2.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "integration"))

from helpers import draft, region, regions, sign_up  # noqa: E402
from label_studio_sdk import LabelStudio  # noqa: E402

from jinbiao.annotate.labelstudio import server  # noqa: E402
from jinbiao.annotate.labelstudio.client import connect  # noqa: E402
from jinbiao.annotate.labelstudio.config import label_config_xml  # noqa: E402
from jinbiao.annotate.labelstudio.pull import download_snapshot  # noqa: E402
from jinbiao.annotate.labelstudio.tasks import build_tasks  # noqa: E402
from jinbiao.gold import AnnotationSet, Document  # noqa: E402

# The two documents of the recordings (tests/annotate/labelstudio/test_ls_export.py holds the same texts).
TEXT_A = "𠮷野家在北京开店。\r\n上海的𠮷田先生说：“好。”\r\n2020年5月9日，深圳市人民政府发布通知。"
TEXT_B = "香港特别行政区政府今天宣布，3月1日起恢复通关。"


def documents() -> list[Document]:
    return [Document("doc-a", TEXT_A, source="doc-a.txt"), Document("doc-b", TEXT_B, source="doc-b.txt")]


def find(document: Document, needle: str, label: str, after: int = 0):
    start = document.text.index(needle, after)
    return document.span(start, start + len(needle), label)


def main() -> None:
    connection = connect(timeout=120)
    url = connection.url
    admin = connection.client
    admin_token = server.credentials().token
    stamp = int(time.time())
    doc_a, doc_b = documents()
    fake = AnnotationSet(name="fake", kind="baseline", version="1")
    fake.add_document(
        doc_a, [find(doc_a, "北京", "GPE"), find(doc_a, "上海", "GPE"), find(doc_a, "深圳市人民政府", "ORG")]
    )
    fake.add_document(doc_b, [find(doc_b, "香港特别行政区政府", "ORG"), find(doc_b, "3月1日", "DATE")])

    project = admin.projects.create(title=f"record {stamp}", label_config=label_config_xml())
    admin.projects.import_tasks(id=project.id, request=build_tasks([doc_a, doc_b], [fake]))
    tasks = {t.data["doc_id"]: t for t in admin.tasks.list(project=project.id, fields="all")}
    ann1 = LabelStudio(base_url=url, api_key=sign_up(url, admin_token, f"ann1.{stamp}@example.com", "pw-ann1-123456"))
    ann2_token = sign_up(url, admin_token, f"ann2.{stamp}@example.com", "pw-ann2-123456")
    ann2 = LabelStudio(base_url=url, api_key=ann2_token)

    task_a, task_b = tasks["doc-a"], tasks["doc-b"]
    prediction_a = task_a.predictions[0]
    # ann1 accepts the predictions of doc-a as they are
    ann1.annotations.create(id=task_a.id, result=prediction_a.result, parent_prediction=prediction_a.id, lead_time=4.0)
    # ann2 edits doc-a: 北京 → 北京 (kept), 上海 relabelled LOC, a span after 𠮷 and one after \r\n added
    ann2.annotations.create(
        id=task_a.id,
        result=[
            region(find(doc_a, "北京", "GPE"), "e1"),
            region(find(doc_a, "上海", "GPE"), "e2", label="LOC"),
            region(find(doc_a, "田先生", "PERSON"), "e3"),
            region(find(doc_a, "2020年5月9日", "DATE"), "e4"),
            region(find(doc_a, "深圳市", "GPE"), "e5"),
        ],
        lead_time=9.0,
    )
    # ann1 annotates doc-b; ann2 skips it; ann2 leaves a draft on doc-b
    ann1.annotations.create(
        id=task_b.id, result=regions([find(doc_b, "香港特别行政区政府", "ORG")], "b"), lead_time=3.0
    )
    ann2.annotations.create(id=task_b.id, result=[], was_cancelled=True)
    draft(url, ann2_token, task_b.id, regions([find(doc_b, "3月1日", "DATE")], "d"))
    # the admin marks a ground-truth annotation on doc-a
    admin.annotations.create(
        id=task_a.id, result=regions([find(doc_a, "北京", "GPE"), find(doc_a, "上海", "GPE")], "g"), ground_truth=True
    )

    write(HERE / "snapshot.json", download_snapshot(connection, project.id))
    plain = b"".join(admin.projects.exports.download_sync(project.id, export_type="JSON", download_all_tasks=True))
    write(HERE / "ui_export.json", json.loads(plain))
    minimal = b"".join(
        admin.projects.exports.download_sync(project.id, export_type="JSON_MIN", download_all_tasks=True)
    )
    write(HERE / "ui_export_min.json", json.loads(minimal))

    # a project with problems: corrupted regions through the API, and a task whose text was removed
    bad = admin.projects.create(title=f"record bad {stamp}", label_config=label_config_xml())
    admin.projects.import_tasks(id=bad.id, request=build_tasks([doc_a, doc_b]))
    bad_tasks = {t.data["doc_id"]: t for t in admin.tasks.list(project=bad.id)}
    good_span = find(doc_a, "北京", "GPE")
    ann1.annotations.create(
        id=bad_tasks["doc-a"].id,
        result=[
            region(good_span, "ok1"),
            region(good_span, "range1", start=len(doc_a.text) - 1, end=len(doc_a.text) + 3),
            region(find(doc_a, "上海", "GPE"), "text1", text="上海市"),
            region(find(doc_a, "深圳市人民政府", "ORG"), "label1", label="COMPANY"),
        ],
    )
    ann2.annotations.create(id=bad_tasks["doc-a"].id, result=regions([find(doc_a, "上海", "GPE")], "fine"))
    ann1.annotations.create(id=bad_tasks["doc-b"].id, result=regions([find(doc_b, "3月1日", "DATE")], "x"))
    admin.tasks.update(id=str(bad_tasks["doc-b"].id), data={"doc_id": "doc-b", "sha256": doc_b.text_sha256})
    write(HERE / "snapshot_problems.json", download_snapshot(connection, bad.id))
    print("recorded into", HERE)


def write(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
