"""The CRF: features, tags, training on a tiny set, model files, staleness, the train command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiny_corpus import FAST, TINY, tiny_documents, tiny_gold, write_tiny_gold

from jinbiao.baselines import get_extractor
from jinbiao.baselines.crf import CRFExtractor, clear_fit_cache, train_crf
from jinbiao.baselines.crf_features import (
    FeatureConfig,
    char_type,
    jieba_words,
    rule_spans,
    sentence_bounds,
    text_features,
)
from jinbiao.baselines.crf_model import (
    META_FILE,
    MODEL_FILE,
    MissingModelError,
    ModelNotLoadedError,
    StaleModelError,
    default_model_dir,
    training_hash,
)
from jinbiao.baselines.crf_tags import spans_to_tags, tags_to_spans
from jinbiao.cli import main
from jinbiao.cli.errors import describe
from jinbiao.gold import LABEL_SET, Document, JinbiaoError, validate_spans
from jinbiao.gold.edges import has_clean_edges
from jinbiao.gold.errors import Remedy
from jinbiao.gold.paths import HOME_ENV
from jinbiao.leaderboard import cross_validated


@pytest.fixture(scope="module")
def tiny_model() -> CRFExtractor:
    documents = tiny_documents()
    return CRFExtractor(params=FAST, outside=0).fit(documents, tiny_gold(documents))


@pytest.fixture
def model_dir(tmp_path, monkeypatch) -> Path:
    """An empty workspace, so no test touches the project's own model."""
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    return tmp_path / "home" / "models" / "crf"


# ------------------------------------------------------------------------------------ features


def test_character_features_of_a_tiny_text():
    rows = [list(row) for row in text_features("北京5\n", FeatureConfig(("chars", "types")))]
    assert len(rows) == 4
    assert rows[0] == [
        "b",
        "c-2=^2",
        "c-1=^1",
        "c0=北",
        "c1=京",
        "c2=5",
        "c-2-1=^2^1",
        "c-10=^1北",
        "c01=北京",
        "c12=京5",
        "c-11=^1京",
        "t-1=^",
        "t0=H",
        "t1=H",
        "tp=^^HHD",
    ]
    assert rows[2][3] == "c0=5" and rows[2][5] == "c2=$1" and rows[2][-1] == "tp=HHDS$"
    assert rows[3][3] == "c0=␣"  # whitespace and control characters show as one placeholder
    assert [char_type(c) for c in "京5两A，\u00a0"] == ["H", "D", "N", "L", "P", "S"]


def test_jieba_rules_and_gazetteer_features():
    text = "岳长海在北京5月9日"
    assert list(jieba_words(text)[:4]) == [
        (0, 1, "岳", "nr"),
        (1, 3, "长海", "ns"),
        (3, 4, "在", "p"),
        (4, 6, "北京", "ns"),
    ]
    assert jieba_words("随后，潘秀坤全程指导")[2] == (3, 6, "潘秀坤", "oov")  # an HMM word the dictionary lacks
    rows = [list(row) for row in text_features(text, FeatureConfig(("jieba", "rules", "gazetteer")))]
    assert rows[0][:5] == ["b", "jp=Snr", "jw=岳", "jt-1=^", "jt1=ns"]
    assert rows[4][:5] == ["b", "jp=Bns", "jw=北京", "jt-1=p", "jt1=x"]
    assert rule_spans(text) == ((6, 10, "DATE"),)
    assert rows[6][5:8] == ["r0=B-DATE", "r-1=O", "r1=I-DATE"] and rows[9][5] == "r0=I-DATE"
    assert rows[4][8:] == ["g0=B-GPE", "g-1=O", "g1=I-GPE", "h0=O", "h-1=O", "h1=O", "sn=0"]
    assert rows[0][-1] == "sn=1"
    heads = [list(row) for row in text_features("北京市国资委", FeatureConfig(("gazetteer",)))]
    assert [row[4] for row in heads] == ["h0=O", "h0=O", "h0=O", "h0=B-ORGH", "h0=I-ORGH", "h0=I-ORGH"]


def test_every_character_gets_the_same_number_of_features():
    text = "濟南市國資委\n2月20日，88.06%的企业复工。"
    crf = CRFExtractor()
    crf.name_tagger()
    rows = crf.features_of(text)
    assert len(rows) == len(text) and len({len(r) for r in rows}) == 1


