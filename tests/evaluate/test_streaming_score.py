"""`score_files` streams jinbiao JSONL a batch at a time and gives the very table, warnings and
errors of the whole-file path (`load_reference` + `load_predictions` + `align` + `score`)."""

from __future__ import annotations

import json
import random
import warnings
from pathlib import Path

import pandas as pd
import pytest

from jinbiao.evaluate import (
    CountAccumulator,
    MissingDocumentsWarning,
    align,
    check_not_training_data,
    count_alignment,
    load_predictions,
    load_reference,
    paired_batches,
    score,
    score_files,
)
from jinbiao.evaluate.streamed import streams
from jinbiao.gold import AnnotationSet, Document, DocumentAnnotations, Span, ValidationError, write_gold_document
from jinbiao.gold.errors import JinbiaoError

ALPHABET = "北京上海国资委企业复工租金减免银行公司市区省县"
LABELS = ("PERSON", "ORG", "GPE", "DATE", "CARDINAL")


def _text(rng: random.Random) -> str:
    paragraphs = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(5, 40))) for _ in range(rng.randint(1, 4))]
    lead = "\n" if rng.random() < 0.3 else ""  # a blank line before the first paragraph
    return lead + "\n".join(paragraphs)


def _flat(rng: random.Random, text: str) -> list[Span]:
    spans, position = [], 0
    while position < len(text) - 2:
        position += rng.randint(0, 6)
        end = position + rng.randint(1, 4)
        if end > len(text):
            break
        if "\n" not in text[position:end]:
            spans.append(Span(position, end, rng.choice(LABELS), text[position:end]))
        position = end
    return spans


def _predicted(rng: random.Random, text: str, gold: list[Span]) -> list[Span]:
    out = []
    for span in gold:
        roll = rng.random()
        start, end, label = span.start, span.end, span.label
        if roll < 0.15:
            continue  # missed
        if roll < 0.3:
            label = rng.choice(LABELS)
        elif roll < 0.45:
            end = min(len(text), end + 1)
        out.append(Span(start, end, label, text[start:end]))
    for _ in range(rng.randint(0, 3)):  # spurious, possibly overlapping
        start = rng.randrange(len(text))
        end = min(len(text), start + rng.randint(1, 3))
        if end > start:
            out.append(Span(start, end, rng.choice(LABELS), text[start:end]))
    return sorted(out, key=lambda s: (s.start, s.end, s.label))


