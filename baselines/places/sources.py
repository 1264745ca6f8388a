"""Place names from maintained data packages, each with the label the guideline gives it.

| source | what | label |
|---|---|---|
| pycountry (ISO 3166-1, Debian iso-codes, zh_CN) | country names: short, official, common | GPE (南极洲 LOC) |
| pycountry (ISO 3166-2, zh_CN translations) | first-level subdivisions worldwide (加利福尼亚州, 巴伐利亚) | GPE |
| babel (Unicode CLDR, locale zh) | territory names (韩国, 叙利亚: the names news uses) | GPE |
| babel (CLDR, locale zh) | continents and macro-regions (亚洲, 东南亚, 拉丁美洲) | LOC |
| babel (CLDR, locale zh) | time-zone exemplar cities (巴黎, 纽约, 莫斯科) | GPE; islands (…岛) LOC |
| cpca (2020 administrative division codes) | every Chinese province, prefecture and county | GPE |
| jieba's dictionary (``ns`` words) | rivers, lakes, seas, mountains, islands (长江, 地中海) | LOC |

Short forms are derived by rule, never typed. A province or prefecture (adcode ending in 00)
loses 省 / 市 / 特别行政区 / 自治区 (cpca's own rule) or 自治州 / 盟 / 地区 with the nationality
names before them (from cpca's list of the 56 nationalities: 广西壮族自治区 → 广西, 延边朝鲜族
自治州 → 延边); these short forms are always kept. A county loses 县 / 区 / 市 / 旗 (or its
自治县 / 自治旗 with the nationalities), and that short form is kept only if jieba's dictionary
tags it as a place (``ns``) or does not know it: 朝阳区 → 朝阳 and 海淀区 → 海淀 are kept, 和平区 →
和平 (``nz``) and 友谊县 → 友谊 (``nr``) are not. A two-character full name that jieba knows as an
ordinary word (城区, 矿区, 郊区) is dropped. Foreign subdivisions (ISO 3166-2) are kept, with
their 省 / 州 / 市 / 区 / 县 stripped, only when three characters or more remain: their
two-character translations are too often ordinary words (高原, 海湾, 滨海 are states of Nigeria,
Sierra Leone, Liberia …).

Geographic features come from jieba's dictionary: words it tags as places (``ns``) that end in a
geographic head (江 河 湖 海 洋 山 岛 峡 湾 岭 峰, 高原, 盆地, 平原, 半岛, 群岛, 山脉, 流域, 沙漠, 海峡).
Those of three characters or more are kept unless the part before the head holds another head
(逾山越海, 火海刀山 and other idioms); two-character ones (江湖, 大海, 长江) are kept only when the
MSRA training sentences confirm them (`derive.confirmed_geographic_names`, committed in
`derived.GEOGRAPHIC`).
"""

from __future__ import annotations

import csv
import gettext
import importlib.util
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

# jieba tags that mark a proper name (ns place, nr / nrt / nrfg person, nt organisation)
NAME_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nt"})
EXCLUDED_TERRITORIES = frozenset({"001", "EU", "EZ", "UN", "QO", "ZZ"})  # 世界, 欧盟, 欧元区, 联合国: not places
CHINA_SUFFIX = re.compile(r"(?:[省市]|特别行政区|自治区)$")
PREFECTURE_SUFFIX = re.compile(r"(?:地区|盟)$")
COUNTY_SUFFIX = re.compile(r"[县区市旗]$")
FOREIGN_SUFFIX = re.compile(r"[省州市区县]$")
GEOGRAPHIC_HEADS = (
    "高原", "盆地", "平原", "半岛", "群岛", "山脉", "流域", "沙漠", "海峡",
    "江", "河", "湖", "海", "洋", "山", "岛", "峡", "湾", "岭", "峰",
)  # fmt: skip
HEAD_CHARACTERS = frozenset("江河湖海洋山岛峡湾岭峰")


def package_dir(name: str) -> Path:
    """Where an installed package lives, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the data package {name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def _jieba_tags() -> dict[str, str]:
    import jieba.posseg

    jieba.posseg.dt.tokenizer.check_initialized()
    return jieba.posseg.dt.word_tag_tab


def common_word(name: str) -> bool:
    """A two-character name that jieba's dictionary knows as an ordinary word (和平, 城区, 东方)."""
    if len(name) != 2:
        return False
    tag = _jieba_tags().get(name)
    return tag is not None and tag not in NAME_TAGS


def _usable(name: str) -> bool:
    return len(name) >= 2 and not common_word(name)


