"""Character-level CoNLL: hand-checked reading and writing, errors, and seqeval on the exported BIO."""

from __future__ import annotations

import random
import warnings

import pytest
from format_helpers import DATA, keys
from seqeval.metrics import classification_report as seqeval_report
from seqeval.scheme import IOB2

from jinbiao.evaluate import align, score
from jinbiao.gold import AnnotationSet, DocumentAnnotations, JinbiaoError, Span, ValidationError
from jinbiao.gold.formats import FormatWarning, conll_text, read_conll, write_conll

NEWS_EXPECTED = {
    "news-1": [
        (0, 3, "PERSON", "李 刚"),
        (4, 10, "ORG", "北京市国资委"),
        (14, 17, "ORG", "𠮷野家"),
        (20, 22, "GPE", "上海"),
    ],
    "news-2": [(0, 9, "DATE", "二〇二二年五月九日"), (10, 13, "GPE", "濟南市")],
}


def test_reads_bio_with_docstart_ids_comments_and_a_whitespace_line(news):
    result = read_conll(DATA / "news.conll", news)
    assert keys(result) == NEWS_EXPECTED  # news-2's DOCSTART has no id: found by its characters
    assert result.meta["scheme"] == "bio"
    assert result.kind == "imported" and result.name == "news"


def test_reads_bmes_without_document_marks_cutting_the_stream_by_text(news):
    result = read_conll(DATA / "news_bmes.txt", news)
    assert keys(result) == {
        # the space of 李 刚 has no line; M- after O starts an entity, as seqeval's default mode reads it
        "news-1": [
            (0, 3, "PERSON", "李 刚"),
            (4, 7, "GPE", "北京市"),
            (14, 17, "ORG", "𠮷野家"),
            (20, 22, "GPE", "上海"),
        ],
        "news-2": [(0, 9, "DATE", "二〇二二年五月九日"), (10, 11, "GPE", "濟")],
    }
    assert result.meta["scheme"] == "bmes"


@pytest.mark.parametrize("space_line", ["\tI-PERSON", " \tI-PERSON", "  I-PERSON", "\u3000 I-PERSON"])
def test_a_line_for_the_whitespace_inside_a_name(tmp_path, news, space_line):
    lines = ["# doc_id = news-1", "李\tB-PERSON", space_line, "刚\tI-PERSON"] + [
        f"{c}\tO" for c in "在北京市国资委工作。𠮷野家😀开到上海。"
    ]
    path = tmp_path / "one.conll"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert keys(read_conll(path, news)) == {"news-1": [(0, 3, "PERSON", "李 刚")]}


@pytest.mark.parametrize("mark", ["#doc news-2", "# newdoc id = news-2", "-DOCSTART-\tnews-2", "# document_id: news-2"])
def test_document_marks_of_common_tools(tmp_path, news, mark):
    path = tmp_path / "two.conll"
    body = [f"{c}\t{'B-GPE' if c == '濟' else 'I-GPE' if c in '南市' else 'O'}" for c in news[1].text]
    path.write_text("\n".join([mark, *body]) + "\n", encoding="utf-8")
    assert keys(read_conll(path, news)) == {"news-2": [(10, 13, "GPE", "濟南市")]}


def test_a_hash_character_line_is_a_token_not_a_comment(tmp_path):
    from jinbiao.gold import Document

    document = Document("h", "#1号")
    path = tmp_path / "hash.conll"
    path.write_text("#\tB-CARDINAL\n1\tI-CARDINAL\n号\tO\n", encoding="utf-8")
    assert keys(read_conll(path, [document])) == {"h": [(0, 2, "CARDINAL", "#1")]}


