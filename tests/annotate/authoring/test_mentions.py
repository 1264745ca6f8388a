from __future__ import annotations

import pytest

from jinbiao.annotate.authoring.mentions import Mention, MentionError, align_mentions, read_mentions, render_numbered
from jinbiao.gold import Document

TEXT = "标题\n\n首农食品建“24小时保障体系”，即24小时生产，24小时配送。"


def test_numbered_lines_skip_blank_lines():
    assert render_numbered(Document("d", TEXT)).splitlines()[1].startswith("[2] 首农食品建")


def test_sequential_placement_and_explicit_occurrence():
    document = Document("d", TEXT)
    sequential = align_mentions(document, [Mention(2, "24小时", "TIME"), Mention(2, "24小时", "TIME")])
    assert [s.start for s in sequential] == [10, 21]  # the quoted one is taken: ambiguous without n
    explicit = align_mentions(document, [Mention(2, "24小时", "TIME", 2), Mention(2, "24小时", "TIME", 3)])
    assert [s.start for s in explicit] == [21, 28]
    assert all(document.text[s.start : s.end] == "24小时" for s in explicit)


def test_unplaceable_mentions_are_refused():
    document = Document("d", TEXT)
    with pytest.raises(MentionError, match="document d: '北京' \\(GPE\\) is not on line 2"):
        align_mentions(document, [Mention(2, "北京", "GPE")])
    with pytest.raises(MentionError, match="is not on line 2"):
        align_mentions(document, [Mention(2, "24小时", "TIME", 4)])


def test_read_mentions_keeps_the_occurrence(tmp_path):
    path = tmp_path / "d.jsonl"
    records = '{"line": 2, "text": "24小时", "label": "TIME", "n": 3}\n{"p": 1, "text": "标题", "label": "LAW"}\n'
    path.write_text(records)
    assert read_mentions(path) == [Mention(2, "24小时", "TIME", 3), Mention(1, "标题", "LAW")]
    path.write_text("{not json}\n")
    with pytest.raises(MentionError, match="line 1 is not a mention record"):
        read_mentions(path)


def test_spans_written_as_mentions_align_back_to_the_same_spans(seed_documents):
    from jinbiao.annotate.authoring.mentions import spans_to_mentions
    from jinbiao.baselines import get_extractor

    document = seed_documents["000_a6fffb90fc454c54"]
    spans = get_extractor("rules").extract(document)
    mentions = spans_to_mentions(document, spans)
    assert [s.key for s in align_mentions(document, mentions)] == [s.key for s in spans]
