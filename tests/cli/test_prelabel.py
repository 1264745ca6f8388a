from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from jinbiao.annotate.labelstudio.config import label_config_xml
from jinbiao.annotate.labelstudio.tasks import build_tasks, region_id
from jinbiao.baselines import get_extractor
from jinbiao.baselines.crf_model import DEFAULT_PARAMS, MissingModelError
from jinbiao.cli import main
from jinbiao.gold import LABEL_INFO, AnnotationSet, Document, JinbiaoError, Span, ValidationError, read_jsonl
from jinbiao.gold.paths import ARTICLES_DIR, DOCUMENTS_DIR, HOME_ENV
from jinbiao.pipeline import leaderboard_step, run_baselines
from jinbiao.prelabel import baseline_predictions

RULES, UNION = get_extractor("rules").origin, get_extractor("union").origin
ENSEMBLE, CRF, JIEBA = get_extractor("ensemble").origin, get_extractor("crf").origin, get_extractor("jieba").origin


def test_label_config_is_generated_from_the_schema_without_granularity():
    root = ET.fromstring(label_config_xml())
    labels = root.find("Labels")
    text = root.find("Text")
    assert labels.get("name") == "label" and labels.get("toName") == "text"
    assert [(label.get("value"), label.get("background"), label.get("hotkey")) for label in labels] == [
        (i.name, i.colour, i.hotkey) for i in LABEL_INFO
    ]
    assert text.attrib == {"name": "text", "value": "$text"}


def test_tasks_carry_text_ids_hash_and_scored_predictions(seed_documents):
    document = seed_documents["000_a6fffb90fc454c54"]
    rules = get_extractor("rules").annotate([document])
    spans = rules.documents[document.id].spans
    spans[:] = [Span(**{**span.to_dict(), "score": 0.5 if i == 0 else None}) for i, span in enumerate(spans)]
    [task] = build_tasks([document], [rules])
    assert task["data"] == {
        "text": document.text,
        "doc_id": "000_a6fffb90fc454c54",
        "source": "000_a6fffb90fc454c54.txt",
        "sha256": document.text_sha256,
    }
    [prediction] = task["predictions"]
    assert prediction["model_version"] == RULES
    regions = prediction["result"]
    assert len(regions) == len(rules.spans(document.id))
    n = len(regions)
    assert prediction["score"] == round((0.5 + (n - 1)) / n, 4)
    for region in regions:
        value = region["value"]
        assert document.text[value["start"] : value["end"]] == value["text"]
        assert region["from_name"] == "label" and region["to_name"] == "text" and region["type"] == "labels"
    assert regions[0]["score"] == 0.5 and "score" not in regions[1]
    assert regions[0]["id"] == region_id(document.id, rules.spans(document.id)[0], RULES)


def test_predictions_made_against_another_text_are_refused():
    document = Document("d", "北京市国资委")
    stale = AnnotationSet(name="rules", version="1.0")
    stale.add_document(Document("d", "北京市国资委。"), [])
    with pytest.raises(ValidationError, match="document d: predictions of rules@1.0 were made against another text"):
        build_tasks([document], [stale])


def test_prelabel_command_writes_importable_tasks(tmp_path, capsys):
    out = tmp_path / "tasks.json"
    config = tmp_path / "config.xml"
    assert main(["prelabel", "--baseline", "rules", "-o", str(out), "--config", str(config), "-q"]) == 0
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert [t["data"]["doc_id"] for t in tasks] == sorted(p.stem for p in ARTICLES_DIR.glob("*.txt"))
    assert all(t["predictions"][0]["model_version"] == RULES for t in tasks)
    assert config.read_text(encoding="utf-8") == label_config_xml()


