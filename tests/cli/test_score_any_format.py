"""`score`, `errors`, `agree`, `compare` and `convert` on the formats researchers bring, with the
traps of scoring made visible (issue 12)."""

from __future__ import annotations

import json

import pytest
from scoring_fixture import TEXT1, TEXT2, make_files, run
from seqeval.metrics import f1_score

from jinbiao.gold import AnnotationSet, Document, write_jsonl


@pytest.fixture
def files(tmp_path):
    return make_files(tmp_path)


def test_score_prints_one_concise_strict_row_by_default(files, capsys):
    code, out, _err = run(capsys, "score", "--gold", files / "gold", "--pred", files / "pred.jsonl")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[1].split()[:3] == ["strict", "4", "2"] and lines[1].split()[-1] == "0.6667"


def test_spacy_style_offsets_and_overlapping_predictions_are_scored(files, capsys):
    spans = {"text": TEXT2, "entities": [[0, 2, "PERSON"], [3, 5, "GPE"], [3, 4, "GPE"]]}
    (files / "pred.json").write_text(json.dumps([spans], ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "score", "--gold", files / "gold", "--pred", files / "pred.json", "--format",
                         "spacy-json", "--ignore-extra-documents")  # fmt: skip
    assert code == 0, err
    row = out.splitlines()[1].split()
    # d1 has no predictions (4 missed); d2: two correct, the nested GPE spurious
    assert row[:6] == ["strict", "2", "0", "0", "4", "1"]
    assert "1 gold document(s) without predictions" in err


def test_conll_predictions_score_as_seqeval_does(files, capsys):
    lines = []
    for text, tags in ((TEXT2, ["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "O"]),):
        lines += [f"{ch}\t{tag}" for ch, tag in zip(text, tags, strict=True)]
    (files / "pred.bio").write_text("-DOCSTART-\td2\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    (files / "map.json").write_text(json.dumps({"PER": "PERSON", "LOC": "GPE"}), encoding="utf-8")
    code, out, err = run(capsys, "score", "--gold", files / "gold", "--pred", files / "pred.bio", "--map-labels",
                         files / "map.json", "--to", "json")  # fmt: skip
    assert code == 0, err
    f1 = json.loads(out)[0]["f1"]
    gold_tags = [["B-PER", "I-PER", "O", "B-GPE", "I-GPE", "O"], ["B-PER", "I-PER", "O", "B-GPE", "I-GPE", "O",
                 "O", "O", "O", "B-PER", "I-PER", "O", "O", "B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "O"]]
    pred_tags = [["B-PER", "I-PER", "O", "B-GPE", "I-GPE", "O"], ["O"] * 19]
    assert f1 == pytest.approx(f1_score(gold_tags, pred_tags))


def test_a_label_map_applies_to_gold_and_predictions_alike(files, capsys):
    (files / "map.json").write_text(json.dumps({"GPE": "LOC"}), encoding="utf-8")
    code, out, err = run(capsys, "score", "--gold", files / "gold", "--pred", files / "pred.jsonl",
                         "--map-labels", files / "map.json")  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[1].split()[:3] == ["strict", "5", "1"]  # 北京 GPE/LOC now agree


def test_predictions_for_documents_outside_the_gold_need_the_explicit_option(files, capsys):
    extra = {"doc_id": "d9", "text": "赵六。", "spans": []}
    (files / "extra.jsonl").write_text(
        (files / "pred.jsonl").read_text(encoding="utf-8") + json.dumps(extra, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "score", "--gold", files / "gold", "--pred", files / "extra.jsonl")
    assert code == 2 and "d9" in err and "--ignore-extra-documents" in err
    code, out, err = run(capsys, "score", "--gold", files / "gold", "--pred", files / "extra.jsonl",
                         "--ignore-extra-documents")  # fmt: skip
    assert code == 0 and out.splitlines()[1].split()[:3] == ["strict", "4", "2"]


def test_a_model_scored_on_its_own_training_documents_is_refused_without_the_flag(files, capsys):
    records = [json.loads(line) for line in (files / "pred.jsonl").read_text(encoding="utf-8").splitlines()]
    for record in records:
        record["annotator"]["trained_on"] = ["d1", "d7"]
    (files / "trained.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    code, out, err = run(capsys, "score", "--gold", files / "gold", "--pred", files / "trained.jsonl")
    assert code == 2 and out == ""
    assert "trained on 1 of the 2 gold documents scored (d1)" in err and "--allow-training-documents" in err
    code, out, err = run(capsys, "score", "--gold", files / "gold", "--pred", files / "trained.jsonl",
                         "--allow-training-documents")  # fmt: skip
    assert code == 0 and "warning: sys: the model that made these predictions was trained on" in err


def test_intervals_over_few_documents_carry_a_caution_in_every_format(files, capsys):
    args = ["score", "--gold", files / "gold", "--pred", files / "pred.jsonl", "--ci", "--n-resamples", "50"]
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert "caution: bootstrap over only 2 documents (fewer than 20): the interval is too narrow" in out
    _, out, _ = run(capsys, *args, "--to", "json")
    assert json.loads(out)[0]["caution"].startswith("bootstrap over only 2 documents")
    _, out, _ = run(capsys, *args, "--html", files / "r.html", "--confidence", "0.9", "--units", "paragraph")
    page = (files / "r.html").read_text(encoding="utf-8")
    assert "90% bootstrap CIs over paragraphs" in page and "Caution: bootstrap over only 3 paragraphs" in page


def test_compare_gives_per_label_deltas_and_a_paired_test(files, capsys):
    d1, d2 = Document("d1", TEXT1), Document("d2", TEXT2)
    other = AnnotationSet("other", kind="baseline")
    other.add_document(d1, [d1.span(0, 2, "PERSON"), d1.span(3, 5, "GPE")])
    other.add_document(d2, [d2.span(0, 2, "PERSON")])
    write_jsonl(files / "other.jsonl", other)
    code, out, err = run(capsys, "compare", files / "pred.jsonl", files / "other.jsonl", "--gold", files / "gold",
                         "--html", files / "c.html")  # fmt: skip
    assert code == 0, err
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:9] if line.strip()}
    # A: PERSON 2 of 3 (李 cut short), ORG found; B: PERSON 2 of 2 predicted, no ORG
    assert rows["ORG"][-1] == "1.0000" and rows["PERSON"][-1] == "-0.1333"
    assert "permutation (exact) test over documents, p = " in out
    assert (files / "c.html").is_file()


def test_convert_round_trips_the_gold_through_conll(files, capsys):
    code, _, err = run(capsys, "convert", files / "gold", "-o", files / "g.bioes", "--to", "conll", "--scheme",
                       "bioes", "--gold", files / "gold")  # fmt: skip
    assert code == 0 and "wrote 6 spans in 2 documents" in err
    code, out, err = run(capsys, "score", "--gold", files / "gold", "--pred", files / "g.bioes", "--format",
                         "conll-bioes")  # fmt: skip
    assert code == 0 and out.splitlines()[1].split()[-1] == "1.0000"
    code, _, err = run(capsys, "convert", files / "gold", "-o", files / "g.bioes", "--to", "conll", "--gold",
                       files / "gold")  # fmt: skip
    assert code == 2 and "g.bioes exists; pass --overwrite to replace it" in err


def test_the_leaderboard_ranks_prediction_files_and_cautions_about_few_documents(files, capsys):
    code, out, err = run(capsys, "leaderboard", "--gold", files / "gold", "--no-baselines", "--system",
                         f"mine={files / 'pred.jsonl'}", "--system", f"gold={files / 'gold'}", "-o",
                         files / "board", "--n-resamples", "50")  # fmt: skip
    assert code == 0, err
    ranked = [line.split()[1] for line in out.splitlines()[2:4]]
    assert ranked == ["gold", "mine"]
    assert "caution: bootstrap over only 2 documents" in out
    assert "caution: with 2 documents no permutation p-value can fall below 0.5" in out
    board = json.loads((files / "board" / "leaderboard.json").read_text(encoding="utf-8"))
    assert len(board["cautions"]) == 2
    assert sorted(p.name for p in (files / "board").iterdir())[0] == "leaderboard.csv"
    code, out, err = run(capsys, "leaderboard", "--gold", files / "gold", "--no-baselines", "--system", "nameonly")
    assert code == 2 and "--system takes NAME=PATH, not 'nameonly'" in err


@pytest.mark.slow  # trains the CRF on the shipped gold
def test_scoring_a_learned_baseline_on_its_own_training_gold_is_refused(tmp_path, capsys):
    from jinbiao.gold.paths import ARTICLES_DIR, DOCUMENTS_DIR

    predictions = tmp_path / "crf.jsonl"
    code, _, err = run(capsys, "extract", ARTICLES_DIR, "--baseline", "crf", "-q", "-o", predictions)
    assert code == 0, err
    trained_on = json.loads(predictions.read_text(encoding="utf-8").splitlines()[0])["annotator"]["trained_on"]
    assert len(trained_on) == 5
    code, out, err = run(capsys, "score", "--gold", DOCUMENTS_DIR, "--pred", predictions)
    assert code == 2 and out == ""
    assert "trained on 5 of the 5 gold documents scored" in err and "--allow-training-documents" in err
