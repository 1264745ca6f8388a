"""spaCy DocBin (where spaCy is installed) and the error that names the extra where it is not."""

from __future__ import annotations

import sys

import pytest
from format_helpers import keys

from jinbiao.cli.errors import describe
from jinbiao.gold import JinbiaoError, ValidationError
from jinbiao.gold.formats import read_spacy_docbin, write_spacy_docbin


def test_docbin_round_trip_with_ids_in_user_data(tmp_path, news, news_gold):
    pytest.importorskip("spacy")
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    path = write_spacy_docbin(news_gold, news, tmp_path / "train.spacy")
    docs = list(DocBin().from_disk(path).get_docs(Vocab()))
    assert [d.user_data["doc_id"] for d in docs] == ["news-1", "news-2"]
    assert docs[0].text == news[0].text
    assert [(e.start_char, e.end_char, e.label_) for e in docs[0].ents] == [
        (0, 3, "PERSON"),
        (4, 10, "ORG"),
        (14, 17, "ORG"),
        (20, 22, "GPE"),
    ]
    assert keys(read_spacy_docbin(path, news)) == keys(news_gold)


def test_overlapping_spans_go_to_a_span_group(tmp_path, news, news_gold):
    pytest.importorskip("spacy")
    news_gold.documents["news-1"].spans.append(news[0].span(4, 7, "GPE"))
    with pytest.raises(ValidationError, match=r"overlaps .* \(this format holds flat spans only\)"):
        write_spacy_docbin(news_gold, news, tmp_path / "flat.spacy")
    path = write_spacy_docbin(news_gold, news, tmp_path / "nested.spacy", spans_key="sc")
    result = read_spacy_docbin(path, news, spans_key="sc")
    assert (4, 7, "GPE", "北京市") in keys(result)["news-1"]
    assert len(result.spans("news-1")) == 5


def test_a_file_that_is_not_a_docbin(tmp_path, news):
    pytest.importorskip("spacy")
    path = tmp_path / "x.spacy"
    path.write_bytes(b"not a docbin")
    with pytest.raises(ValidationError, match=r"x.spacy: not a spaCy DocBin file"):
        read_spacy_docbin(path, news)


def test_without_spacy_the_error_names_the_extra(tmp_path, news, news_gold, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)  # makes `import spacy` fail
    with pytest.raises(JinbiaoError) as caught:
        write_spacy_docbin(news_gold, news, tmp_path / "x.spacy")
    assert str(caught.value) == (
        "spaCy DocBin (.spacy) files need spaCy, which is not installed; install it: pip install 'jinbiao[spacy]'"
    )
    assert describe(caught.value).endswith("install it with `pip install 'jinbiao[spacy]'`")
    assert not (tmp_path / "x.spacy").exists()