def test_writes_bioes_by_hand(news, news_gold):
    subset = AnnotationSet(name="one")
    subset.add(news_gold.documents["news-1"])
    text = conll_text(subset, news[:1], scheme="bioes", document_marker="comment")
    expected = (
        "# doc_id = news-1\n"
        "李\tB-PERSON\n刚\tE-PERSON\n在\tO\n北\tB-ORG\n京\tI-ORG\n市\tI-ORG\n国\tI-ORG\n资\tI-ORG\n委\tE-ORG\n"
        "工\tO\n作\tO\n。\tO\n\n"
        "𠮷\tB-ORG\n野\tI-ORG\n家\tE-ORG\n😀\tO\n开\tO\n到\tO\n上\tB-GPE\n海\tE-GPE\n。\tO\n\n"
    )
    assert text == expected


def test_writes_docstart_lines_with_ids_and_reads_them_back(tmp_path, news, news_gold):
    path = write_conll(news_gold, news, tmp_path / "news.conll")
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[:3] == ["-DOCSTART-\tnews-1", "", "李\tB-PERSON"]
    assert "-DOCSTART-\tnews-2" in lines
    assert keys(read_conll(path, news)) == NEWS_EXPECTED


def test_overlapping_spans_cannot_be_written(news, news_gold):
    news_gold.documents["news-1"].spans.append(news[0].span(4, 7, "GPE"))
    with pytest.raises(
        ValidationError, match=r"document news-1: span \[4, 10\) ORG '北京市国资委': overlaps \[4, 7\) GPE"
    ):
        conll_text(news_gold, news)


def test_a_span_with_whitespace_at_its_edge_cannot_be_written(news):
    odd = AnnotationSet(name="odd")
    odd.add(DocumentAnnotations("news-1", news[0].text_sha256, [news[0].span(1, 3, "PERSON")], news[0].text))
    with pytest.raises(ValidationError, match="starts or ends with whitespace, which has no token in this format"):
        conll_text(odd, news)


# ------------------------------------------------------------------------------------------ errors


def _write(tmp_path, text):
    path = tmp_path / "bad.conll"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_character_that_does_not_match_names_line_and_document(tmp_path, news):
    path = _write(tmp_path, "-DOCSTART- news-1\n李\tB-PERSON\n钢\tI-PERSON\n")
    with pytest.raises(ValidationError) as caught:
        read_conll(path, news)
    assert str(caught.value) == (
        f"{path}:3: document news-1: token '钢' does not match the document, which has '刚' at offset 2 "
        "(tokens are aligned to the normalized text, skipping whitespace that has no token)"
    )


def test_a_file_that_stops_early_is_refused(tmp_path, news):
    path = _write(tmp_path, "-DOCSTART- news-1\n李\tB-PERSON\n刚\tI-PERSON\n")
    with pytest.raises(
        ValidationError, match=r"the tokens end at offset 3, 20 characters before the end of the document"
    ):
        read_conll(path, news)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("李\tPER\n", r"bad.conll:1: 'PER' is not a tag \(O, or B-/I-/E-/S-/M-/L-/U- and a label\)"),
        ("李\n", r"bad.conll:1: one column '李': expected a character and a tag"),
        ("甲\tO\n乙\tO\n", r"bad.conll:1: no reference document has these characters; pass the documents it annotates"),
    ],
)
def test_malformed_lines_are_one_line_errors(tmp_path, news, text, message):
    with pytest.raises(ValidationError, match=message):
        read_conll(_write(tmp_path, text), news)


def test_labels_outside_the_schema_are_refused_unless_any_label_is_allowed(tmp_path, news):
    path = _write(tmp_path, "#doc news-2\n" + "".join(f"{c}\t{'B-LOC' if c == '濟' else 'O'}\n" for c in news[1].text))
    with pytest.raises(ValidationError, match=r"span \[10, 11\) LOC '濟': label 'LOC' is not in the schema"):
        read_conll(path.with_name("bad.conll"), news, labels={"PERSON"})
    assert keys(read_conll(path, news, labels=None)) == {"news-2": [(10, 11, "LOC", "濟")]}


