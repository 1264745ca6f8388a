"""Reports: classification_report, text / CSV / JSON / Markdown tables, HTML, PNG plots."""

from __future__ import annotations

import base64
import json
import re

import pandas as pd
import pytest
from evaluate_helpers import TEXT, sp

from jinbiao.evaluate import (
    align,
    classification_report,
    html_report,
    leaderboard,
    plot_label_f1,
    plot_precision_recall,
    render,
    score,
    write_leaderboard,
)
from jinbiao.gold import LABEL_BY_NAME, AnnotationSet, DocumentAnnotations, JinbiaoError

GOLD = {"d": [sp(0, 2, "PERSON"), sp(3, 5, "PERSON"), sp(6, 8, "ORG")]}
PRED = {"d": [sp(0, 2, "PERSON"), sp(6, 8, "GPE")]}


def test_classification_report_layout_and_figures():
    report = classification_report(GOLD, PRED, digits=2)
    lines = report.splitlines()
    assert lines[0].split() == ["precision", "recall", "f1-score", "support"]
    rows = {line[:12].strip(): line[12:].split() for line in lines[2:] if line.strip()}
    assert rows["PERSON"] == ["1.00", "0.50", "0.67", "2"]
    assert rows["GPE"] == ["0.00", "0.00", "0.00", "0"]
    assert rows["micro avg"] == ["0.50", "0.33", "0.40", "3"]
    as_dict = classification_report(GOLD, PRED, output_dict=True)
    assert as_dict["PERSON"]["recall"] == 0.5 and as_dict["macro avg"]["support"] == 3


def test_labels_parameter_fixes_rows():
    table = score(GOLD, PRED, scheme="strict", by="label", labels=["PERSON", "LAW"])
    assert table["label"].tolist() == ["PERSON", "LAW", "micro avg", "macro avg", "weighted avg"]
    assert table.set_index("label").loc["LAW", "support"] == 0
    # the micro average over the chosen labels only
    assert table.set_index("label").loc["micro avg", "precision"] == 1.0


@pytest.mark.parametrize("fmt", ["text", "csv", "json", "markdown"])
def test_render_formats(fmt):
    table = score(GOLD, PRED, scheme="strict")
    out = render(table, fmt)
    if fmt == "json":
        assert json.loads(out)[0]["f1"] == pytest.approx(0.4)
    elif fmt == "csv":
        assert out.splitlines()[0].startswith("scheme,correct,")
    elif fmt == "markdown":
        assert out.splitlines()[1].startswith("|---|")
    else:
        assert "0.4000" in out
    with pytest.raises(JinbiaoError):
        render(table, "xml")


def test_html_report_is_self_contained_and_escaped():
    text = "<b>张三</b>&李四" + TEXT[:10]
    gold = AnnotationSet("gold")
    gold.add(DocumentAnnotations("d<1>", "", [sp(3, 5, "PERSON", text), sp(10, 12, "ORG", text)], text))
    pred = {"d<1>": [sp(3, 5, "PERSON", text), sp(13, 14, "GPE", text)]}
    alignment = align(gold, pred)
    png = plot_label_f1(score(alignment, scheme="strict", by="label").assign(system="x"))
    page = html_report(
        title="t <x>", tables=[("scores", score(alignment))], images=[("plot", png)], alignment=alignment
    )
    assert "<b>张三</b>" not in page and "&lt;b&gt;" in page and "&amp;" in page
    assert "d&lt;1&gt;" in page and "t &lt;x&gt;" in page
    assert LABEL_BY_NAME["PERSON"].colour in page and LABEL_BY_NAME["ORG"].colour in page
    assert page.count('class="fn"') == 1 and page.count('class="fp"') == 1  # ORG missed, GPE spurious
    assert 'src="http' not in page and "<script" not in page
    data = re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(data).startswith(b"\x89PNG")


def test_plots_are_png():
    table = pd.DataFrame(
        {
            "system": ["a", "b"],
            "precision": [0.5, 0.7],
            "recall": [0.6, 0.4],
            "precision_low": [0.4, 0.6],
            "precision_high": [0.6, 0.8],
            "recall_low": [0.5, 0.3],
            "recall_high": [0.7, 0.5],
        }
    )
    assert plot_precision_recall(table).startswith(b"\x89PNG")


def test_leaderboard_ranks_tests_and_writes(tmp_path):
    gold = {f"d{i}": [sp(j * 5, j * 5 + 2, "PERSON") for j in range(8)] for i in range(6)}
    perfect = gold
    half = {d: v[::2] for d, v in gold.items()}
    board = leaderboard(gold, {"half": half, "perfect": perfect}, n_resamples=200, seed=0)
    assert board.table["system"].tolist() == ["perfect", "half"]
    assert board.best == "perfect"
    assert pd.isna(board.table.loc[0, "p_vs_best"]) and board.table.loc[1, "p_vs_best"] < 0.05
    assert board.table.loc[1, "f1"] == pytest.approx(2 / 3)
    assert set(board.schemes.columns) == {"system", "f1_strict", "f1_exact", "f1_partial", "f1_type", "f1_chars"}
    paths = write_leaderboard(board, tmp_path)
    names = sorted(p.name for p in paths)
    assert names == sorted(
        [
            "leaderboard.md",
            "leaderboard.csv",
            "leaderboard.json",
            "leaderboard.html",
            "leaderboard_f1_per_label.png",
            "leaderboard_precision_recall.png",
        ]
    )
    assert "| 1 | perfect |" in (tmp_path / "leaderboard.md").read_text()
    assert "perfect" in board.summary()