def test_sentence_bounds_cut_lines_and_sentences():
    assert sentence_bounds("甲。乙\n\n丙 ") == [(0, 2), (2, 3), (5, 7)]
    assert sentence_bounds("\n \n") == []


def test_feature_config_ids_round_trip():
    config = FeatureConfig(("rules", "chars"))
    assert config.groups == ("chars", "rules")
    assert FeatureConfig.from_id(config.id) == config
    assert FeatureConfig().without("jieba").groups == ("chars", "rules", "gazetteer", "names")
    with pytest.raises(ValueError, match="unknown feature groups"):
        FeatureConfig(("nope",))


# ---------------------------------------------------------------------------------------- tags


def test_spans_to_tags_bio_and_bies():
    spans = [(0, 2, "GPE"), (3, 4, "DATE")]
    assert spans_to_tags(5, spans) == ["B-GPE", "I-GPE", "O", "B-DATE", "O"]
    assert spans_to_tags(5, spans, "BIES") == ["B-GPE", "E-GPE", "O", "S-DATE", "O"]
    with pytest.raises(ValueError, match="overlaps"):
        spans_to_tags(5, [(0, 3, "ORG"), (2, 4, "GPE")])


def test_tags_to_spans_decodes_leniently():
    assert tags_to_spans(["B-GPE", "I-GPE", "O", "B-DATE", "O"]) == [(0, 2, "GPE"), (3, 4, "DATE")]
    assert tags_to_spans(["B-GPE", "E-GPE", "O", "S-DATE", "O"]) == [(0, 2, "GPE"), (3, 4, "DATE")]
    # an I- that continues nothing opens a span; a label change closes one
    assert tags_to_spans(["I-ORG", "I-ORG", "I-GPE", "B-GPE", "I-GPE"]) == [
        (0, 2, "ORG"),
        (2, 3, "GPE"),
        (3, 5, "GPE"),
    ]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 2), st.sampled_from(["ORG", "GPE"])), max_size=6))
def test_tags_round_trip(pieces):
    spans, position = [], 0
    for length, gap, label in pieces:
        position += gap
        spans.append((position, position + length, label))
        position += length
    for scheme in ("BIO", "BIES"):
        assert tags_to_spans(spans_to_tags(position + 1, spans, scheme)) == spans


# ------------------------------------------------------------------------------------ training


def test_a_model_trained_on_a_tiny_set_predicts_its_training_sentences(tiny_model):
    for document in tiny_documents():
        spans = tiny_model.extract(document)
        assert [s.key for s in spans] == [(s, e, label) for s, e, label in TINY[document.id][1]]
        assert all(0.0 < s.score <= 1.0 and s.origin == "crf@" + tiny_model.version for s in spans)


def test_traditional_text_is_tagged_on_its_simplified_view(tiny_model):
    document = Document("tw", "華夏銀行在朝陽區設立18個網點。")
    assert [(s.text, s.label) for s in tiny_model.extract(document)] == [
        ("華夏銀行", "ORG"),
        ("朝陽區", "GPE"),
        ("18", "CARDINAL"),
    ]


def test_training_is_deterministic_and_trained_once_per_process():
    documents = tiny_documents()
    clear_fit_cache()
    a = CRFExtractor(params=FAST, outside=0).fit(documents, tiny_gold(documents))
    clear_fit_cache()
    b = CRFExtractor(params=FAST, outside=0).fit(documents, tiny_gold(documents))
    assert a._model == b._model
    c = CRFExtractor(params=FAST, outside=0).fit(documents, tiny_gold(documents))  # from the cache
    assert c._model == a._model and c.meta == b.meta and c.meta is not b.meta
    other = CRFExtractor(params={"max_iterations": 30}, outside=0).fit(documents, tiny_gold(documents))
    assert other._model != a._model


def test_training_refuses_a_document_without_gold_or_with_another_text():
    documents = tiny_documents()
    gold = tiny_gold(documents[:1])
    with pytest.raises(JinbiaoError, match="no gold annotations"):
        CRFExtractor(params=FAST, outside=0).fit(documents, gold)
    changed = [Document("t1", TINY["t1"][0] + "！")]
    with pytest.raises(JinbiaoError, match="another text"):
        CRFExtractor(params=FAST, outside=0).fit(changed, tiny_gold(tiny_documents()[:1]))


