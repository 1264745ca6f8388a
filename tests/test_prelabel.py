from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from jinbiao.annotate.labelstudio.config import label_config_xml
from jinbiao.annotate.labelstudio.tasks import build_tasks, region_id
from jinbiao.baselines import get_extractor
from jinbiao.cli import main
from jinbiao.gold import LABEL_INFO, AnnotationSet, Document, Span, ValidationError
from jinbiao.gold.paths import ARTICLES_DIR


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
    rules.documents[document.id].spans[0] = Span(**{**rules.spans(document.id)[0].to_dict(), "score": 0.5})
    [task] = build_tasks([document], [rules])
    assert task["data"] == {
        "text": document.text,
        "doc_id": "000_a6fffb90fc454c54",
        "source": "000_a6fffb90fc454c54.txt",
        "sha256": document.text_sha256,
    }
    [prediction] = task["predictions"]
    assert prediction["model_version"] == "rules@1.0"
    regions = prediction["result"]
    assert len(regions) == len(rules.spans(document.id))
    n = len(regions)
    assert prediction["score"] == round((0.5 + (n - 1)) / n, 4)
    for region in regions:
        value = region["value"]
        assert document.text[value["start"] : value["end"]] == value["text"]
        assert region["from_name"] == "label" and region["to_name"] == "text" and region["type"] == "labels"
    assert regions[0]["score"] == 0.5 and "score" not in regions[1]
    assert regions[0]["id"] == region_id(document.id, rules.spans(document.id)[0], "rules@1.0")


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
    assert all(t["predictions"][0]["model_version"] == "rules@1.0" for t in tasks)
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
