"""The shipped gold set: it loads, validates, lints clean and holds spans checked by hand."""

from __future__ import annotations

import pytest

from jinbiao.gold import LABELS, read_gold, read_gold_documents
from jinbiao.gold.lint import lint_gold, read_waivers
from jinbiao.gold.paths import ARTICLES_DIR, DOCUMENTS_DIR, GOLD_DIR


@pytest.fixture(scope="module")
def gold():
    return read_gold(DOCUMENTS_DIR)


def spans_with(gold, doc_prefix: str, text: str) -> list[tuple[int, str]]:
    doc = next(d for d in gold if d.doc_id.startswith(doc_prefix))
    return [(s.start, s.label) for s in doc.spans if s.text == text]


def test_gold_covers_the_five_articles_and_validates(gold):
    assert sorted(gold.doc_ids) == sorted(p.stem for p in ARTICLES_DIR.glob("*.txt"))
    assert gold.span_count() == 757
    assert set(gold.label_counts()) == set(LABELS)


def test_gold_text_is_todays_normalization_of_the_articles(gold, seed_documents):
    for doc in gold:
        assert doc.text_sha256 == seed_documents[doc.doc_id].text_sha256, doc.doc_id
    for document in read_gold_documents(DOCUMENTS_DIR):
        assert document.source_sha256 == seed_documents[document.id].source_sha256


def test_gold_check_runs_clean_with_every_waiver_justified():
    waivers = read_waivers(GOLD_DIR / "lint_waivers.json")
    report = lint_gold(DOCUMENTS_DIR, articles_dir=ARTICLES_DIR, waivers=waivers)
    assert report.findings == []
    assert all(w.reason and w.doc_id and w.start is not None for w in waivers)
    assert len(report.waived) == len(waivers)  # no stale waiver


def test_hand_checked_spans(gold):
    doc002 = next(d for d in gold if d.doc_id.startswith("002"))
    assert doc002.text.startswith("濟南市國資委強化")
    jinan = spans_with(gold, "002", "濟南市國資委")
    assert jinan[0] == (0, "ORG") and len(jinan) == 5 and {label for _, label in jinan} == {"ORG"}
    assert spans_with(gold, "002", "山東省國資委")[0][1] == "ORG"
    assert spans_with(gold, "002", "88.06%") == [(doc002.text.index("88.06%"), "PERCENT")]
    assert spans_with(gold, "000", "关于减免服务业小微企业和个体工商户房屋租金有关事项的通知")[0][1] == "LAW"
    assert spans_with(gold, "004", "应对新冠肺炎疫情支持企业共渡难关的十二条政策措施")[0][1] == "LAW"
    assert [label for _, label in spans_with(gold, "004", "十二条政策措施")] == ["LAW"]  # 《十二条政策措施》
    assert spans_with(gold, "000", "北京市国资委")[0][1] == "ORG"
    assert spans_with(gold, "003", "李\u00a0刚") and spans_with(gold, "003", "李\u00a0刚")[0][1] == "PERSON"
    assert spans_with(gold, "003", "2月7日上午8点多")[0][1] == "TIME"
    assert [label for _, label in spans_with(gold, "001", "7000余")] == ["CARDINAL", "CARDINAL"]
    assert spans_with(gold, "001", "3亿元")[0][1] == "MONEY" and not spans_with(gold, "001", "超3亿元")
    assert [label for _, label in spans_with(gold, "003", "2019年同期")] == ["DATE"]  # D45


def test_quoted_programme_names_hold_no_span(gold):
    doc000 = next(d for d in gold if d.doc_id.startswith("000"))
    quoted = doc000.text.index("“24小时生产供应保障体系”")
    assert not any(quoted <= s.start < quoted + 14 for s in doc000.spans)
