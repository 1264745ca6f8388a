"""Two small gold documents and a prediction file, shared by the scoring command tests."""

from __future__ import annotations

from pathlib import Path

from jinbiao.cli import main
from jinbiao.gold import AnnotationSet, Document, write_gold_document, write_jsonl

TEXT1 = "张三在北京工作。\n李四去了上海市政府开会。"
TEXT2 = "王五在广州。"


def make_files(root: Path) -> Path:
    """gold/ (6 spans in d1, d2) and pred.jsonl (4 strict matches, 1 wrong label, 1 cut short)."""
    d1, d2 = Document("d1", TEXT1), Document("d2", TEXT2)
    gold = root / "gold"
    write_gold_document(
        gold / "d1.json",
        d1,
        [d1.span(0, 2, "PERSON"), d1.span(3, 5, "GPE"), d1.span(9, 11, "PERSON"), d1.span(13, 18, "ORG")],
    )
    write_gold_document(gold / "d2.json", d2, [d2.span(0, 2, "PERSON"), d2.span(3, 5, "GPE")])
    pred = AnnotationSet("sys", kind="baseline", version="1")
    pred.add_document(
        d1, [d1.span(0, 2, "PERSON"), d1.span(3, 5, "LOC"), d1.span(9, 10, "PERSON"), d1.span(13, 18, "ORG")]
    )
    pred.add_document(d2, [d2.span(0, 2, "PERSON"), d2.span(3, 5, "GPE")])
    write_jsonl(root / "pred.jsonl", pred)
    return root


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err
