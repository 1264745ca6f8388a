"""brat standoff: entities read and checked, other lines counted, discontinuous spans refused."""

from __future__ import annotations

import pytest
from format_helpers import DATA, keys

from jinbiao.gold import ValidationError
from jinbiao.gold.formats import FormatWarning, read_brat, write_brat


def test_reads_a_directory_with_raw_offsets_and_counts_what_it_skips(news):
    with pytest.warns(FormatWarning, match=r"brat: skipped 1 attributes, 1 notes, 1 relations"):
        result = read_brat(DATA / "brat", news, offsets="raw")
    assert keys(result) == {
        "news-1": [(0, 3, "PERSON", "李 刚"), (4, 7, "GPE", "北京市"), (4, 10, "ORG", "北京市国资委")],
        # news-2.txt is the raw article: "濟(ji)南市" at raw [12, 19) is 濟南市 at [10, 13)
        "news-2": [(0, 9, "DATE", "二〇二二年五月九日"), (10, 13, "GPE", "濟南市")],
    }
    assert result.meta["skipped"] == {"attributes": 1, "notes": 1, "relations": 1}


def test_a_raw_article_read_as_normalized_names_the_remedy(news):
    with pytest.raises(ValidationError) as caught:
        read_brat(DATA / "brat", news)
    assert str(caught.value) == (
        f"{DATA / 'brat' / 'news-2.ann'}: document news-2: its text is the raw article, not the normalized text; "
        "if its offsets count in the raw article files, read them as raw offsets (offsets='raw')"
    )


def test_one_ann_file_or_the_txt_beside_it(news):
    with pytest.warns(FormatWarning):
        by_ann = read_brat(DATA / "brat" / "news-1.ann", news)
    with pytest.warns(FormatWarning):
        by_txt = read_brat(DATA / "brat" / "news-1.txt", news)
    assert (
        keys(by_ann)
        == keys(by_txt)
        == {"news-1": [(0, 3, "PERSON", "李 刚"), (4, 7, "GPE", "北京市"), (4, 10, "ORG", "北京市国资委")]}
    )


def test_a_discontinuous_entity_is_refused_naming_file_and_line(news):
    with pytest.raises(ValidationError) as caught:
        read_brat(DATA / "brat_discontinuous", news)
    assert str(caught.value) == (
        f"{DATA / 'brat_discontinuous' / 'news-1.ann'}:2: discontinuous entity T2 (ORG 4 7;8 10): jinbiao spans are "
        "contiguous (split it into contiguous entities, or keep one fragment)"
    )


def test_an_entity_text_that_differs_is_refused(tmp_path, news):
    (tmp_path / "news-1.txt").write_text(news[0].text, encoding="utf-8")
    (tmp_path / "news-1.ann").write_text("T1\tPERSON 0 3\t李刚\n", encoding="utf-8")
    with pytest.raises(
        ValidationError, match=r"news-1.ann:1: document news-1: span \[0, 3\) PERSON '李刚': text does not "
    ):
        read_brat(tmp_path, news)


def test_writes_txt_ann_and_annotation_conf(tmp_path, news, news_gold):
    out = write_brat(news_gold, news, tmp_path / "brat")
    assert sorted(p.name for p in out.iterdir()) == [
        "annotation.conf",
        "news-1.ann",
        "news-1.txt",
        "news-2.ann",
        "news-2.txt",
    ]
    assert (out / "news-1.ann").read_text(encoding="utf-8") == (
        "T1\tPERSON 0 3\t李 刚\nT2\tORG 4 10\t北京市国资委\nT3\tORG 14 17\t𠮷野家\nT4\tGPE 20 22\t上海\n"
    )
    assert (out / "news-2.txt").read_text(encoding="utf-8") == news[1].text
    assert (out / "annotation.conf").read_text(encoding="utf-8").startswith("[entities]\nPERSON\nORG\nGPE\n")
    assert keys(read_brat(out, news)) == keys(news_gold)
