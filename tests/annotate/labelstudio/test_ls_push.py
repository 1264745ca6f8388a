"""Push planning: which tasks and predictions a push creates, decided without a server."""

from __future__ import annotations

import pytest

from jinbiao.annotate.labelstudio.config import label_config_xml
from jinbiao.annotate.labelstudio.push import (
    ExistingTask,
    PushRefused,
    check_batch_size,
    check_inputs,
    config_labels,
    labels_in_use,
    plan_push,
)
from jinbiao.cli import main
from jinbiao.cli.errors import describe
from jinbiao.gold import LABELS, AnnotationSet, Document, JinbiaoError, ValidationError

A = Document("doc-a", "北京市国资委召开会议。")
B = Document("doc-b", "上海证券交易所今日开市。")


def baseline(name: str, version: str, documents: list[Document]) -> AnnotationSet:
    found = AnnotationSet(name=name, kind="baseline", version=version)
    for document in documents:
        found.add_document(document, [document.span(0, 2, "GPE")])
    return found


RULES = baseline("rules", "1.0", [A, B])
UNION = baseline("union", "1.0", [A, B])


def test_an_empty_project_gets_every_document_with_its_predictions() -> None:
    plan = plan_push([A, B], [RULES], [])
    assert plan.new_task_docs == ["doc-a", "doc-b"]
    assert [t["data"] for t in plan.new_tasks] == [
        {"text": A.text, "doc_id": "doc-a", "source": "", "sha256": A.text_sha256},
        {"text": B.text, "doc_id": "doc-b", "source": "", "sha256": B.text_sha256},
    ]
    assert [[p["model_version"] for p in t["predictions"]] for t in plan.new_tasks] == [["rules@1.0"], ["rules@1.0"]]
    assert plan.predictions == []


def test_pushing_again_adds_nothing() -> None:
    existing = [
        ExistingTask(1, "doc-a", A.text_sha256, frozenset({"rules@1.0"})),
        ExistingTask(2, "doc-b", B.text_sha256, frozenset({"rules@1.0"})),
    ]
    plan = plan_push([A, B], [RULES], existing)
    assert plan.new_tasks == [] and plan.predictions == []
    assert plan.unchanged == ["doc-a", "doc-b"] and plan.predictions_present == 2


def test_a_new_baseline_adds_only_its_predictions_to_the_tasks_there() -> None:
    existing = [
        ExistingTask(1, "doc-a", A.text_sha256, frozenset({"rules@1.0"})),
        ExistingTask(2, "doc-b", B.text_sha256, frozenset({"rules@1.0"})),
    ]
    plan = plan_push([A, B], [RULES, UNION], existing)
    assert plan.new_tasks == []
    assert [(p["task"], p["model_version"]) for p in plan.predictions] == [(1, "union@1.0"), (2, "union@1.0")]
    assert plan.predictions[0]["result"][0]["value"] == {"start": 0, "end": 2, "text": "北京", "labels": ["GPE"]}
    assert plan.predictions_present == 2


def test_a_changed_document_is_refused_with_its_task() -> None:
    changed = Document("doc-a", "北京市国资委召开视频会议。")
    existing = [ExistingTask(7, "doc-a", A.text_sha256), ExistingTask(8, "doc-b", B.text_sha256)]
    with pytest.raises(PushRefused) as refused:
        plan_push([changed, B], [], existing)
    problem = (
        f"1 document(s) changed since they were pushed: doc-a (task 7 has {A.text_sha256[:12]}, "
        f"now {changed.text_sha256[:12]})"
    )
    assert str(refused.value) == (
        f"{problem}; add them as new tasks (new_version=True); the old tasks and their annotations stay"
    )
    assert describe(refused.value) == (
        f"{problem}; pass --new-version to add them as new tasks (the old tasks and their annotations stay)"
    )


