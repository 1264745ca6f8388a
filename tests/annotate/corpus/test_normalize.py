from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jinbiao.annotate.corpus.normalize import STEPS, NormalizationConfig, normalize

GLOSS = re.compile(r"[\u4e00-\u9fff]\([a-z]+\)")


def only(*steps: str) -> NormalizationConfig:
    return NormalizationConfig(steps=steps)


def offsets_hold(raw: str, text: str, offsets) -> bool:
    return len(offsets) == len(text) and all(
        raw[offsets[i]] == c or raw[offsets[i]] == "\r" for i, c in enumerate(text)
    )


def test_pinyin_glosses_are_removed_after_han_characters_only():
    glossed = "濟(ji)南(nan)復(fu)(fu)工，文章來源(yuan):山東，措施(a)"
    assert normalize(glossed, only("pinyin_glosses")).text == "濟南復工，文章來源:山東，措施"
    kept = "佳能医疗系统(中国)有限公司，IT(IT)部门，17家商(协)会，措施(a)"
    assert (
        normalize(kept, only("pinyin_glosses")).text == "佳能医疗系统(中国)有限公司，IT(IT)部门，17家商(协)会，措施(a)"
    )


def test_seed_002_keeps_no_gloss_and_about_1980_characters(seed_documents, seed_raw):
    document = seed_documents["002_a8adb62852f88d4e"]
    assert GLOSS.search(seed_raw["002_a8adb62852f88d4e"])
    assert not GLOSS.search(document.text)
    assert len(document.text) == 1955  # 1,981 with the doubled title line kept
    assert document.text.startswith("濟南市國資委強化“五服務”全力保障市屬國企復工復產\n\n文章來源:山東省國資委")
    assert document.text.count("濟南市國資委強化") == 1


def test_chrome_lines_and_their_counters_are_removed(seed_documents, seed_raw):
    raw = seed_raw["004_eec69a4a243fa1f5"]
    text = seed_documents["004_eec69a4a243fa1f5"].text
    assert raw.startswith("这里是普通文章模块栏目内容页\n") and raw.rstrip().endswith("栏目索引")
    assert text.startswith("【聚焦复工复产】重启2020!")
    assert text.endswith("官渡正在重启2020!")
    for chrome in ("收藏", "有帮助", "没帮助", "栏目索引", "这里是普通文章模块栏目内容页"):
        assert chrome not in text.split("\n")
    assert normalize("正文\n收藏\n12\n正文二", only("chrome")).text == "正文\n正文二"
    extra = NormalizationConfig(steps=("chrome",), chrome_patterns=(r"点击查看.*",))
    assert normalize("正文\n点击查看原文\n", extra).text == "正文\n"


def test_indentation_is_removed(seed_documents):
    for document in seed_documents.values():
        for line in document.text.split("\n"):
            assert line == line.strip(), (document.id, line)
    assert seed_documents["003_918aa751b2d8c301"].text.startswith("做好疫情防控工作")
    assert normalize("\t\u3000\u3000正文\u00a0 \n", only("indentation")).text == "正文\n"


def test_byline_inner_spaces_stay(seed_documents):
    assert "本报记者\u00a0李\u00a0刚" in seed_documents["003_918aa751b2d8c301"].text


def test_mid_sentence_breaks_are_rejoined_and_headings_stay(seed_documents):
    text = seed_documents["001_c1200b36e2ca91ff"].text
    assert "春节期间500多人加班" in text
    assert "按照员工岗位的分类有序地推进" in text
    assert "平均接通率为98.8%，互动式语音应答" in text
    assert "\n金豪制药：\n" in text
    assert "\n华夏银行：多举措支持小微企业复工复产\n" in text
    assert "\n□本报记者 周美玉\n" in text
    title = seed_documents["004_eec69a4a243fa1f5"].text.split("\n")[0]
    assert title == "【聚焦复工复产】重启2020!官渡全面推进生产生活秩序有序恢复"


def test_blank_line_runs_collapse_to_one(seed_documents):
    for document in seed_documents.values():
        assert "\n\n\n" not in document.text
        assert document.text == document.text.strip("\n")
    assert normalize("\n\na\n\n\n\nb\n\n", only("blank_lines")).text == "a\n\nb"


def test_line_endings():
    result = normalize("a\r\nb\rc", only("line_endings"))
    assert result.text == "a\nb\nc"
    assert list(result.offsets) == [0, 2, 3, 4, 5]
    assert result.removed == {"line_endings": 1}


def test_per_step_report_counts_removed_characters(seed_documents, seed_raw):
    result = normalize(seed_raw["000_a6fffb90fc454c54"])
    assert set(result.removed) == set(STEPS)
    assert sum(result.removed.values()) == len(seed_raw["000_a6fffb90fc454c54"]) - len(result.text)
    assert result.removed["indentation"] == 34


def test_offset_map_is_exact_on_the_seeds(seed_documents, seed_raw):
    for doc_id, document in seed_documents.items():
        assert offsets_hold(seed_raw[doc_id], document.text, document.offsets), doc_id
        start, end = document.raw_range(0, len(document.text))
        assert seed_raw[doc_id][start:end].startswith(document.text[:5])


PIECES = st.sampled_from(
    [
        "濟(ji)南",
        "復(fu)(fu)工",
        "\r\n",
        "\r",
        "\n",
        "\n\n\n",
        "\t",
        "\u3000\u3000",
        "收藏",
        "0",
        "。",
        "，",
        "北京市国资委",
        "(中国)",
        "abc",
        "\u00a0",
        "𠮷",
        " ",
        "春",
        "节期间",
        "x" * 45,
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40))
def test_offset_map_property_on_generated_text(pieces):
    raw = "".join(pieces)
    result = normalize(raw)
    assert offsets_hold(raw, result.text, result.offsets)
    assert list(result.offsets) == sorted(set(result.offsets))  # strictly increasing: only deletions
    assert normalize(result.text).text == result.text  # idempotent


def test_print_and_close_chrome_in_a_row_is_removed_like_a_single_one():
    raw = "正文。\n【打印】【关闭】\n【打印】 【关闭】\n【打印本页】【关闭窗口】\n【字体：大 中 小】【打印】\n正文二。"
    assert normalize(raw, only("chrome")).text == "正文。\n正文二。"
    assert normalize("【聚焦复工复产】重启2020!\n", only("chrome")).text == "【聚焦复工复产】重启2020!\n"


def test_a_pattern_that_does_not_compile_or_a_step_unknown_is_refused_when_configured():
    from jinbiao.annotate.corpus import NormalizationConfigError

    message = (
        r"^chrome pattern '\(收藏' is not a regular expression \(missing \), unterminated subpattern at position 0\)$"
    )
    with pytest.raises(NormalizationConfigError, match=message):
        NormalizationConfig(chrome_patterns=("(收藏",))
    with pytest.raises(ValueError, match=r"unknown normalization step\(s\) \['nope'\]"):
        NormalizationConfig(steps=("nope",))
    with pytest.raises(NormalizationConfigError, match="min_broken_line must be at least 1, not 0"):
        NormalizationConfig(min_broken_line=0)