def test_extract_command_writes_jsonl(tmp_path):
    out = tmp_path / "p.jsonl"
    assert main(["extract", "--baseline", "rules", "-o", str(out), str(ARTICLES_DIR / "000_a6fffb90fc454c54.txt")]) == 0
    [line] = out.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["doc_id"] == "000_a6fffb90fc454c54" and record["annotator"]["name"] == "rules"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["prelabel", "--baseline", "nope"], "jinbiao prelabel: error: unknown baseline 'nope'"),
        (["prelabel", "--baseline", "rules", "-q", "EMPTYDIR"], "no .txt files in this directory"),
        (["prelabel", "--baseline", "rules", "-o", "AFILE/tasks.json"], "is not a writable directory"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_output(tmp_path, capsys, argv, message):
    (tmp_path / "empty").mkdir()
    (tmp_path / "afile").write_text("", encoding="utf-8")
    argv = [str(tmp_path / "empty") if a == "EMPTYDIR" else a.replace("AFILE", str(tmp_path / "afile")) for a in argv]
    if "-o" not in argv:
        argv += ["-o", str(tmp_path / "tasks.json")]
    assert main([*argv, "--config", str(tmp_path / "c.xml")]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "tasks.json").exists() and not (tmp_path / "c.xml").exists()


@pytest.fixture
def fresh_workspace(tmp_path, monkeypatch):
    """An empty workspace, and CRF training cut short so that providing a model takes a second or two."""
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    monkeypatch.setitem(DEFAULT_PARAMS, "max_iterations", 5)
    return tmp_path / "home"


@pytest.mark.slow  # reads the MSRA corpus or trains the ensemble's CRF
def test_prelabel_provides_the_ensembles_model_once_and_says_so(tmp_path, capsys, fresh_workspace):
    argv = ["prelabel", str(ARTICLES_DIR / "000_a6fffb90fc454c54.txt"), "-o", str(tmp_path / "tasks.json"), "-q"]
    argv += ["--config", str(tmp_path / "config.xml")]
    assert main(argv) == 0
    model_dir = fresh_workspace / "models" / "crf"
    assert capsys.readouterr().err.splitlines() == [
        f"ensemble: no trained CRF model in {model_dir}; training it now from the gold in {DOCUMENTS_DIR}"
    ]
    [task] = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    assert [p["model_version"] for p in task["predictions"]] == [ENSEMBLE]
    assert main(argv) == 0
    assert capsys.readouterr().err == ""  # the saved model is loaded, silently
    assert json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8")) == [task]


@pytest.mark.slow  # trains the ensemble's CRF
def test_run_writes_every_baseline_default_first(tmp_path, capsys, fresh_workspace):
    article = str(ARTICLES_DIR / "000_a6fffb90fc454c54.txt")
    assert main(["run", article, "-o", str(tmp_path / "out"), "--no-leaderboard", "--no-serve"]) == 0
    out, err = capsys.readouterr()
    assert len(err.splitlines()) == 1 and err.startswith("ensemble: no trained CRF model in")  # crf then loads it
    tasks = json.loads((tmp_path / "out" / "tasks.json").read_text(encoding="utf-8"))
    assert [p["model_version"] for p in tasks[0]["predictions"]] == [ENSEMBLE, RULES, JIEBA, UNION, CRF]
    assert sorted(p.name for p in (tmp_path / "out" / "predictions").iterdir()) == [
        "crf.jsonl", "ensemble.jsonl", "jieba.jsonl", "rules.jsonl", "union.jsonl"
    ]  # fmt: skip
    lines = out.splitlines()
    assert lines[0].startswith("1 documents, ") and lines[0].endswith(" s") and "5 baselines" in lines[0]
    assert lines[1].split()[:3] == ["baseline", "PERSON", "ORG"] and lines[3].split()[0] == "ensemble"
    assert (
        lines[-1]
        == f"wrote {tmp_path / 'out' / 'tasks.json'}, {tmp_path / 'out' / 'label_config.xml'} and 5 prediction files"
    )


def test_run_skips_a_learned_baseline_whose_model_cannot_be_had(tmp_path, fresh_workspace):
    article = ARTICLES_DIR / "000_a6fffb90fc454c54.txt"
    result = run_baselines([article], ["crf", "ensemble"], gold_dir=tmp_path / "none", out_dir=tmp_path / "out")
    assert result.baselines == ["ensemble"] and [t.origin for t in result.report.extractors] == [f"{ENSEMBLE}-fallback"]
    assert isinstance(result.skipped["crf"], MissingModelError)
    predictions = read_jsonl(result.predictions_path("ensemble"))
    assert {s.origin for s in predictions.spans("000_a6fffb90fc454c54")} == {f"{ENSEMBLE}-fallback"}
    assert sorted(p.name for p in (tmp_path / "out" / "predictions").iterdir()) == ["ensemble.jsonl"]
    assert leaderboard_step(tmp_path / "results", gold_dir=tmp_path / "none") is None


def test_baseline_predictions_are_checked_sets_in_the_order_asked(seed_documents, fresh_workspace):
    documents = [seed_documents["000_a6fffb90fc454c54"]]
    sets = baseline_predictions(["union", "rules"], documents, say=pytest.fail)
    assert [s.origin for s in sets] == [UNION, RULES]
    assert sets[1].spans(documents[0].id) == get_extractor("rules").extract(documents[0])
    with pytest.raises(JinbiaoError, match="unknown baseline 'nope'"):
        baseline_predictions(["ensemble", "nope"], documents, say=pytest.fail)  # no model provided before the check
    assert not fresh_workspace.exists()
