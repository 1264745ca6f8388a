"""gold -> every format -> back: identical on the five seeds and the hand-made documents (𠮷, emoji,
whitespace inside names, Traditional text), and the format detected from what was written."""

from __future__ import annotations

import pytest
from format_helpers import keys, news_documents, news_gold_set

from jinbiao.gold import AnnotationSet, Span
from jinbiao.gold.formats import FORMATS, detect_format, read_annotations_any, write_annotations

SUFFIX = {
    "jinbiao": ".jsonl",
    "conll": ".conll",
    "conll-bioes": ".bioes",
    "conll-bmes": ".bmes",
    "conll-bilou": ".bilou",
    "hf-pipeline": ".json",
    "hf-datasets": ".jsonl",
    "spacy-json": ".jsonl",
    "spacy": ".spacy",
    "brat": "",
    "doccano": ".jsonl",
    "prodigy": ".jsonl",
}
WRITABLE = [name for name in FORMATS if name not in ("gold", "label-studio")]
OVERLAPPING = ["jinbiao", "hf-pipeline", "spacy-json", "brat", "doccano", "prodigy", "spacy"]
KEEPS_SCORES = ["jinbiao", "hf-pipeline"]


def test_every_writable_format_has_a_case():
    assert sorted(WRITABLE) == sorted(SUFFIX)


@pytest.fixture(scope="module")
def everything() -> tuple[AnnotationSet, list]:
    from jinbiao.gold import load_gold
    from jinbiao.gold.paths import DOCUMENTS_DIR

    gold, documents = load_gold(DOCUMENTS_DIR)
    news = news_documents()
    for doc in news_gold_set(news):
        gold.add(doc)
    return gold, documents + news


@pytest.mark.parametrize("name", WRITABLE)
def test_gold_round_trip(tmp_path, everything, name):
    if name == "spacy":
        pytest.importorskip("spacy")
    gold, documents = everything
    path = write_annotations(gold, documents, tmp_path / f"out{SUFFIX[name]}", name)
    assert detect_format(path) == name
    back = read_annotations_any(path, documents)
    assert list(back.documents) == [d.id for d in documents]
    assert keys(back) == keys(gold)
    assert back.span_count() == 757 + 6


@pytest.mark.parametrize("name", OVERLAPPING)
def test_overlapping_predictions_round_trip(tmp_path, everything, name):
    if name == "spacy":
        pytest.importorskip("spacy")
    gold, documents = everything
    predictions = AnnotationSet(name="model", kind="baseline")
    for document in documents:
        spans = [Span(s.start, s.end, s.label, s.text, score=0.5) for s in gold.spans(document.id)]
        shorter = [document.span(s.start, s.end - 1, "CARDINAL", score=0.25) for s in spans if len(s) > 1]
        spans += [s for s in shorter if not s.text[-1].isspace()][:20]  # spaCy cannot end a span on a space
        predictions.add_document(document, spans)
    options = {"spans_key": "sc"} if name == "spacy" else {}
    path = write_annotations(predictions, documents, tmp_path / f"pred{SUFFIX[name]}", name, **options)
    back = read_annotations_any(path, documents, name, **options)
    assert keys(back) == keys(predictions)
    if name in KEEPS_SCORES:
        assert {s.score for doc in back for s in doc.spans} == {0.5, 0.25}


@pytest.mark.parametrize("marker", ["comment", None])
def test_conll_without_docstart_lines_round_trips_by_id_or_by_text(tmp_path, everything, marker):
    gold, documents = everything
    path = write_annotations(gold, documents, tmp_path / "out.conll", "conll", document_marker=marker)
    assert path.read_text(encoding="utf-8").startswith("# doc_id = 000_" if marker else "北\tB-GPE\n")
    assert keys(read_annotations_any(path, documents)) == keys(gold)


def test_writing_jinbiao_jsonl_keeps_the_documents_a_model_was_trained_on(tmp_path, everything):
    gold, documents = everything
    model = AnnotationSet(name="crf", kind="baseline", version="3", meta={"trained_on": ["b", "a"]})
    for doc in gold:
        model.add(doc)
    back = read_annotations_any(write_annotations(model, documents, tmp_path / "crf.jsonl", "jinbiao"), documents)
    assert (back.name, back.kind, back.version) == ("crf", "baseline", "3")
    assert back.meta["trained_on"] == ["a", "b"]
