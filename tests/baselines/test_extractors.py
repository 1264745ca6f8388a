from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiny_corpus import FAST, tiny_documents, tiny_gold

from jinbiao.baselines import available, get_extractor
from jinbiao.baselines import simplified as simplified_module
from jinbiao.baselines.crf import CRFExtractor
from jinbiao.baselines.ensemble import EnsembleExtractor
from jinbiao.baselines.rules import RuleExtractor
from jinbiao.baselines.union import resolve_overlaps
from jinbiao.gold import Document, JinbiaoError, Span, validate_spans


def spans_of(extractor_name: str, text: str) -> list[tuple[str, str]]:
    document = Document("t", text)
    return [(s.text, s.label) for s in get_extractor(extractor_name).extract(document)]


def find(spans: list[Span], text: str) -> list[Span]:
    return [s for s in spans if s.text == text]


def test_registry_lists_and_refuses_unknown_names():
    assert available() == ["rules", "jieba", "union", "crf", "ensemble"]
    with pytest.raises(
        JinbiaoError, match="unknown baseline 'nope'; choose one of: rules, jieba, union, crf, ensemble"
    ):
        get_extractor("nope")


def test_the_registry_makes_fresh_extractors_without_models():
    """Making an extractor never loads or trains a model: order and repetition change nothing."""
    first, second = get_extractor("crf"), get_extractor("crf")
    assert first is not second and not first.is_trained
    ensemble = get_extractor("ensemble")
    assert isinstance(ensemble, EnsembleExtractor) and not ensemble.ready and not ensemble.crf.is_trained


def test_known_seed_spans_come_from_the_right_baseline(seed_documents):
    doc000 = seed_documents["000_a6fffb90fc454c54"]
    jieba_spans = get_extractor("jieba").extract(doc000)
    rule_spans = get_extractor("rules").extract(doc000)
    org = find(jieba_spans, "北京市国资委")[0]
    assert (org.label, doc000.text[org.start : org.end]) == ("ORG", "北京市国资委")
    assert org.start == doc000.text.index("北京市国资委")
    law = find(rule_spans, "关于减免服务业小微企业和个体工商户房屋租金有关事项的通知")[0]
    assert law.label == "LAW" and doc000.text[law.start - 1] == "《" and doc000.text[law.end] == "》"
    assert [(s.text, s.label) for s in find(rule_spans, "20%-50%")] == [("20%-50%", "PERCENT")]
    doc002 = seed_documents["002_a8adb62852f88d4e"]
    percent = find(get_extractor("rules").extract(doc002), "88.06%")[0]
    assert percent.label == "PERCENT" and percent.start == doc002.text.index("88.06%")


def test_traditional_text_is_read_through_its_simplified_view(seed_documents):
    doc002 = seed_documents["002_a8adb62852f88d4e"]
    spans = get_extractor("jieba").extract(doc002)
    orgs = [s.text for s in spans if s.label == "ORG"]
    assert "濟南市國資委" in orgs and "山東省國資委" in orgs
    assert not any(s.text in ("南市", "國資委") for s in spans)  # what raw jieba finds on Traditional text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("对7000余家中小微企业减免租金超3亿元", [("7000余", "CARDINAL"), ("3亿元", "MONEY")]),
        ("预计减免租金约1.2亿元。", [("1.2亿元", "MONEY")]),
        ("贷款150余万元", [("150余万元", "MONEY")]),
        ("在岗职工占比88.06%，约60%左右", [("88.06%", "PERCENT"), ("60%", "PERCENT")]),
        ("增加20%-50%", [("20%-50%", "PERCENT")]),
        ("由30吨/天增加到85吨/天", [("30吨/天", "QUANTITY"), ("85吨/天", "QUANTITY")]),
        ("2月7日上午8点多，在天津", [("2月7日上午8点多", "TIME")]),
        ("每天凌晨3点开始", [("凌晨3点", "TIME")]),
        ("员工每天上班13-15个小时", [("13-15个小时", "TIME")]),
        ("减免6个月租金，2022年被列为", [("6个月", "DATE"), ("2022年", "DATE")]),
        ("拨打96069供热服务热线或12345市民服务热线", []),
        ("佳能医疗是一家医疗设备供应商", []),
        ("两手抓、两手硬，一企一策，第一道防线", []),
        ("一家家企业，一条条生产线", []),
        ("两套装置四条生产线，500多人加班", [("两", "CARDINAL"), ("四", "CARDINAL"), ("500多", "CARDINAL")]),
        ("三元食品工厂日均加工1500吨液奶", [("1500吨", "QUANTITY")]),
        ("印发了《关于减免房屋租金的通知》", [("关于减免房屋租金的通知", "LAW")]),
        ("推出“复工贷”专项产品", []),
    ],
)
def test_rules_follow_the_label_rules(text, expected):
    assert spans_of("rules", text) == expected


