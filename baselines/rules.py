"""`rules`: the numeric and temporal grammar (`grammar`) and the 《》 rule for LAW.

DATE, TIME, MONEY, PERCENT, QUANTITY and CARDINAL come from `jinbiao.baselines.grammar`: Chinese
numerals with 点 / 两 / 零 / 万 / 亿 parsed by cn2an, full-width digits and punctuation, 百分之…,
…个百分点, 成, currencies, units, ranges, relative and Chinese-numeral dates, following the
guideline's decisions (approximators outside, 余 / 多 inside, a range is one span, a date with a
time of day is one TIME, 一 as an article is not a count). LAW is the title inside 《》 without the
marks, when it ends like a law, a regulation or a notice (before a qualifier such as (试行)).
Candidates are resolved leftmost-longest, a LAW before a numeric span at equal length.

Every span carries a calibrated score (`calibration`, source ``rules``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jinbiao.gold import Document, Span
from jinbiao.gold.schema import NUMERIC_LABELS

from .base import Extractor
from .calibration import RULES_SOURCE, Calibrator, default_calibrator
from .grammar import PRIORITY, candidates, fold_width
from .simplified import to_simplified

LAW_PATTERN = re.compile(r"《(?P<title>[^《》\n]{1,120})》")
LAW_WORDS = re.compile(
    r"(通知|办法|措施|意见|规定|条例|法|方案|指南|细则|决定|计划|政策|纲要|规划|制度|标准|准则|公告|清单|守则)$"
)
LAW_PRIORITY = 9
# (试行), （暂行）, （2020年版）: a qualifier after the title's head word
QUALIFIER = re.compile(r"[(（][^()（）]{1,6}[)）]$")


def law_spans(text: str) -> Iterator[tuple[int, int, str]]:
    for match in LAW_PATTERN.finditer(text):
        title = match.group("title")
        stripped = title.strip()
        if stripped and LAW_WORDS.search(QUALIFIER.sub("", stripped)):
            start = match.start("title") + (len(title) - len(title.lstrip()))
            yield start, start + len(stripped), "LAW"


class RuleExtractor(Extractor):
    name = "rules"
    version = "2.0"
    labels = NUMERIC_LABELS | {"LAW"}
    description = "The numeric and temporal grammar (cn2an-backed) and 《》 titles for LAW; calibrated scores."

    def __init__(self, calibrator: Calibrator | None = None) -> None:
        self.calibrator = calibrator

    def candidates(self, text: str) -> Iterator[tuple[int, int, str, int]]:
        """(start, end, label, priority) on the Simplified `text`: a higher priority wins a tie in length."""
        for start, end, label in law_spans(text):
            yield start, end, label, LAW_PRIORITY
        for start, end, label in candidates(fold_width(text)):
            yield start, end, label, PRIORITY[label]

    def offsets(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, label) on the Simplified `text`: the candidates resolved leftmost-longest."""
        chosen: list[tuple[int, int, str]] = []
        ordered = sorted(set(self.candidates(text)), key=lambda c: (c[0], -(c[1] - c[0]), -c[3], c[2]))
        last_end = 0
        for start, end, label, _ in ordered:
            if start >= last_end:
                chosen.append((start, end, label))
                last_end = end
        return chosen

    def extract(self, document: Document) -> list[Span]:
        calibrator = self.calibrator or default_calibrator()
        return [
            document.span(s, e, label, score=calibrator.score(RULES_SOURCE, label, length=e - s), origin=self.origin)
            for s, e, label in self.offsets(to_simplified(document.text))
        ]
