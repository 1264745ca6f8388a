"""`rules`: regular expressions for the numeric and document labels of LABELS.md.

DATE, TIME, MONEY, PERCENT, QUANTITY, CARDINAL and LAW. Approximators (约, 超, 近 …) stay
outside because every pattern starts at the figure; 余 / 多 belong to the figure; ranges are one
span; hotline numbers, identifiers, ordinals, idioms and 一 as an article are not counts; LAW is
the title inside 《》 without the marks. Candidates are resolved leftmost-longest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jinbiao.gold import Document, Span

from .base import Extractor
from .simplified import to_simplified

CN_DIGIT = "零〇一二两三四五六七八九十百千"
ARABIC = r"\d+(?:[.,]\d+)*"
CN_NUM = rf"[{CN_DIGIT}]+"
APPROX = r"(?:余|多|几)"
MAGNITUDE = r"(?:[万亿]+)"
# a figure: 1500, 1.33万, 150余万, 十数, 百余, 两
FIGURE = rf"(?:(?:{ARABIC}|{CN_NUM})(?:{APPROX}?{MAGNITUDE})?{APPROX}?|十数|数十|数百|数千|几十|几百)"
RANGE_SEP = r"(?:-|—|–|~|～|至|到)"
FIGURE_RANGE = rf"{FIGURE}(?:{RANGE_SEP}{FIGURE})?"

PART_OF_DAY = r"(?:凌晨|清晨|早上|早晨|上午|中午|午间|下午|傍晚|晚上|晚间|夜间|深夜|夜里|当晚|一大早|一早)"
CLOCK = rf"(?:{ARABIC}|{CN_NUM})[点时](?:{ARABIC}分|半|多|许|左右)?"
DATE_BODY = (
    r"(?:"
    rf"(?:\d{{4}}|[{CN_DIGIT}]{{4}})年(?:{ARABIC}月(?:{ARABIC}[日号])?)?(?:{RANGE_SEP}{ARABIC}月(?:{ARABIC}[日号])?)?"
    rf"|(?:今年|去年|明年|前年|当年)(?:{ARABIC}月(?:{ARABIC}[日号])?(?:[初底中]|上旬|中旬|下旬)?)?"
    rf"|{ARABIC}(?:{RANGE_SEP}{ARABIC})?月(?:{ARABIC}[日号](?:{RANGE_SEP}{ARABIC}[日号])?|份|[初底中]|上旬|中旬|下旬)?"
    rf"|{ARABIC}[日号](?:{RANGE_SEP}{ARABIC}[日号])?"
    r"|\d{4}-\d{1,2}-\d{1,2}"
    r"|大年(?:三十|初[一二三四五六七八九十])(?:当天)?|除夕|春节假期|春节|正月初[一二三四五六七八九十]|初[一二三]"
    r"|第?[一二三四1-4]季度|上半年|下半年|年初|年底|年末|第[一二三四五六七八九十]+周"
    r"|近日|今天|当天|当日|次日|上年度|新年|周[一二三四五六日]|星期[一二三四五六日天]"
    rf"|全年{ARABIC}天"
    r"|(?<![\d.])(?:19|20)\d\d(?=[!！ \u00a0])"
    r")"
)
DATE_DURATION = rf"(?:{FIGURE_RANGE}|半)(?:个)?(?:月|天|周|星期|年)(?!份|度|级|龄|轻|代|终|底|初|前)|半个月"

TIME_PATTERN = re.compile(
    rf"(?:{DATE_BODY})(?:{PART_OF_DAY}|晚|早)?{CLOCK}"
    rf"|{PART_OF_DAY}{CLOCK}"
    rf"|(?:{DATE_BODY})(?:{PART_OF_DAY}|晚(?!报|会|宴))"
    rf"|(?<![\d.])\d{{1,2}}点(?:{ARABIC}分|半|多)?(?!击|赞|评)"
    rf"|{FIGURE_RANGE}(?:个)?(?:小时|分钟|钟头|秒钟)"
)
DATE_PATTERN = re.compile(rf"{DATE_BODY}|{DATE_DURATION}")

PERCENT_PATTERN = re.compile(
    rf"{ARABIC}%?{RANGE_SEP}{ARABIC}%|{ARABIC}%|百分之[{CN_DIGIT}点]+|{FIGURE}个百分点|(?<![{CN_DIGIT}])[一二三四五六七八九]成(?=[左以的，,。])"
)
CURRENCY = r"(?:元|美元|港元|港币|欧元|日元|英镑|人民币)"
MONEY_PATTERN = re.compile(rf"{FIGURE_RANGE}{CURRENCY}")
UNIT = (
    r"(?:万吨|吨(?:/天|/日|/年|每天)?|千克|公斤|克|万千瓦|千瓦时|千瓦|兆瓦|吉焦(?:每小时|/小时)?|公里|千米|厘米|毫米|米"
    r"|万平方米|平方米|平方公里|平米|亩|公顷|立方米|升|毫升|千伏|伏|瓦|度电)"
)
QUANTITY_PATTERN = re.compile(rf"{FIGURE_RANGE}{UNIT}")
MEASURE = (
    r"(?:人份|人次|家|人|名|位|个|条|套|户|件|支|通|起|批|项|只|座|台|辆|次|份|盒|张|场|所|栋|间|处|种|类|款"
    r"|笔|单|组|家次|架|艘|台套|块|道|轮|期|届|版|篇|封|枚|箱|袋|瓶|剂|倍)"
)
CARDINAL_PATTERN = re.compile(rf"(?P<num>{FIGURE_RANGE})(?={MEASURE})")
LAW_PATTERN = re.compile(r"《(?P<title>[^《》\n]{1,120})》")
LAW_WORDS = re.compile(
    r"(通知|办法|措施|意见|规定|条例|法|方案|指南|细则|决定|计划|政策|纲要|规划|制度|标准|准则|公告|清单|守则)$"
)

NOT_COUNT_BEFORE = re.compile(r"(?:第|周|星期|[A-Za-z0-9.])$")
IDIOM_AFTER = re.compile(r"^(?:手|企一策|心一意|刻|律|起|直|同|致|举|线|流|旦|度|边)")


def _count_ok(text: str, start: int, end: int) -> bool:
    figure = text[start:end]
    if NOT_COUNT_BEFORE.search(text[max(0, start - 1) : start]):
        return False
    if figure in ("一", "壹") and not text.startswith("倍", end):
        return False  # 一 as an article: 一家供应商; but 一倍 is a count
    following = text[end : end + 4]
    if figure in ("两", "二", "三", "四", "五", "六", "七", "八", "九", "十") and IDIOM_AFTER.match(following):
        return False
    measure = following[:1]
    return not (measure and following[1:2] == measure)  # 一家家, 一条条: reduplication, not a count


class RuleExtractor(Extractor):
    name = "rules"
    version = "1.0"
    labels = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "LAW"})
    description = "Regular expressions for dates, times, money, percentages, quantities, counts and 《》 titles."

    def candidates(self, text: str) -> Iterator[tuple[int, int, str, int]]:
        """(start, end, label, priority): a higher priority wins a tie in length."""
        for match in LAW_PATTERN.finditer(text):
            title = match.group("title").strip()
            if LAW_WORDS.search(title):
                yield match.start("title"), match.end("title"), "LAW", 9
        for pattern, label, priority in (
            (TIME_PATTERN, "TIME", 6),
            (PERCENT_PATTERN, "PERCENT", 8),
            (MONEY_PATTERN, "MONEY", 8),
            (QUANTITY_PATTERN, "QUANTITY", 7),
            (DATE_PATTERN, "DATE", 5),
        ):
            for match in pattern.finditer(text):
                start, end = match.span()
                if NOT_COUNT_BEFORE.search(text[max(0, start - 1) : start]):
                    continue
                if label in ("MONEY", "QUANTITY") and text[start] in CN_DIGIT and text[start + 1] not in CN_DIGIT:
                    continue  # 三元食品 is a brand, not three yuan
                yield start, end, label, priority
        for match in CARDINAL_PATTERN.finditer(text):
            start, end = match.span("num")
            if _count_ok(text, start, end):
                yield start, end, "CARDINAL", 1

    def offsets(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, label) on the Simplified `text`: the candidates resolved leftmost-longest."""
        chosen: list[tuple[int, int, str]] = []
        ordered = sorted(self.candidates(text), key=lambda c: (c[0], -(c[1] - c[0]), -c[3]))
        last_end = 0
        for start, end, label, _ in ordered:
            if start >= last_end:
                chosen.append((start, end, label))
                last_end = end
        return chosen

    def extract(self, document: Document) -> list[Span]:
        return [
            document.span(start, end, label, origin=self.origin)
            for start, end, label in self.offsets(to_simplified(document.text))
        ]
