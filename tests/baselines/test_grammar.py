"""The numeral and date grammar on hand-checked development sentences.

These sentences are the grammar's development set. They are deliberately not the frozen held-out
phrases (baselines/heldout/), which the grammar was never run against while it was written.
"""

from __future__ import annotations

import pytest

from jinbiao.baselines.grammar import find_spans, fold_width
from jinbiao.baselines.grammar.numerals import chinese_numerals_ok, number_value, numeral_value

# (sentence, expected spans in order as (text, label)); every numeric and temporal span is listed
TABLE: list[tuple[str, list[tuple[str, str]]]] = [
    ("该省去年实现生产总值二点三万亿元，增长百分之六点一。",
     [("去年", "DATE"), ("二点三万亿元", "MONEY"), ("百分之六点一", "PERCENT")]),
    ("公司净利润为１．０５亿美元，同比下降１２．３％。", [("１．０５亿美元", "MONEY"), ("１２．３％", "PERCENT")]),
    ("失业率上升零点二个百分点。", [("零点二个百分点", "PERCENT")]),
    ("约六成受访者表示满意。", [("六成", "PERCENT")]),
    ("该市有两百零三所学校。", [("两百零三", "CARDINAL")]),
    ("大桥全长二点五公里。", [("二点五公里", "QUANTITY")]),
    ("一九九八年七月一日，新机场启用。", [("一九九八年七月一日", "DATE")]),
    ("二〇二〇年底，工程完工。", [("二〇二〇年底", "DATE")]),
    ("八十年代中期，他来到深圳。", [("八十年代中期", "DATE")]),
    ("上世纪六十年代，这里还是一片农田。", [("上世纪六十年代", "DATE")]),
    ("今年一季度，出口增长百分之五。", [("今年一季度", "DATE"), ("百分之五", "PERCENT")]),
    ("上年同期为三百亿元。", [("上年同期", "DATE"), ("三百亿元", "MONEY")]),
    ("晚上八点半，演出开始。", [("晚上八点半", "TIME")]),
    ("3月5日上午10时，会议开幕。", [("3月5日上午10时", "TIME")]),
    ("手术持续了两个半小时。", [("两个半小时", "TIME")]),
    ("列车时速达到三百五十公里。", [("三百五十公里", "QUANTITY")]),
    ("营业额在５０００万～８０００万元之间。", [("５０００万～８０００万元", "MONEY")]),
    ("价格上涨了３％—５％。", [("３％—５％", "PERCENT")]),
    ("２０１９年到２０２１年，销量翻番。", [("２０１９年到２０２１年", "DATE")]),
    ("每天产能在10万份到20万份之间。", [("10万", "CARDINAL"), ("20万", "CARDINAL")]),
    ("项目工期为两到三年。", [("两到三年", "DATE")]),
    ("他们在凌晨3点出发。", [("凌晨3点", "TIME")]),
    ("该集团拥有员工三万余人。", [("三万余", "CARDINAL")]),
    ("公司新设了一家子公司。", []),
    ("要坚持两手抓。", []),
    ("医院采购了N95口罩。", []),
    ("第三季度营收增长。", [("第三季度", "DATE")]),
    ("首批五十名医护人员出发。", [("五十", "CARDINAL")]),
    ("他捐款一千万港元。", [("一千万港元", "MONEY")]),
    ("这一点十分重要。", []),
    ("三元食品发布公告。", []),
    ("近三年来，当地新增就业岗位五千个。", [("三年", "DATE"), ("五千", "CARDINAL")]),
    ("年降水量达一千二百毫米。", [("一千二百毫米", "QUANTITY")]),
    ("气温升至三十八摄氏度。", [("三十八摄氏度", "QUANTITY")]),
    ("日均客流量超过十万人次。", [("十万", "CARDINAL")]),
    ("用户规模突破五亿。", [("五亿", "CARDINAL")]),
    ("九月底前完成改造。", [("九月底", "DATE")]),
    ("十二月二十五日是圣诞节。", [("十二月二十五日", "DATE"), ("圣诞节", "DATE")]),
    ("春节假期期间客流回升。", [("春节假期", "DATE")]),
    ("签下价值约二十五亿欧元的订单。", [("二十五亿欧元", "MONEY")]),
    ("每吨三千五百元。", [("三千五百元", "MONEY")]),
    ("占地面积一百二十公顷。", [("一百二十公顷", "QUANTITY")]),
    ("５月１０日至１５日举办。", [("５月１０日至１５日", "DATE")]),
    ("下周三将公布数据。", [("下周三", "DATE")]),
    ("二十一日下午，专家组抵达。", [("二十一日下午", "TIME")]),
    ("十年前，这里还是荒地。", [("十年", "DATE")]),
    ("七八成商户已经复工。", [("七八成", "PERCENT")]),
    ("工期三四个月。", [("三四个月", "DATE")]),
    ("全国两会召开。", []),
    ("日处理能力１２００吨/天。", [("１２００吨/天", "QUANTITY")]),
    ("参赛者七成为大学生。", []),
    ("二〇二二年三月至五月，降雨偏多。", [("二〇二二年三月至五月", "DATE")]),
    ("2月7日上午8点多，记者来到车间。", [("2月7日上午8点多", "TIME")]),
    ("员工每天工作12到16个小时。", [("12到16个小时", "TIME")]),
    ("租金减免20%-50%。", [("20%-50%", "PERCENT")]),
    ("提供1到5年期贷款。", [("1到5年", "DATE")]),
    ("大年三十当天，他仍在值班。", [("大年三十当天", "DATE")]),
    ("投入兩千萬元。", [("兩千萬元", "MONEY")]),
    ("这家工厂九十年代末投产。", [("九十年代末", "DATE")]),
    ("增加了近一倍。", [("一", "CARDINAL")]),
    ("当晚九时许，火势得到控制。", [("当晚九时许", "TIME")]),
    ("产量为５．５万吨。", [("５．５万吨", "QUANTITY")]),
    ("该县十三个乡镇", [("十三", "CARDINAL")]),
    ("二十世纪初，这里建起了铁路。", [("二十世纪初", "DATE")]),
    ("截至２０２３年６月底，余额为８．６万亿元。", [("２０２３年６月底", "DATE"), ("８．６万亿元", "MONEY")]),
]  # fmt: skip


