"""`jinbiao prelabel`'s task file goes into Label Studio as it is, through the endpoint the
Import dialog posts to, and every prediction region arrives on the characters it names."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from helpers import Server

from jinbiao.annotate.labelstudio.config import label_config_xml
from jinbiao.cli import main


def test_the_prelabel_file_imports_unchanged(server: Server, tmp_path: Path) -> None:
    tasks_file = tmp_path / "tasks.json"
    config = tmp_path / "label_config.xml"
    assert main(["prelabel", "--baseline", "rules", "-q", "-o", str(tasks_file), "--config", str(config)]) == 0
    client = server.client()
    project = client.projects.create(title="import dialog", label_config=label_config_xml())
    with tasks_file.open("rb") as handle:  # the dialog uploads the file as multipart form data
        response = httpx.post(
            f"{server.url}/api/projects/{project.id}/import",
            headers={"Authorization": f"Token {server.credentials.token}"},
            files={"file": ("tasks.json", handle, "application/json")},
            timeout=120,
            trust_env=False,
        )
    response.raise_for_status()
    sent = {t["data"]["doc_id"]: t for t in json.loads(tasks_file.read_text(encoding="utf-8"))}
    stored = list(client.tasks.list(project=project.id, fields="all"))
    assert sorted(t.data["doc_id"] for t in stored) == sorted(sent)
    for task in stored:
        [prediction] = task.predictions
        [made] = sent[task.data["doc_id"]]["predictions"]
        assert prediction.model_version == made["model_version"] and made["model_version"].startswith("rules@")
        expected = made["result"]
        assert [r["value"] for r in prediction.result] == [r["value"] for r in expected]
        for region in prediction.result:
            value = region["value"]
            assert task.data["text"][value["start"] : value["end"]] == value["text"]