TEXT_PIECES = st.sampled_from(
    ["北京市国资委", "岳长海", "5月9日", "华夏银行", "，", "。", "“", "”", "\n", " ", "\u00a0", "(", ")", "𠮷", "18"]
)


@settings(max_examples=40, deadline=None)
@given(st.lists(TEXT_PIECES, max_size=25))
def test_outputs_obey_the_contract_on_generated_text(tiny_model, pieces):
    document = Document("g", "".join(pieces))
    spans = tiny_model.extract(document)
    validate_spans(document.text, spans, doc_id="g")
    for span in spans:
        assert span.label in LABEL_SET and 0.0 < span.score <= 1.0
        assert has_clean_edges(span.text)  # what the gold lint accepts: one edge rule (jinbiao.gold.edges)


# ------------------------------------------------------------------------- model files, staleness


def test_the_registry_gives_an_untrained_crf_that_extracts_only_once_it_has_a_model(model_dir, tiny_model):
    extractor = get_extractor("crf")
    assert extractor.trainable and not extractor.is_trained
    with pytest.raises(ModelNotLoadedError, match="the CRF has no model: load a saved one"):
        extractor.extract(Document("x", "北京"))
    assert not model_dir.exists()  # extracting never loads, trains or writes a model
    tiny_model.save()
    assert default_model_dir() == model_dir and (model_dir / MODEL_FILE).is_file()
    with pytest.raises(ModelNotLoadedError):
        extractor.extract(Document("x", "北京"))  # a saved model is read only when asked to
    document = tiny_documents()[1]
    assert extractor.load_saved(gold_dir=None).extract(document) == tiny_model.extract(document)
    documents = tiny_documents()
    assert get_extractor("crf").fit(documents, tiny_gold(documents)).is_trained  # no model needed to fit


def test_save_and_load_round_trip(tiny_model, tmp_path):
    tiny_model.save(tmp_path / "m", gold_dir="somewhere")
    meta = json.loads((tmp_path / "m" / META_FILE).read_text(encoding="utf-8"))
    assert meta["training_hash"] == training_hash(tiny_gold(tiny_documents()))
    assert meta["feature_set"] == tiny_model.feature_config.id and meta["crf_version"] == tiny_model.version
    assert meta["documents"] == ["t1", "t2", "t3"] and meta["gold_dir"] == "somewhere"
    loaded = CRFExtractor.load(tmp_path / "m", gold_dir=None)
    document = tiny_documents()[0]
    assert loaded.extract(document) == tiny_model.extract(document)
    assert [s.score for s in loaded.extract(document)] == [s.score for s in tiny_model.extract(document)]


def test_a_model_trained_on_other_gold_is_stale(tiny_model, tmp_path):
    tiny_model.save(tmp_path / "m")
    gold_dir = write_tiny_gold(tmp_path / "gold", drop_last_span_of="t2")
    with pytest.raises(StaleModelError) as caught:
        CRFExtractor.load(tmp_path / "m", gold_dir=gold_dir)
    error = caught.value
    assert error.problem.startswith(f"CRF model in {tmp_path / 'm'} was trained on other gold (training hash ")
    assert error.remedy is Remedy.TRAIN_MODEL
    assert (error.context["gold_dir"], error.context["model_dir"]) == (str(gold_dir), str(tmp_path / "m"))
    assert str(error).endswith(f"train it: jinbiao.baselines.crf.train_crf(gold_dir={str(gold_dir)!r}, "
                               f"model_dir={str(tmp_path / 'm')!r})")  # fmt: skip
    message = describe(error)
    assert "\n" not in message and "--" not in error.problem
    assert message.endswith(f"; train it with `jinbiao train --gold {gold_dir} --model-dir {tmp_path / 'm'}`")
    same_gold = write_tiny_gold(tmp_path / "same")
    assert CRFExtractor.load(tmp_path / "m", gold_dir=same_gold).is_trained


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("crf_version", "0.1", "was made by crf 0.1"),
        ("feature_set", "v0:chars", "uses features v0:chars"),
        ("format", "other/9", "was made by crf"),
    ],
)
def test_a_model_made_by_other_code_is_stale(tiny_model, tmp_path, field, value, expected):
    tiny_model.save(tmp_path / "m")
    meta_path = tmp_path / "m" / META_FILE
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta[field] = value
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(StaleModelError, match=f"{expected}.*train it: jinbiao.baselines.crf.train_crf"):
        CRFExtractor.load(tmp_path / "m", gold_dir=None)


