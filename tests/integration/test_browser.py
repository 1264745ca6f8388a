"""An annotator's view: headless Chromium opens every seed task and every highlighted prediction
region covers exactly the text the prediction says it covers."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from browser import launch, login
from helpers import Server

from jinbiao.annotate.labelstudio.push import push
from jinbiao.gold import AnnotationSet, Document

HIGHLIGHT_CLASS = re.compile(r"\bhtx-highlight-(\S+)-\d+\b")


def predictions(documents: list[Document]) -> AnnotationSet:
    try:
        from jinbiao.baselines import get_extractor

        return get_extractor("rules").annotate(documents)
    except ImportError:
        found = AnnotationSet(name="fake", kind="baseline", version="1")
        for document in documents:
            found.add_document(
                document, [document.span(m.start(), m.end(), "GPE") for m in re.finditer("北京|上海", document.text)]
            )
        return found


def highlighted(page: Any) -> dict[str, str]:
    """Region id → the text of its highlight spans, in document order."""
    found = page.eval_on_selector_all("span.htx-highlight", "els => els.map(e => [e.className, e.textContent])")
    texts: dict[str, list[str]] = defaultdict(list)
    for class_name, text in found:
        match = HIGHLIGHT_CLASS.search(class_name)
        assert match, class_name
        texts[match.group(1)].append(text)
    return {region: "".join(parts) for region, parts in texts.items()}


@pytest.mark.usefixtures("browser_ready")
def test_every_prediction_region_is_highlighted_over_exactly_its_text(
    server: Server, seed_documents: dict[str, Document], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    documents = list(seed_documents.values())
    predicted = predictions(documents)
    report = push(server.connection(), "browser", documents, [predicted])
    tasks = {t.data["doc_id"]: t for t in server.client().tasks.list(project=report.project_id, fields="all")}
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            login(page, server.url, server.credentials.username, server.credentials.password)
            for doc_id, task in tasks.items():
                expected = {r["id"]: r["value"]["text"] for r in task.predictions[0].result}
                page.goto(f"{server.url}/projects/{report.project_id}/data?task={task.id}")
                if expected:
                    page.wait_for_selector("span.htx-highlight", timeout=60_000)
                    page.wait_for_function(
                        "n => document.querySelectorAll('span.htx-highlight').length >= n", arg=len(expected)
                    )
                page.wait_for_timeout(500)
                page.screenshot(path=str(shots / f"{doc_id}.png"))
                assert highlighted(page) == expected, doc_id
                assert len(expected) == len(predicted.spans(doc_id))
        finally:
            browser.close()
    assert sorted(p.name for p in shots.iterdir()) == sorted(f"{d.id}.png" for d in documents)
    print(f"screenshots in {shots}")
