"""The grammar's regular expressions, one per label, built from the numeral pieces.

They run on the folded Simplified view (full-width forms as ASCII), start at the figure or the
temporal word (so approximators 约 / 近 / 超过 stay outside, guideline D22) and stop before edge
words (以来, 以上, 左右; D15). A range is one span (G5).
"""

from __future__ import annotations

import re

from .numerals import ARABIC, CN_NUMBER, FIGURE_RANGE, RANGE_SEP

CN_SMALL = "一二三四五六七八九"
# --- dates -------------------------------------------------------------------------------
YEAR = r"(?:\d{4}|[〇零一二三四五六七八九]{4})年"
MONTH_NUMBER = r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])"
MONTH = rf"{MONTH_NUMBER}月"
DAY_NUMBER = rf"(?:\d{{1,2}}|三十一?|二?十[{CN_SMALL}]?|[{CN_SMALL}])"
DAY = rf"{DAY_NUMBER}[日号]"
DAY_ALONE = rf"{DAY_NUMBER}(?:日|号(?![线楼院机车台位窗门馆厅房]))"  # 21日, 二十一日; not 1号线
EARLY = r"初(?![步期次级见心始衷])"
MONTH_PART = rf"(?:{EARLY}|底|末|中旬|上旬|下旬|份)"
YEAR_PART = rf"(?:{EARLY}|底|末|上半年|下半年|前[一二三]季度|第?[一二三四1-4]季度|首季度?|同期)"
RELATIVE_YEAR = r"(?:今年|去年|明年|前年|后年|上年|当年|次年|翌年|同年)(?!度)"
HOLIDAY = (
    r"(?:春节假期|春节|除夕|元旦|元宵节|清明节|端午节|中秋节|国庆节|国庆长假|劳动节|圣诞节"
    rf"|大年三十|大年初[{CN_SMALL}十]|正月初[{CN_SMALL}十]|正月十五"
    # a lunar day alone (我们初一的时候); not a school year (初一学生, 初三年级)
    rf"|(?<![年月大正])初[{CN_SMALL}十](?![年级学生班中])"
    r")"
)
RELATIVE_DAY = (
    r"(?:今天|昨天|明天|前天|后天|今日|昨日|明日|当天|当日|次日|翌日|近日"
    r"|(?:本|上|下|这)?周[一二三四五六日]|(?:本|上|下|这)?(?:个)?星期[一二三四五六日天])"
)
RELATIVE_PERIOD = (
    r"(?:本月|上月|下月|当月|次月|本周|上周|下周|当周|上周末|本周末|本季度|上季度|上年度|本年度|新年"
    r"|年初|年底|年末|年中|上半年|下半年|月初|月底|月中|前[一二三]季度|第?[一二三四]季度|首季度"
    rf"|第[{CN_SMALL}十]+周)"
)
CENTURY = r"(?:上个?|本|\d{2}|二十一|二十|十九|十八)世纪"
DECADE = r"(?:\d0|[二三四五六七八九]十)年代"
ERA_PART = r"(?:初期|中期|后期|末期|前期|上半叶|下半叶|中叶|初|末|中)"
ISO_DATE = r"\d{4}(?P<sep>[-/.])\d{1,2}(?P=sep)\d{1,2}"

DATE_ATOM = (
    r"(?:"
    rf"(?:{YEAR}|{RELATIVE_YEAR})(?:{MONTH}(?:{DAY})?{MONTH_PART}?|{YEAR_PART})?"
    rf"|{MONTH}(?:{DAY})?{MONTH_PART}?"
    rf"|{DAY_ALONE}"
    rf"|(?:{CENTURY})?{DECADE}{ERA_PART}?|{CENTURY}{ERA_PART}?"
    rf"|{HOLIDAY}(?:当天)?|{RELATIVE_DAY}|{RELATIVE_PERIOD}"
    r")"
)
DATE_TAIL = rf"(?:{DATE_ATOM}|{DAY}|{DAY_NUMBER}{MONTH_PART}?)"  # 11月5日至10日, 1月至3月
CALENDAR_UNIT = r"(?:年|个月|天|周(?!年)|星期|个星期|季度|个季度)"
NOT_AFTER_DURATION = r"(?!级|代|龄|轻|终|底|初|度|份|薪|金|货|利|息|报|会|鉴|检|假|票|卡|限|华)"
DURATION = (
    rf"(?:过去|未来|今后|全年)?(?:{FIGURE_RANGE}|半)(?:多|半)?{CALENDAR_UNIT}(?:多|半)?{NOT_AFTER_DURATION}|半个月"
)
# a bare year standing alone before an exclamation, a space or the end (重启2020!)
BARE_YEAR = r"(?<![\d.,])(?:19|20)\d\d(?=[!！?？ \u00a0]|$)"
DATE_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        ISO_DATE,
        BARE_YEAR,
        rf"{DATE_ATOM}(?:{RANGE_SEP}{DATE_TAIL})?",
        rf"{MONTH_NUMBER}{RANGE_SEP}{MONTH}",
        DURATION,
    )
)