def _record(doc_id: str, text: str | None, spans: list[Span], **extra) -> str:
    record = {"doc_id": doc_id, "spans": [s.to_dict() for s in spans], **extra}
    if text is not None:
        record["text"] = text
    return json.dumps(record, ensure_ascii=False) + "\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """40 documents: gold as JSONL and as a gold directory; predictions as JSONL in another order,
    two documents without predictions, one predicted under another id (found by its text)."""
    rng = random.Random(7)
    root = tmp_path_factory.mktemp("stream")
    gold_dir = root / "gold"
    gold_dir.mkdir()
    gold_lines, pred_lines = [], []
    for n in range(40):
        doc_id = f"doc{n:03d}"
        text = _text(rng)
        gold = _flat(rng, text)
        gold_lines.append(_record(doc_id, text, gold, annotator={"name": "gold", "kind": "human"}))
        write_gold_document(gold_dir / f"{doc_id}.json", Document(doc_id, text), gold, annotators=["t"])
        if n in (5, 17):
            continue
        pred = _predicted(rng, text, gold)
        if n == 9:
            pred_lines.append(_record("renamed-by-the-model", text, pred))
        else:
            pred_lines.append(_record(doc_id, text if n % 2 else None, pred))
    rng.shuffle(pred_lines)
    pred_lines[0] = pred_lines[0].replace('"doc_id"', '"annotator": {"name": "model", "kind": "baseline"}, "doc_id"', 1)
    (root / "gold.jsonl").write_text("".join(gold_lines), encoding="utf-8")
    (root / "pred.jsonl").write_text("".join(pred_lines), encoding="utf-8")
    return {"root": root, "gold_jsonl": root / "gold.jsonl", "gold_dir": gold_dir, "pred": root / "pred.jsonl"}


def whole_file_table(gold: Path, pred: Path, *, allow: bool = False, **options) -> pd.DataFrame:
    label_map = options.pop("label_map", None)
    extra = options.pop("extra_documents", "error")
    reference, documents = load_reference(gold, label_map=label_map)
    predictions = load_predictions(pred, documents, label_map=label_map, extra_documents=extra)
    check_not_training_data(reference, predictions, allow=allow)
    return score(align(reference, predictions, pred_file=str(pred)), **options)


CASES = [
    {"scheme": "strict"},
    {"scheme": "all", "by": "label"},
    {"scheme": ["partial", "chars"], "by": "document"},
    {"scheme": "all", "by": "label", "ci": True, "n_resamples": 200},
    {"scheme": ["strict", "chars"], "by": "label", "ci": True, "units": "paragraph", "n_resamples": 200},
    {"scheme": ["strict", "type"], "by": "document", "ci": True, "units": "paragraph", "n_resamples": 100},
    {"scheme": "exact", "by": "document", "ci": True, "n_resamples": 100, "zero_division": float("nan")},
]


@pytest.mark.parametrize("gold_kind", ["gold_jsonl", "gold_dir"])
@pytest.mark.parametrize("batch", [1, 3, 256])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_streamed_tables_equal_the_whole_file_tables(corpus, gold_kind: str, batch: int, case: int) -> None:
    options = CASES[case]
    with warnings.catch_warnings(record=True) as whole_warnings:
        warnings.simplefilter("always")
        expected = whole_file_table(corpus[gold_kind], corpus["pred"], **dict(options))
    with warnings.catch_warnings(record=True) as streamed_warnings:
        warnings.simplefilter("always")
        table = score_files(corpus[gold_kind], corpus["pred"], batch_documents=batch, show_progress=False, **options)
    pd.testing.assert_frame_equal(table, expected, check_exact=True)
    assert [str(w.message) for w in streamed_warnings] == [str(w.message) for w in whole_warnings]
    assert "2 gold document(s) without predictions, scored as all missed: doc005, doc017" in str(
        streamed_warnings[0].message
    )


def test_a_label_map_applies_to_both_sides_as_in_the_whole_file_path(corpus) -> None:
    label_map = {"CARDINAL": None, "DATE": "TIME"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingDocumentsWarning)
        expected = whole_file_table(corpus["gold_jsonl"], corpus["pred"], label_map=label_map, by="label")
        table = score_files(corpus["gold_jsonl"], corpus["pred"], label_map=label_map, by="label", batch_documents=4)
    pd.testing.assert_frame_equal(table, expected, check_exact=True)
    assert "TIME" in set(table["label"]) and "DATE" not in set(table["label"]) and "CARDINAL" not in set(table["label"])


def test_batches_hold_at_most_the_batch_size_and_every_gold_document_once(corpus) -> None:
    seen: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingDocumentsWarning)
        for gold, pred in paired_batches(corpus["gold_jsonl"], corpus["pred"], batch_documents=6, show_progress=False):
            assert 1 <= len(gold) <= 6
            assert set(pred.documents) <= set(gold.documents)
            seen += gold.doc_ids
    assert seen == [f"doc{n:03d}" for n in range(40)]


def test_counting_batch_by_batch_equals_counting_the_whole_alignment() -> None:
    rng = random.Random(3)
    gold, pred = AnnotationSet("gold"), AnnotationSet("pred")
    for n in range(25):
        text = _text(rng)
        spans = _flat(rng, text)
        gold.add(DocumentAnnotations(f"d{n}", "", spans, text))
        pred.add(DocumentAnnotations(f"d{n}", "", _predicted(rng, text, spans), text))
    schemes, units = ["strict", "partial", "chars"], ["document", "paragraph"]
    whole = count_alignment(align(gold, pred), schemes, units)
    order = list(gold.documents)
    rng.shuffle(order)
    accumulator = CountAccumulator(schemes, units)
    for start in range(0, len(order), 7):
        part = order[start : start + 7]
        accumulator.add(_subset(gold, part), _subset(pred, part))
    batched = accumulator.result()
    assert batched.doc_ids == whole.doc_ids and batched.labels == whole.labels
    for key, array in whole.counts.items():
        assert (batched.counts[key] == array).all(), key


def _subset(annotation_set: AnnotationSet, doc_ids: list[str]) -> AnnotationSet:
    out = AnnotationSet(annotation_set.name)
    for doc_id in doc_ids:
        out.add(annotation_set.documents[doc_id])
    return out


def test_a_span_before_a_documents_first_paragraph_belongs_to_that_document() -> None:
    # d2 starts with a blank line; a predicted span over it must not be counted in d1's paragraph.
    gold = {"d1": [Span(0, 2, "GPE", "北京")], "d2": []}
    pred = {"d1": [], "d2": [Span(0, 2, "GPE", "\n上")]}
    alignment = align(gold, pred, check=False)
    alignment.texts.update({"d1": "北京", "d2": "\n上海"})
    _, pred_unit, n_units = alignment.unit_index("paragraph")
    assert n_units == 2
    assert pred_unit.tolist() == [1]


def _write(root: Path, name: str, lines: list[str]) -> Path:
    path = root / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _same_error(gold: Path, pred: Path, **options) -> str:
    with pytest.raises(JinbiaoError) as whole:
        whole_file_table(gold, pred, **options)
    with pytest.raises(JinbiaoError) as streamed:
        score_files(gold, pred, show_progress=False, **options)
    assert type(streamed.value) is type(whole.value)
    assert str(streamed.value) == str(whole.value)
    return str(streamed.value)


def test_bad_predictions_are_refused_with_the_whole_file_readers_words(tmp_path: Path) -> None:
    text = "李刚在北京。"
    gold = _write(tmp_path, "gold.jsonl", [_record("d1", text, [Span(0, 2, "PERSON", "李刚")])])
    good = _record("d1", text, [Span(0, 2, "PERSON", "李刚")])
    cases = {
        "extra": [good, _record("d9", "别的文章。", [])],
        "twice": [good, good],
        "badjson": [good, "{not json\n"],
        "shape": [good, '{"doc_id": "d2"}\n'],
        "label": [_record("d1", text, [Span(0, 2, "PERSN", "李刚")])],
        "spantext": [_record("d1", text, [Span(0, 2, "PERSON", "北京")])],
        "hash": [_record("d1", None, [], text_sha256="0" * 64)],
        "trained": [_record("d1", text, [], annotator={"name": "crf", "trained_on": ["d1"]})],
    }
    messages = {name: _same_error(gold, _write(tmp_path, f"{name}.jsonl", lines)) for name, lines in cases.items()}
    assert messages["extra"] == (
        f"{tmp_path}/extra.jsonl:2: document d9: not among the reference documents, and no reference document "
        "has this text; pass the documents it annotates, or skip the others (extra_documents='ignore')"
    )
    assert (
        messages["twice"]
        == f"{tmp_path}/twice.jsonl:2: document d1: annotated twice (also at {tmp_path}/twice.jsonl:1)"
    )
    assert messages["spantext"].endswith("text does not match the document, which has '李刚' there")
    assert messages["hash"].endswith("(the annotations were made on another version of the text)")
    assert "line 2 is not valid JSON" in messages["badjson"]
    assert "lacks 'doc_id' or 'spans'" in messages["shape"]
    assert "PERSN" in messages["label"]
    assert "trained on 1 of the 1 gold documents scored (d1)" in messages["trained"]


def test_extra_documents_can_be_skipped_with_the_same_warning(tmp_path: Path) -> None:
    text = "李刚在北京。"
    gold = _write(tmp_path, "gold.jsonl", [_record("d1", text, [Span(0, 2, "PERSON", "李刚")])])
    pred = _write(tmp_path, "pred.jsonl", [_record("d9", "别的。", []), _record("d1", text, [])])
    with warnings.catch_warnings(record=True) as whole:
        warnings.simplefilter("always")
        expected = whole_file_table(gold, pred, extra_documents="ignore")
    with warnings.catch_warnings(record=True) as streamed:
        warnings.simplefilter("always")
        table = score_files(gold, pred, extra_documents="ignore", show_progress=False)
    pd.testing.assert_frame_equal(table, expected, check_exact=True)
    assert [str(w.message) for w in streamed] == [str(w.message) for w in whole]
    assert len(streamed) == 1 and "skipped 1" in str(streamed[0].message)


def test_only_line_by_line_jinbiao_jsonl_streams(tmp_path: Path, corpus) -> None:
    assert streams(corpus["pred"])
    assert not streams(corpus["pred"], offsets="raw")
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(json.loads(corpus["pred"].read_text().splitlines()[0]), indent=2), encoding="utf-8")
    assert not streams(pretty)  # one record over many lines: read whole
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingDocumentsWarning)
        table = score_files(corpus["gold_jsonl"], pretty, show_progress=False, extra_documents="ignore")
    assert int(table["support"].iloc[0]) > 0


def test_a_gold_without_texts_is_refused_as_before(tmp_path: Path) -> None:
    gold = _write(tmp_path, "gold.jsonl", [_record("d1", None, [])])
    pred = _write(tmp_path, "pred.jsonl", [_record("d1", None, [])])
    message = _same_error(gold, pred)
    assert "a gold set needs its texts" in message
    with pytest.raises(ValidationError):
        score_files(gold, pred, show_progress=False)


def test_counts_summed_while_reading_give_the_table_but_refuse_intervals_and_document_rows(corpus) -> None:
    from jinbiao.evaluate.streamed import count_files

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingDocumentsWarning)
        summed = count_files(corpus["gold_jsonl"], corpus["pred"], ["strict"], summed=True, show_progress=False)
        per_document = count_files(corpus["gold_jsonl"], corpus["pred"], ["strict"], show_progress=False)
    assert summed.scheme_counts("strict").shape == (1, len(summed.labels), 8)
    assert (summed.scheme_counts("strict")[0] == per_document.scheme_counts("strict").sum(axis=0)).all()
    pd.testing.assert_frame_equal(
        score(summed, scheme="strict", by="label"), score(per_document, scheme="strict", by="label")
    )
    for refused in ({"ci": True}, {"by": "document"}):
        with pytest.raises(ValueError, match="summed over documents: count per document for intervals or rows"):
            score(summed, scheme="strict", **refused)


def test_a_gold_document_given_twice_is_refused_as_before(tmp_path: Path) -> None:
    text = "李刚在北京。"
    record = _record("d1", text, [Span(0, 2, "PERSON", "李刚")])
    pred = _write(tmp_path, "pred.jsonl", [record])
    message = _same_error(_write(tmp_path, "gold.jsonl", [record, record]), pred)
    assert message == f"{tmp_path / 'gold.jsonl'}: document d1: document d1 appears twice in annotation set gold"
    folder = tmp_path / "gold"
    folder.mkdir()
    for name in ("a", "b"):
        write_gold_document(folder / f"{name}.json", Document("d1", text), [], annotators=["t"])
    assert _same_error(folder, pred) == f"{folder / 'b.json'}: document d1: document appears in two gold files"


def _outcome(func, *args, **options):
    """(table or error as text, warnings as text) of a call."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = func(*args, **options)
        except JinbiaoError as error:
            result = f"{type(error).__name__}: {error}"
    return result, [f"{w.category.__name__}: {w.message}" for w in caught]