def test_documents_the_reference_lacks_are_refused_or_skipped_and_counted(tmp_path, news):
    path = _write(tmp_path, "#doc elsewhere\n甲\tO\n\n#doc news-2\n" + "".join(f"{c}\tO\n" for c in news[1].text))
    with pytest.raises(
        ValidationError,
        match="document elsewhere: not among the reference documents, and no reference document has these characters",
    ):
        read_conll(path, news)
    with pytest.warns(FormatWarning, match="skipped 1 annotations of documents not among the reference documents"):
        result = read_conll(path, news, extra_documents="ignore")
    assert keys(result) == {"news-2": []}
    assert result.meta["skipped"] == {"annotations of documents not among the reference documents": 1}


def test_raw_offsets_do_not_apply_to_conll(news):
    with pytest.raises(JinbiaoError, match="CoNLL carries no offsets"):
        read_conll(DATA / "news.conll", news, offsets="raw")


# ------------------------------------------------------------------------- seqeval on exported BIO


def _perturbed(rng: random.Random, gold: AnnotationSet, documents) -> AnnotationSet:
    labels = sorted(gold.label_counts())
    pred = AnnotationSet(name="perturbed", kind="baseline")
    for document in documents:
        spans: list[Span] = []
        for s in gold.spans(document.id):
            roll = rng.random()
            if roll < 0.5:
                spans.append(s)
            elif roll < 0.65:
                spans.append(s.with_label(rng.choice(labels)))
            elif roll < 0.8 and len(s) > 1 and not document.text[s.start + 1].isspace():
                spans.append(document.span(s.start + 1, s.end, s.label))
        taken = {i for s in spans for i in range(s.start, s.end)}
        for start in range(0, len(document.text) - 2, 37):
            window = range(start, start + 2)
            if not taken & set(window) and not any(document.text[i].isspace() for i in window):
                spans.append(document.span(start, start + 2, rng.choice(labels)))
        pred.add_document(document, spans)
    return pred


def _tags_per_document(text: str) -> dict[str, tuple[list[str], list[str]]]:
    """An independent reader of the exported file: characters and tags per DOCSTART block."""
    result: dict[str, tuple[list[str], list[str]]] = {}
    current = None
    for line in text.split("\n"):
        if line.startswith("-DOCSTART-"):
            current = line.split("\t")[1]
            result[current] = ([], [])
        elif line:
            char, tag = line.split("\t")
            result[current][0].append(char)
            result[current][1].append(tag)
    return result


@pytest.mark.parametrize("seed", range(3))
def test_seqeval_on_the_exported_bio_equals_our_strict_scores(seeds, seed):
    gold, documents = seeds
    pred = _perturbed(random.Random(seed), gold, documents)
    theirs_gold = _tags_per_document(conll_text(gold, documents))
    theirs_pred = _tags_per_document(conll_text(pred, documents))
    ids = [d.id for d in documents]
    assert all(theirs_gold[i][0] == theirs_pred[i][0] for i in ids)  # the same characters line by line
    y_true, y_pred = [theirs_gold[i][1] for i in ids], [theirs_pred[i][1] for i in ids]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reports = [
            seqeval_report(y_true, y_pred, output_dict=True, zero_division=0),
            seqeval_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0),
        ]
    ours = score(align(gold, pred), scheme="strict", by="label").set_index("label")
    assert reports[0] == reports[1]
    compared = 0
    for label, row in reports[0].items():
        assert ours.loc[label, "precision"] == pytest.approx(row["precision"]), label
        assert ours.loc[label, "recall"] == pytest.approx(row["recall"]), label
        assert ours.loc[label, "f1"] == pytest.approx(row["f1-score"]), label
        assert ours.loc[label, "support"] == row["support"], label
        compared += 1
    assert compared >= len(gold.label_counts()) + 3  # every label and the micro, macro and weighted averages
    assert 0.3 < ours.loc["micro avg", "f1"] < 0.95  # a perturbation that leaves something to get wrong