# --- times -------------------------------------------------------------------------------
PART_OF_DAY = r"(?:凌晨|清晨|早晨|早上|上午|中午|午间|下午|傍晚|晚上|晚间|夜间|深夜|半夜|午夜|夜里|一大早|一早)"
DEICTIC_TIME = r"(?:今晚|昨晚|明晚|当晚|今早|今晨|昨夜)"
CLOCK_NUMBER = r"(?:\d{1,2}|[零一二两三四五六七八九十]{1,3})"
MINUTES = r"(?:\d{1,2}分|[零一二三四五]?十?[一二三四五六七八九]?分|半|一刻|三刻|\d{1,2}(?=\D))"
CLOCK = rf"{CLOCK_NUMBER}[点时](?:{MINUTES})?(?:多|许|整)?"
DAYISH = rf"(?:{DATE_ATOM})"
TIME_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        # a clock time after a day, a part of the day or both: 12日15时30分, 下午三点半, 当晚八时许
        rf"(?:{DAYISH}(?:{PART_OF_DAY}|晚|早)?|{DEICTIC_TIME}|{PART_OF_DAY}){CLOCK}"
        rf"(?:{RANGE_SEP}(?:{PART_OF_DAY})?{CLOCK})?",
        # a day with a part of the day: 昨天凌晨, 18日晚上, 20日晚
        rf"{DAYISH}(?:{PART_OF_DAY}|晚(?![报会宴餐])|早(?![报餐]))",
        DEICTIC_TIME,
        # a bare clock time that cannot be a decimal: 三点半, 八时许, 10点
        rf"(?<![\d.]){CLOCK_NUMBER}[点时](?:\d{{1,2}}分|(?!十分)[零一二三四五]?十?[一二三四五六七八九]?分|半|许|整)",
        r"(?<![\d.])\d{1,2}点(?![击赞评名多个])",
        # durations in hours and minutes are TIME: 六个多小时, 90分钟, 12到16个小时
        rf"{FIGURE_RANGE}(?:个)?(?:多|半)?(?:小时|钟头|分钟|秒钟)",
    )
)

# --- percent, money, quantity, cardinal --------------------------------------------------
CHENG_NOT_AFTER = "为立功本员果绩熟长交效就型品分都年人片批套群语全败像天色家亲才器形活事千百不是"
PERCENT_PATTERN = re.compile(
    rf"{ARABIC}%?{RANGE_SEP}{ARABIC}%|{ARABIC}%"
    rf"|百分之(?:{CN_NUMBER}|{ARABIC})(?:{RANGE_SEP}(?:百分之)?(?:{CN_NUMBER}|{ARABIC}))?"
    rf"|{FIGURE_RANGE}个百分点"
    rf"|(?<![{CN_SMALL}十百千两零])(?:[{CN_SMALL}两]{{1,2}}|十)成(?:多)?(?![{CHENG_NOT_AFTER}])"
)
CURRENCY = r"(?:美元|欧元|日元|英镑|港元|港币|澳元|加元|韩元|卢布|新台币|台币|瑞郎|法郎|卢比|泰铢|人民币|元|块钱)"
MONEY_PATTERN = re.compile(rf"(?:人民币|美元|港币|港元)?{FIGURE_RANGE}{CURRENCY}(?:人民币)?")
UNIT = (
    r"(?:平方公里|平方千米|平方米|平米|立方米|千瓦时|千瓦|兆瓦|吉瓦|瓦特|千伏|摄氏度|华氏度|公里|千米|厘米|毫米|米"
    r"|海里|英里|公斤|千克|毫克|克|吨|公顷|亩|毫升|升|桶|吉焦|焦耳|分贝|马力|标准箱|英尺|英寸|斤)"
)
RATE = r"(?:/(?:天|日|年|小时|秒)|每(?:小时|天|日|年|秒))?"
QUANTITY_PATTERN = re.compile(rf"{FIGURE_RANGE}{UNIT}{RATE}")
MEASURE = (
    r"(?:人次|人份|家次|台套|个|名|位|家|人|条|套|户|件|支|起|批|项|只|座|台|辆|次|份|盒|张|场|所|栋|间|处|种|类|款"
    r"|笔|单|组|架|艘|块|道|轮|期|届|版|篇|封|枚|箱|袋|瓶|剂|倍|头|匹|棵|株|口|把|部|本|列|节|层|幅|首|门|颗|粒"
    r"|例|宗|员)"
)
CARDINAL_PATTERN = re.compile(rf"(?P<num>{FIGURE_RANGE})(?={MEASURE})")
# a count before 大 + noun: 三大运营商, 十大产业 (not 三大学, 两大会, 五大连池-style names)
BIG_COUNT_PATTERN = re.compile(
    rf"(?<![{CN_SMALL}十百千两零〇第])[两{CN_SMALL[1:]}十]{{1,2}}(?=大[\u4e00-\u9fff])(?!大[学会厦型量幅力多约概致小连])"
)
# a figure with 万 or 亿 and a digit before it stands alone as a count: 用户数突破十亿, 1.2万
BARE_LARGE_PATTERN = re.compile(
    rf"(?:\d+(?:\.\d+)?|[{CN_SMALL}两十][{CN_SMALL}两零〇十百千]*(?:点[{CN_SMALL}零〇]+)?)[余多]?(?:万亿|亿|万)[余多]?"
)