def test_simplified_view_keeps_length_and_falls_back_per_character(monkeypatch):
    assert simplified_module.to_simplified("濟南市國資委") == "济南市国资委"

    class LengthChanging:
        def convert(self, text: str) -> str:
            return text.replace("國", "国国") if len(text) > 1 else text.replace("國", "国")

    monkeypatch.setattr(simplified_module, "_T2S", LengthChanging())
    simplified_module._char.cache_clear()
    assert simplified_module.to_simplified("國資委") == "国資委"
    simplified_module._char.cache_clear()


def test_union_conflict_rule_longer_wins_then_first_listed():
    a = [Span(0, 3, "GPE", "北京市")]
    b = [Span(0, 6, "ORG", "北京市国资委"), Span(7, 9, "DATE", "5月")]
    c = [Span(7, 9, "CARDINAL", "5月")]
    assert resolve_overlaps([a, b, c]) == [Span(0, 6, "ORG", "北京市国资委"), Span(7, 9, "DATE", "5月")]


def learned(name: str):
    """The registered extractor `name`; a learned one fitted on the tiny corpus, so the test trains in a second."""
    extractor = get_extractor(name)
    if not extractor.trainable:
        return extractor
    documents = tiny_documents()
    if isinstance(extractor, EnsembleExtractor):
        extractor = EnsembleExtractor(CRFExtractor(params=FAST))
    else:
        extractor = CRFExtractor(params=FAST)
    return extractor.fit(documents, tiny_gold(documents))


@pytest.mark.parametrize("name", available())  # one test per extractor: they run side by side under xdist
def test_every_extractor_obeys_the_contract_on_the_seeds(seed_documents, name):
    extractor = learned(name)
    found = 0
    for document in seed_documents.values():
        spans = extractor.extract(document)
        validate_spans(document.text, spans, doc_id=document.id)
        assert {s.label for s in spans} <= extractor.labels
        found += len(spans)
    assert found > 0, name


TEXT_PIECES = st.sampled_from(
    [
        "北京市国资委",
        "5月9日",
        "2月7日上午8点多",
        "24小时",
        "88.06%",
        "20%-50%",
        "3亿元",
        "《通知》",
        "《",
        "》",
        "7000余家",
        "濟南市國資委",
        "𠮷",
        "\n",
        "，",
        "。",
        "約",
        "二三",
        "两套",
        "小时",
        "%",
        "-",
        "余",
        "万",
        "李 刚",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXT_PIECES, max_size=30))
def test_extractor_contract_property_on_generated_text(pieces):
    document = Document("g", "".join(pieces))
    for name in ("rules", "jieba", "union"):
        validate_spans(document.text, get_extractor(name).extract(document), doc_id=document.id)


def test_rules_spans_carry_provenance():
    spans = RuleExtractor().extract(Document("t", "5月9日"))
    assert spans[0].origin == "rules@2.0" and 0 < spans[0].score < 1