def _expected(sentence: str, spans: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    result, position = [], 0
    for text, label in spans:
        start = sentence.index(text, position)
        result.append((start, start + len(text), label))
        position = start + len(text)
    return result


def test_the_table_is_large_enough():
    assert len(TABLE) >= 40


@pytest.mark.parametrize(("sentence", "spans"), TABLE, ids=[row[0][:12] for row in TABLE])
def test_grammar_table(sentence, spans):
    assert find_spans(sentence) == _expected(sentence, spans)


def test_offsets_hold_on_full_width_and_traditional_text():
    text = "營收達到５．８２億美元，增長４０％。"
    found = [(text[s:e], label) for s, e, label in find_spans(text)]
    assert found == [("５．８２億美元", "MONEY"), ("４０％", "PERCENT")]


def test_fold_width_keeps_length_and_folds_full_width_forms():
    text = "２０２２年　５．８％～６％，ＡＢ"
    folded = fold_width(text)
    assert len(folded) == len(text)
    assert folded == "2022年 5.8%~6%,AB"


def test_numeral_values_come_from_cn2an():
    assert numeral_value("三点五亿") == 350_000_000
    assert numeral_value("一点一七二六万亿") == 1_172_600_000_000
    assert numeral_value("两万零八十") == 20080
    assert numeral_value("二〇二三") == 2023
    assert numeral_value("十百") is None
    assert numeral_value("千万") is None
    assert number_value("1.2万") == 12000


def test_malformed_or_bare_magnitudes_are_not_figures():
    assert chinese_numerals_ok("三百四十")
    assert not chinese_numerals_ok("千年")
    assert chinese_numerals_ok("数千")
    assert not chinese_numerals_ok("一一", "CARDINAL")  # 唯一一家
    assert chinese_numerals_ok("三四", "CARDINAL")  # an approximate pair


def test_spans_are_flat_and_sorted():
    text = "２０２１年３月５日上午１０时，该公司以３．５亿元收购了两家企业，溢价百分之二十。"
    spans = find_spans(text)
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
