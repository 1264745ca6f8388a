from __future__ import annotations

import doctest
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from jinbiao.cli import main
from jinbiao.gold import Document, edges, write_gold_document
from jinbiao.gold.edges import has_clean_edges, trim_edges
from jinbiao.gold.lint import Waiver, lint_gold

TEXT_A = "北京市国资委召开会议。北京市经济平稳。约1200万元，近60%左右。"
TEXT_B = "《关于减免租金的通知》发布。北京的企业，2020年。"


def write(tmp_path, doc_id, text, spans):
    document = Document(doc_id, text)
    write_gold_document(tmp_path / f"{doc_id}.json", document, [document.span(*s) for s in spans])


def checks(report):
    return sorted((f.check, f.doc_id, f.span.text if f.span else None) for f in report.findings)


def test_a_clean_set_has_no_findings(tmp_path):
    write(tmp_path, "a", TEXT_A, [(0, 6, "ORG"), (11, 14, "GPE"), (20, 26, "MONEY"), (28, 31, "PERCENT")])
    write(tmp_path, "b", TEXT_B, [(1, 10, "LAW"), (14, 16, "GPE"), (20, 25, "DATE")])
    report = lint_gold(tmp_path)
    assert report.findings == [] and (report.documents, report.spans) == (2, 7)


def test_each_consistency_check_fires_on_its_case(tmp_path):
    write(tmp_path, "a", TEXT_A, [(0, 3, "ORG"), (19, 26, "MONEY"), (28, 33, "PERCENT")])
    write(tmp_path, "b", TEXT_B, [(0, 11, "LAW"), (14, 16, "GPE"), (20, 24, "DATE")])
    assert checks(lint_gold(tmp_path)) == [
        ("approximator", "a", "60%左右"),
        ("approximator", "a", "约1200万元"),
        ("edge", "b", "《关于减免租金的通知》"),
        ("law_marks", "b", "《关于减免租金的通知》"),
        ("unlabelled_occurrence", "a", "北京"),
        ("unlabelled_occurrence", "a", "北京市"),
    ]


def test_same_string_with_two_labels_is_reported_and_can_be_waived(tmp_path):
    write(tmp_path, "a", TEXT_A, [(0, 3, "GPE"), (11, 14, "ORG")])
    report = lint_gold(tmp_path)
    assert {(f.check, f.span.text) for f in report.findings} == {("inconsistent_label", "北京市")}
    assert "labelled GPE ×1, ORG ×1 in the set" in str(report.findings[0])
    waived = lint_gold(tmp_path, waivers=[Waiver("inconsistent_label", "北京市", "metonymy, see D2")])
    assert waived.findings == [] and len(waived.waived) == 2


def test_figures_inside_longer_figures_are_not_unlabelled_occurrences(tmp_path):
    write(tmp_path, "a", "有20家企业。重启2020!", [(1, 3, "CARDINAL"), (9, 13, "DATE")])
    assert lint_gold(tmp_path).findings == []


def test_invalid_files_are_findings_not_crashes(tmp_path):
    write(tmp_path, "a", TEXT_A, [(0, 6, "ORG")])
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    data["spans"][0]["text"] = "北京国资委"
    (tmp_path / "a.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    [finding] = lint_gold(tmp_path).findings
    assert finding.check == "invalid" and "text does not match the document" in str(finding)


def test_gold_check_command_exit_codes(tmp_path, capsys):
    write(tmp_path, "a", TEXT_A, [(0, 6, "ORG"), (11, 14, "GPE"), (20, 26, "MONEY"), (28, 31, "PERCENT")])
    assert main(["gold", "check", str(tmp_path), "--waivers", str(tmp_path / "none.json")]) == 0
    assert "1 documents, 4 spans: 0 findings (none), 0 waived" in capsys.readouterr().out
    write(tmp_path, "b", TEXT_B, [(0, 11, "LAW")])
    assert main(["gold", "check", str(tmp_path), "--waivers", str(tmp_path / "none.json")]) == 1
    assert main(["gold", "check", str(tmp_path / "missing")]) == 2


def test_the_edge_rule_is_the_one_the_crf_trims_to(tmp_path):
    """A closing bracket ends a span only when it closes one opened inside it: lint and CRF agree."""
    text = "佳能医疗系统(中国)有限公司，见附件1）。【通知】"
    write(tmp_path, "a", text, [(0, 14, "ORG"), (15, 20, "LAW"), (21, 25, "LAW")])
    assert checks(lint_gold(tmp_path)) == [("edge", "a", "【通知】"), ("edge", "a", "见附件1）")]
    assert [trim_edges(text, s, e) for s, e in [(0, 14), (15, 20), (21, 25)]] == [(0, 14), (15, 19), (22, 24)]


def test_the_edge_rule_examples_run():
    assert doctest.testmod(edges).failed == 0


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="北京(（)）[【]】“”，。 \u3000\n·-a1", max_size=12), st.data())
def test_what_trimming_leaves_is_what_the_lint_accepts(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    s, e = trim_edges(text, start, end)
    assert start <= s <= e <= end
    assert s == e or has_clean_edges(text[s:e])
    assert has_clean_edges(text[start:end]) == ((s, e) == (start, end) and start < end)