def test_new_version_adds_a_changed_document_as_a_new_task() -> None:
    changed = Document("doc-a", "北京市国资委召开视频会议。")
    existing = [ExistingTask(7, "doc-a", A.text_sha256), ExistingTask(8, "doc-b", B.text_sha256)]
    plan = plan_push([changed, B], [], existing, new_version=True)
    assert plan.new_task_docs == ["doc-a"] and plan.new_versions == ["doc-a"]
    assert plan.new_tasks[0]["data"]["sha256"] == changed.text_sha256
    assert plan.unchanged == ["doc-b"]
    # and once that version is there, pushing it again adds nothing
    again = plan_push([changed, B], [], [*existing, ExistingTask(9, "doc-a", changed.text_sha256)])
    assert again.new_tasks == [] and again.unchanged == ["doc-a", "doc-b"]


def test_identical_duplicate_tasks_are_reported_and_predictions_go_to_the_first() -> None:
    existing = [ExistingTask(5, "doc-a", A.text_sha256), ExistingTask(3, "doc-a", A.text_sha256)]
    plan = plan_push([A], [RULES], existing)
    assert plan.duplicate_tasks == {"doc-a": [3, 5]}
    assert [(p["task"], p["model_version"]) for p in plan.predictions] == [(3, "rules@1.0")]


def test_inputs_are_checked_before_anything_is_sent() -> None:
    with pytest.raises(ValidationError, match=r"^document doc-a: document id appears twice in the input$"):
        check_inputs([A, A], [])
    with pytest.raises(ValidationError, match=r"^two prediction sets are both named 'rules@1.0'$"):
        check_inputs([A], [RULES, RULES])
    stale = AnnotationSet(name="old", kind="baseline", version="1")
    stale.add_document(Document("doc-a", "别的文本"), [])
    with pytest.raises(ValidationError, match=r"predictions of old@1 were made against another text"):
        check_inputs([A], [stale])
    wrong = AnnotationSet(name="bad", kind="baseline", version="1")
    wrong.add_document(A, [A.span(0, 2, "GPE").with_label("NOPE")])
    with pytest.raises(ValidationError, match=r"label 'NOPE' is not in the schema"):
        check_inputs([A], [wrong])


def test_config_labels_and_labels_in_use() -> None:
    assert config_labels(label_config_xml()) == set(LABELS)
    assert config_labels("<not xml") == set()
    tasks = [
        {
            "annotations": [{"result": [{"value": {"labels": ["PRODUCT"]}}, {"value": {"labels": ["GPE"]}}]}],
            "predictions": [{"result": [{"value": {"labels": ["PRODUCT"]}}]}, 12],
            "drafts": [],
        }
    ]
    assert labels_in_use(tasks) == {"PRODUCT": 2, "GPE": 1}


def test_a_batch_size_below_one_is_refused_before_any_work(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(JinbiaoError) as refused:
        check_batch_size(0)
    assert str(refused.value) == "a batch size of 0 sends nothing; use a batch size of at least 1"
    # the command line refuses it before loading the corpus or running a baseline
    assert main(["push", "--project", "seeds", "--batch-size", "0", "--corpus", "no/such/dir"]) == 2
    assert capsys.readouterr().err == (
        "jinbiao push: error: argument --batch-size: 0 is below 1; give 1 or more (see `jinbiao push --help`)\n"
    )


def test_two_pushes_into_one_project_take_turns(tmp_path, monkeypatch) -> None:
    import threading

    from jinbiao.annotate.labelstudio.push import project_lock
    from jinbiao.gold.paths import HOME_ENV

    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    order: list[str] = []

    def second() -> None:
        with project_lock("http://127.0.0.1:8080", "新闻金标"):
            order.append("second")

    with project_lock("http://127.0.0.1:8080", "新闻金标"):
        waiting = threading.Thread(target=second)
        waiting.start()
        waiting.join(0.3)
        assert waiting.is_alive()  # the second push waits for the first
        order.append("first")
        with project_lock("http://127.0.0.1:8080", "another project"):  # other projects do not wait
            order.append("other")
    waiting.join(10)
    assert order == ["first", "other", "second"]
    assert len(list((tmp_path / "locks").glob("push-*.lock"))) == 2