def test_missing_and_unreadable_models(tmp_path, model_dir):
    with pytest.raises(MissingModelError) as caught:
        CRFExtractor.load(tmp_path / "none", gold_dir=None)
    assert describe(caught.value) == (
        f"no trained CRF model in {tmp_path / 'none'}; train it with `jinbiao train --model-dir {tmp_path / 'none'}`"
    )
    with pytest.raises(MissingModelError) as caught:
        CRFExtractor.load()  # the default model directory, against the shipped gold: no flags needed
    assert describe(caught.value) == f"no trained CRF model in {model_dir}; train it with `jinbiao train`"
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / MODEL_FILE).write_bytes(b"x")
    (tmp_path / "bad" / META_FILE).write_text("{", encoding="utf-8")
    with pytest.raises(StaleModelError, match="unreadable"):
        CRFExtractor.load(tmp_path / "bad", gold_dir=None)


def test_train_function_and_command(tmp_path, capsys):
    gold_dir = write_tiny_gold(tmp_path / "gold")
    result = train_crf(gold_dir, tmp_path / "api", params=FAST, outside=0)
    assert result.documents == 3 and (tmp_path / "api" / MODEL_FILE).is_file()
    args = ["--gold", str(gold_dir), "--model-dir", str(tmp_path / "cli")]
    assert main(["train", *args, "--max-iterations", "40", "--outside", "0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("trained crf on 3 documents (") and f"wrote {tmp_path / 'cli'}" in out
    assert json.loads((tmp_path / "cli" / META_FILE).read_text(encoding="utf-8"))["params"]["max_iterations"] == 40
    assert main(["train", "--check", *args]) == 0
    assert capsys.readouterr().out.startswith(f"{tmp_path / 'cli'}: current (crf 2.0, features v")
    write_tiny_gold(gold_dir, drop_last_span_of="t1")  # the gold changes: the model is stale
    assert main(["train", "--check", *args]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("jinbiao train: error: CRF model in") and "\n" not in error
    assert error.endswith(f"train it with `jinbiao train --gold {gold_dir} --model-dir {tmp_path / 'cli'}`")
    assert main(["train", "--gold", str(tmp_path / "nothing"), "--model-dir", str(tmp_path / "x")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"jinbiao train: error: {tmp_path / 'nothing'}: no gold to train on (no such directory); "
        "give the gold to train on with --gold DIR"
    )
    assert main(["train", "--c1", "-1"]) == 2
    assert "argument --c1: -1 is negative" in capsys.readouterr().err


# ----------------------------------------------------------------- never scored where trained


class SpyCRF(CRFExtractor):
    fitted: list[list[str]] = []  # noqa: RUF012 - shared record across the fresh instances
    scored: list[tuple[str, list[str]]] = []  # noqa: RUF012

    def fit(self, documents, gold):
        self._trained_on = sorted(d.id for d in documents)
        SpyCRF.fitted.append(self._trained_on)
        return super().fit(documents, gold)

    def extract(self, document):
        SpyCRF.scored.append((document.id, self._trained_on))
        return super().extract(document)


def test_the_leaderboard_never_scores_the_crf_on_a_document_it_was_trained_on():
    SpyCRF.fitted, SpyCRF.scored = [], []
    documents = tiny_documents()
    gold = tiny_gold(documents)
    folds: dict[str, list[str]] = {}
    predictions = cross_validated("crf", documents, gold, factory=lambda _: SpyCRF(params=FAST, outside=0), folds=folds)
    assert sorted(predictions.doc_ids) == ["t1", "t2", "t3"]
    assert len(SpyCRF.fitted) == 3 and len(SpyCRF.scored) == 3
    for doc_id, trained_on in SpyCRF.scored:
        assert doc_id not in trained_on and len(trained_on) == 2
        assert folds[doc_id] == trained_on