T1, T2 = "李刚在北京。", "王芳去上海。"
GOOD_GOLD = [_record("d1", T1, [Span(0, 2, "PERSON", "李刚")]), _record("d2", T2, [Span(0, 2, "PERSON", "王芳")])]
OUTCOME_CASES = {
    # name: (gold lines, prediction lines or bytes, options)
    "gold labels renamed by the map": (
        [_record("d1", T1, [Span(0, 2, "PER", "李刚")])],
        [_record("d1", T1, [Span(0, 2, "PERSON", "李刚")])],
        {"label_map": {"PER": "PERSON"}},
    ),
    "gold labels dropped by the map": (
        [_record("d1", T1, [Span(0, 2, "PER", "李刚")])],
        [_record("d1", T1, [])],
        {"label_map": {"PER": None}},
    ),
    "an empty gold": ([], [_record("d1", T1, [])], {"extra_documents": "ignore"}),
    "trained_on on the first record kept": (
        GOOD_GOLD,
        [_record("x9", "别的。", []), _record("d1", T1, [], annotator={"name": "b", "trained_on": ["d1"]})],
        {"extra_documents": "ignore"},
    ),
    "a malformed record of no gold document, skipped": (
        GOOD_GOLD,
        ['{"doc_id": "x9", "spans": 5}\n', _record("d1", T1, [])],
        {"extra_documents": "ignore"},
    ),
    "the raw article under another id": (GOOD_GOLD, [_record("x1", T1 + "\n", [])], {}),
    "a raw line separator inside a string": (
        [_record("d1", "李刚\u2028在北京。", [])],
        [_record("d1", "李刚\u2028在北京。", [Span(0, 2, "PERSON", "李刚")])],
        {},
    ),
    "two bad records, the first in file order": (
        GOOD_GOLD,
        [_record("d2", T2, [Span(0, 2, "PERSN", "王芳")]), _record("d1", T1, [Span(0, 2, "ORGX", "李刚")])],
        {},
    ),
    "a bad gold span and an extra predicted document": (
        [_record("d1", T1, []), _record("d2", T2, [Span(0, 2, "PERSN", "王芳")])],
        [_record("x9", "别的。", [])],
        {},
    ),
    "a bad byte far into the predictions": (
        GOOD_GOLD,
        "".join(_record("d1" if n == 0 else f"x{n}", T1, []) for n in range(400)).encode() + b"\xff\n",
        {"extra_documents": "ignore"},
    ),
    "a BOM before the predictions": (GOOD_GOLD, b"\xef\xbb\xbf" + _record("d1", T1, []).encode(), {}),
    "skipped records, then training documents allowed": (
        GOOD_GOLD,
        [_record("x9", "别的。", [], annotator={"name": "m", "trained_on": ["d1"]}), _record("d1", T1, [])],
        {"extra_documents": "ignore", "allow_training_documents": True},
    ),
}