def pycountry_countries() -> Iterator[tuple[str, str]]:
    import pycountry

    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    for country in pycountry.countries:
        label = "LOC" if country.alpha_2 == "AQ" else "GPE"
        for attribute in ("name", "official_name", "common_name"):
            english = getattr(country, attribute, None)
            if english:
                name = zh.gettext(english)
                if name != english and _usable(name):
                    yield name, label


def pycountry_subdivisions() -> Iterator[tuple[str, str]]:
    import pycountry

    zh = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["zh_CN"])
    for subdivision in pycountry.subdivisions:
        name = zh.gettext(subdivision.name)
        if name == subdivision.name or not re.fullmatch(r"[\u4e00-\u9fff·・\-]+", name):
            continue  # untranslated, or not a plain Chinese name
        for form in {name, FOREIGN_SUFFIX.sub("", name)}:
            if len(form) >= 3:
                yield form, "GPE"


def cldr_territories() -> Iterator[tuple[str, str]]:
    from babel import Locale

    for code, name in Locale.parse("zh_Hans_CN").territories.items():
        if code in EXCLUDED_TERRITORIES or not _usable(name):
            continue
        if code.isdigit() or code == "AQ":
            yield name, "LOC"
        elif len(code) == 2 and code.isalpha():
            yield name, "GPE"


def cldr_cities() -> Iterator[tuple[str, str]]:
    from babel import Locale

    for zone in Locale.parse("zh_Hans_CN").time_zones.values():
        name = zone.get("city")
        if not name or name == "未知地点" or not re.fullmatch(r"[\u4e00-\u9fff·]+", name) or not _usable(name):
            continue
        yield name, "LOC" if name.endswith("岛") else "GPE"


@lru_cache(maxsize=1)
def _nationalities() -> re.Pattern[str]:
    path = package_dir("cpca") / "resources" / "56_nations.csv"
    stems = sorted(
        {line.strip()[:-1] for line in path.read_text(encoding="utf-8").splitlines() if line.strip().endswith("族")},
        key=len,
        reverse=True,
    )
    return re.compile(rf"(?:(?:{'|'.join(map(re.escape, stems))})族?)*自治(?:区|州|县|旗)$")


def china_short_name(name: str, county: bool) -> str | None:
    """The short form of a Chinese division's name (广西壮族自治区 → 广西, 朝阳区 → 朝阳), or None."""
    rules = (_nationalities(), COUNTY_SUFFIX) if county else (_nationalities(), CHINA_SUFFIX, PREFECTURE_SUFFIX)
    for pattern in rules:
        short = pattern.sub("", name)
        if short != name:
            break
    else:
        return None
    if len(short) < 2:
        return None
    if county and _jieba_tags().get(short, "ns") != "ns":
        return None
    return short


def china_divisions() -> Iterator[tuple[str, str]]:
    path = package_dir("cpca") / "resources" / "adcodes.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            name, county = record["name"], not record["adcode"][:6].endswith("00")
            if _usable(name):
                yield name, "GPE"
            short = china_short_name(name, county)
            if short:
                yield short, "GPE"


def geographic_candidates() -> Iterator[str]:
    """jieba's place words (``ns``) that end in a geographic head, idioms left out (see the module docstring)."""
    for word, tag in sorted(_jieba_tags().items()):
        if tag != "ns" or len(word) < 2:
            continue
        head = next((h for h in GEOGRAPHIC_HEADS if word.endswith(h)), None)
        if head is None or len(word) == len(head) or HEAD_CHARACTERS & set(word[: -len(head)]):
            continue
        yield word


def jieba_geographic(confirmed: frozenset[str] | None = None) -> Iterator[tuple[str, str]]:
    """Geographic features (LOC): three characters or more, and the two-character ones in `confirmed`
    (default: `derived.GEOGRAPHIC`)."""
    if confirmed is None:
        from .derived import GEOGRAPHIC

        confirmed = GEOGRAPHIC
    for word in geographic_candidates():
        if len(word) >= 3 or word in confirmed:
            yield word, "LOC"


# in precedence order: a name found in an earlier source keeps that source's label
SOURCES = (
    ("cpca", china_divisions),
    ("pycountry:iso3166-1", pycountry_countries),
    ("pycountry:iso3166-2", pycountry_subdivisions),
    ("cldr:territories", cldr_territories),
    ("cldr:cities", cldr_cities),
    ("jieba:geographic", jieba_geographic),
)


def source_versions() -> dict[str, str]:
    from importlib.metadata import version

    import babel

    versions = {name: version(name) for name in ("pycountry", "babel", "cpca", "jieba")}
    versions["cldr"] = str(getattr(babel.core, "get_cldr_version", lambda: "")())
    return versions
