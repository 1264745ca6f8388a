"""`jieba`: PERSON, GPE, ORG, LOC and FAC from `jieba.posseg` part-of-speech tags.

jieba tags people ``nr``, places ``ns`` and organisations ``nt``, but splits names into pieces
(``岳/nr 长海/ns``, ``北京市/ns 国资委/nt``) and tags many ordinary words as names (``小微/nr``,
``满意度/ns``). So pieces are merged — a surname with the given name after it, a place with the
organisation words after it — and candidates are filtered: a PERSON needs a known surname, a
GPE an administrative suffix or an entry of the place gazetteer (`places`).
"""

from __future__ import annotations

import re
import threading

import jieba
import jieba.posseg

from jinbiao.gold import Document, Span
from jinbiao.gold.schema import NAME_LABELS

from .base import Extractor
from .calibration import JIEBA_SOURCE, Calibrator, default_calibrator
from .gazetteer import SURNAMES
from .places import place_label
from .simplified import to_simplified

jieba.setLogLevel(60)

ORG_SUFFIX = re.compile(
    r"(国资委|国资公司|集团|有限公司|股份有限公司|公司|银行|分行|支行|管委会|委员会|工商联|总工会|商会|协会|学会"
    r"|研究院|研究所|中心|政府|人大|政协|法院|检察院|大学|学院|医院|电视台|日报|报社|厅|局|委|办|署|部)$"
)
ORG_SUFFIX_WORDS = {
    "国资委",
    "集团",
    "公司",
    "有限公司",
    "股份",
    "银行",
    "分行",
    "支行",
    "管委会",
    "委员会",
    "工商联",
    "总工会",
    "商会",
    "协会",
    "中心",
    "政府",
    "局",
    "委",
    "厅",
    "办",
    "经信局",
    "经信委",
    "人社局",
    "药监局",
    "卫健委",
    "工信厅",
    "商务局",
    "财政局",
    "税务局",
    "市场监督管理局",
    "监督管理局",
    "管理局",
    "投促局",
    "新科局",
    "国资",
}
FAC_SUFFIX = re.compile(
    r"(市场|园区|产业园|大厦|机场|火车站|西站|东站|南站|北站|车站|医院|广场|体育馆|图书馆|文化馆|博物馆|商贸城|路|街|大道|桥)$"
)
LOC_SUFFIX = re.compile(r"(地区|片区|科学城|开发区|高新区|新区|产业基地|流域|山|江|河|湖|海)$")
GPE_SUFFIX = re.compile(r"(省|市|区|县|镇|乡|自治区|自治州|特别行政区)$")
NOT_NAMES = {
    "小微",
    "中小",
    "城市",
    "满意度",
    "上市",
    "入口",
    "申报",
    "惠及",
    "印发",
    "日均",
    "研发",
    "仓储",
    "多达",
    "寒暄",
    "严格执行",
    "保驾护航",
    "拓宽",
    "建立健全",
    "智能化",
    "承诺制",
    "许可证",
    "申请人",
    "满负荷",
    "普惠",
    "普惠型",
    "齐全",
    "林立",
    "高耸",
    "美丽",
    "延后",
    "施策",
    "上岗",
    "上门",
    "大门口",
    "红外",
    "楼宇",
    "采暖设备",
    "采暖费",
    "商超",
    "段时间",
    "通知书",
    "张表",
    "惠企",
    "金白银",
    "力保",
    "吉焦",
    "丁二烯",
    "连心桥",
    "云",
    "中",
    "时",
    "京",
}
NAME_TAGS = {"nr", "nrfg", "nrt"}
PLACE_TAGS = {"ns"}
ORG_TAGS = {"nt"}
_LOCK = threading.Lock()


def _classify_place(word: str) -> str | None:
    known = place_label(word)
    if known is not None:
        return known
    if FAC_SUFFIX.search(word):
        return "FAC"
    if LOC_SUFFIX.search(word) and len(word) >= 3:
        return "LOC"
    if GPE_SUFFIX.search(word) and len(word) >= 3:
        return "GPE"
    return None


def _is_person(word: str) -> bool:
    if word in NOT_NAMES or not 2 <= len(word) <= 4:
        return False
    return word[0] in SURNAMES or word[:2] in SURNAMES


class JiebaExtractor(Extractor):
    name = "jieba"
    version = "2.0"
    labels = NAME_LABELS
    description = (
        "jieba.posseg name tags, merged into whole names and filtered against frequent false names; "
        "places from the place gazetteer; calibrated scores."
    )

    def __init__(self, calibrator: Calibrator | None = None) -> None:
        self.calibrator = calibrator
        with _LOCK:
            jieba.initialize()

    def tokens(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, word, tag) over `text`, which must be Simplified."""
        out = []
        position = 0
        for pair in jieba.posseg.cut(text, HMM=True):
            word, tag = pair.word, pair.flag
            out.append((position, position + len(word), word, tag))
            position += len(word)
        return out

    def extract(self, document: Document) -> list[Span]:
        view = to_simplified(document.text)
        calibrator = self.calibrator or default_calibrator()
        return [
            document.span(s, e, label, score=calibrator.score(JIEBA_SOURCE, label, length=e - s), origin=self.origin)
            for s, e, label in self.extract_offsets(view)
        ]

    def extract_offsets(self, text: str) -> list[tuple[int, int, str]]:
        tokens = self.tokens(text)
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(tokens):
            _start, _end, word, tag = tokens[i]
            if tag in NAME_TAGS or (len(word) == 1 and word in SURNAMES and tag in {"nr", "j", "ns", "nz"}):
                span, i = self._person(tokens, i)
                if span:
                    found.append(span)
                continue
            if tag in PLACE_TAGS or tag in ORG_TAGS or place_label(word) == "GPE":
                span, i = self._place_or_org(tokens, i)
                if span:
                    found.append(span)
                continue
            i += 1
        return found

    def _person(self, tokens: list[tuple[int, int, str, str]], i: int) -> tuple[tuple[int, int, str] | None, int]:
        start, end, word, _tag = tokens[i]
        j = i + 1
        # a surname split from its given name: 岳/nr 长海/ns, 周/nr 美玉/nr, 王明/nr 峰/nr
        joins = (
            j < len(tokens)
            and len(word) + len(tokens[j][2]) <= 3
            and tokens[j][3] in NAME_TAGS | PLACE_TAGS | {"nz", "ng"}
            and (word in SURNAMES or (len(word) == 2 and word[0] in SURNAMES and len(tokens[j][2]) == 1))
        )
        if joins:
            end, word = tokens[j][1], word + tokens[j][2]
            j += 1
        if _is_person(word):
            return (start, end, "PERSON"), j
        return None, i + 1

    def _place_or_org(self, tokens: list[tuple[int, int, str, str]], i: int) -> tuple[tuple[int, int, str] | None, int]:
        start, end, word, tag = tokens[i]
        j = i + 1
        text = word
        # a place (or org) followed by organisation words becomes one ORG: 北京市 国资委, 华夏银行 北京分行
        while j < len(tokens) and (tokens[j][2] in ORG_SUFFIX_WORDS or tokens[j][3] in ORG_TAGS):
            text += tokens[j][2]
            end = tokens[j][1]
            j += 1
        if text in NOT_NAMES:
            return None, j
        if j > i + 1 or tag in ORG_TAGS:
            return ((start, end, "ORG") if ORG_SUFFIX.search(text) or tag in ORG_TAGS else None), j
        label = _classify_place(text)
        return ((start, end, label) if label else None), j
