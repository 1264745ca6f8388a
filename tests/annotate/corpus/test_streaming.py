"""A corpus as a stream (`open_corpus`), and offset maps kept as runs (`RunOffsets`)."""

from __future__ import annotations

import pickle
from array import array

import pytest

from jinbiao.annotate.corpus import CorpusError, load_corpus, normalize
from jinbiao.annotate.corpus.stream import iter_corpus, open_corpus
from jinbiao.gold import Document
from jinbiao.gold.document import RunOffsets, decode_offset_runs, encode_offset_runs
from jinbiao.gold.paths import ARTICLES_DIR


def test_runs_index_slice_and_iterate_like_the_map_they_keep():
    offsets = [0, 1, 2, 5, 6, 9, 10, 11]
    runs = RunOffsets.from_offsets(offsets)
    assert runs.runs() == [[0, 0, 3], [3, 5, 2], [5, 9, 3]] == encode_offset_runs(offsets)
    assert len(runs) == 8 and list(runs) == offsets
    assert [runs[i] for i in range(-8, 8)] == offsets + offsets
    assert runs[2:6] == array("q", offsets[2:6]) and runs[::3] == array("q", offsets[::3])
    assert runs == offsets and runs == RunOffsets([[0, 0, 3], [3, 5, 2], [5, 9, 3]], 8)
    assert pickle.loads(pickle.dumps(runs)) == runs
    with pytest.raises(IndexError):
        runs[8]


def test_runs_are_checked_and_merged_as_the_gold_files_write_them():
    assert RunOffsets([[0, 0, 2], [2, 2, 3], [5, 7, 0], [5, 9, 1]], 6).runs() == [[0, 0, 5], [5, 9, 1]]
    with pytest.raises(ValueError, match="offset runs are not contiguous at normalized position 3"):
        decode_offset_runs([[0, 0, 2], [3, 5, 1]], 4)
    with pytest.raises(ValueError, match="offset runs cover 2 characters, the text has 3"):
        decode_offset_runs([[0, 0, 2]], 3)
    assert RunOffsets.identity(0).runs() == [] and RunOffsets.identity(4).runs() == [[0, 0, 4]]


def test_a_document_keeps_its_map_as_runs_whatever_it_is_given(seed_raw):
    raw = seed_raw["001_c1200b36e2ca91ff"]
    result = normalize(raw)
    document = Document("d", result.text, offsets=result.offsets)
    assert isinstance(document.offsets, RunOffsets)
    assert list(document.offsets) == list(result.offsets)
    assert document.offset_runs() == encode_offset_runs(result.offsets)
    assert len(document.offset_runs()) == 9  # what it costs: 9 runs, not 4,767 characters
    assert isinstance(Document("x", "abc").offsets, RunOffsets) and Document("x", "abc").offset_runs() == [[0, 0, 3]]


def test_the_stream_gives_what_load_corpus_gives_one_at_a_time(seed_documents):
    corpus = open_corpus([ARTICLES_DIR])
    assert len(corpus) == 5
    streamed = list(corpus)
    assert [d.id for d in streamed] == sorted(seed_documents)
    for document in streamed:
        loaded = seed_documents[document.id]
        assert (document.text, document.source, document.source_sha256, document.text_sha256) == (
            loaded.text, loaded.source, loaded.source_sha256, loaded.text_sha256
        )  # fmt: skip
        assert document.offset_runs() == loaded.offset_runs()
    reports = {document.id: result.removed for document, result in corpus.with_reports()}
    assert reports["002_a8adb62852f88d4e"]["pinyin_glosses"] > 0


def test_bad_paths_fail_on_opening_and_bad_files_when_reached(tmp_path):
    with pytest.raises(CorpusError, match="no such file or directory"):
        open_corpus([tmp_path / "nope"])
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.txt").write_text("正文", encoding="utf-8")
    (tmp_path / "b" / "same.txt").write_text("正文二", encoding="utf-8")
    (tmp_path / "b" / "z.txt").write_bytes(b"")
    stream = iter_corpus([tmp_path])
    assert next(stream).text == "正文"
    with pytest.raises(CorpusError, match="document id 'same' is also"):
        next(stream)
    with pytest.raises(CorpusError, match="document id 'same' is also"):
        load_corpus([tmp_path])
