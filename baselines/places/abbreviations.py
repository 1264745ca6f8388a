"""One-character country abbreviations (中美, 美俄, 访华, 赴美), and where they may be read as places.

The characters are the conventional ones of Chinese news for bilateral relations (中美关系,
中俄关系, 中日韩 …), each keyed by its ISO 3166-1 code; a test checks that every one is the first
character of that country's Chinese name in pycountry or CLDR (华 and 港 are the second
characters of 中华人民共和国 and 香港). It is a short list, typed once, checked against the data.

A lone character such as 美, 法 or 日 is usually an ordinary word, so an abbreviation is read as
a GPE only in two contexts:

1. a chain of two to four abbreviations followed by a word of relations between states (中美关系,
   美俄两国, 中日韩自贸区, 英法领导人, 美墨边境): `RELATION_WORDS`;
2. after a verb of travel or residence: 访 / 赴 / 驻 / 旅 / 留 + abbreviation (访日, 赴美, 驻美,
   留英), and 来华 / 在华 for China.
"""

from __future__ import annotations

import re

# abbreviation -> ISO 3166-1 alpha-2 codes it stands for
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "中": ("CN",), "华": ("CN",), "美": ("US",), "俄": ("RU",), "英": ("GB",), "法": ("FR",),
    "德": ("DE",), "日": ("JP",), "韩": ("KR",), "朝": ("KP",), "印": ("IN",), "澳": ("AU", "MO"),
    "加": ("CA",), "墨": ("MX",), "巴": ("BR", "PK"), "意": ("IT",), "西": ("ES",), "葡": ("PT",),
    "荷": ("NL",), "比": ("BE",), "希": ("GR",), "土": ("TR",), "伊": ("IR",), "以": ("IL",),
    "埃": ("EG",), "沙": ("SA",), "越": ("VN",), "泰": ("TH",), "菲": ("PH",), "新": ("SG",),
    "马": ("MY",), "蒙": ("MN",), "哈": ("KZ",), "乌": ("UA",), "波": ("PL",), "古": ("CU",),
    "阿": ("AR",), "智": ("CL",), "秘": ("PE",), "港": ("HK",), "台": ("TW",),
}  # fmt: skip

RELATION_WORDS = (
    "关系", "两国", "三国", "四国", "双方", "三方", "边境", "边界", "贸易", "经贸", "合作", "建交", "元首", "首脑",
    "外长", "防长", "领导人", "峰会", "会晤", "会谈", "对话", "磋商", "自贸", "联合", "友好", "谈判", "协议", "争端",
    "冲突", "之间", "战略", "伙伴", "军演", "外交",
)  # fmt: skip
TRAVEL_VERBS = "访赴驻旅留"
TRAVEL_TARGETS = "华美俄英法德日韩朝澳加印"
CHINA_ONLY_VERBS = "来在"

_CHARS = "".join(ABBREVIATIONS)
_CHAIN = re.compile(rf"[{_CHARS}]{{2,4}}(?={'|'.join(RELATION_WORDS)})")
_TRAVEL = re.compile(rf"(?<=[{TRAVEL_VERBS}])[{TRAVEL_TARGETS}]|(?<=[{CHINA_ONLY_VERBS}])华")


def find_abbreviations(view: str) -> list[tuple[int, int, str]]:
    """One-character GPE spans in the Simplified `view`, in the two contexts above."""
    spans: list[tuple[int, int, str]] = []
    for match in _CHAIN.finditer(view):
        spans.extend((position, position + 1, "GPE") for position in range(match.start(), match.end()))
    for match in _TRAVEL.finditer(view):
        spans.append((match.start(), match.end(), "GPE"))
    return sorted(set(spans))


__all__ = ["ABBREVIATIONS", "RELATION_WORDS", "find_abbreviations"]