@pytest.mark.parametrize("case", sorted(OUTCOME_CASES))
def test_odd_and_bad_files_give_the_whole_file_outcome(tmp_path: Path, case: str) -> None:
    gold_lines, pred, options = OUTCOME_CASES[case]
    gold = _write(tmp_path, "gold.jsonl", gold_lines)
    path = tmp_path / "pred.jsonl"
    if isinstance(pred, bytes):
        path.write_bytes(pred)
    else:
        path.write_text("".join(pred), encoding="utf-8")
    allow = options.pop("allow_training_documents", False)
    expected = _outcome(whole_file_table, gold, path, allow=allow, scheme="strict", **options)
    for batch in (1, 256):
        found = _outcome(
            score_files,
            gold,
            path,
            batch_documents=batch,
            show_progress=False,
            allow_training_documents=allow,
            scheme="strict",
            **options,
        )
        if isinstance(expected[0], str):
            assert found == expected
        else:
            pd.testing.assert_frame_equal(found[0], expected[0], check_exact=True)
            assert found[1] == expected[1]


def test_the_odd_cases_say_what_they_should(tmp_path: Path) -> None:
    outcomes = {}
    for case in ("an empty gold", "the raw article under another id", "a bad byte far into the predictions"):
        gold_lines, pred, options = OUTCOME_CASES[case]
        gold = _write(tmp_path, f"{len(outcomes)}gold.jsonl", gold_lines)
        path = tmp_path / f"{len(outcomes)}pred.jsonl"
        path.write_bytes(pred if isinstance(pred, bytes) else "".join(pred).encode())
        outcomes[case] = _outcome(score_files, gold, path, show_progress=False, **dict(options))[0]
    assert outcomes["an empty gold"].endswith("0gold.jsonl: no documents in this file")
    assert (
        "its text is the raw article of document d1, not the normalized text"
        in outcomes["the raw article under another id"]
    )
    assert "not UTF-8 (invalid start byte at byte " in outcomes["a bad byte far into the predictions"]
