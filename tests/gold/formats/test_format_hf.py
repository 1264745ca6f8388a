"""Hugging Face: pipeline output (aggregated and token level) and datasets-style JSONL."""

from __future__ import annotations

import json

import pytest
from format_helpers import DATA, keys

from jinbiao.gold import JinbiaoError, ValidationError
from jinbiao.gold.formats import (
    label_names_for,
    pipeline_annotations,
    read_hf_datasets,
    read_hf_pipeline,
    tag_names,
    write_hf_datasets,
)

NAMES = tag_names(["PERSON", "GPE", "ORG", "DATE"])


def test_aggregated_pipeline_output_keeps_overlaps_and_scores(news):
    result = read_hf_pipeline(DATA / "pipeline_aggregated.json", news)
    assert keys(result) == {
        "news-1": [
            (0, 3, "PERSON", "李 刚"),
            (4, 7, "GPE", "北京市"),
            (4, 10, "ORG", "北京市国资委"),
            (20, 22, "GPE", "上海"),
        ],
        "news-2": [],
    }
    assert [s.score for s in result.spans("news-1")] == [0.98, 0.91, 0.75, 0.5]


def test_token_level_output_joined_by_index_as_seqeval_reads_tags(news):
    result = read_hf_pipeline(DATA / "pipeline_tokens.jsonl", news)
    # index 6 is missing between 京 and 国: I-GPE after the gap starts another entity
    assert keys(result) == {
        "news-1": [(0, 3, "PERSON", "李 刚"), (4, 6, "GPE", "北京"), (7, 8, "GPE", "国")],
        "news-2": [(10, 13, "GPE", "濟南市")],
    }
    assert [s.score for s in result.spans("news-1")] == pytest.approx([0.8, 0.8, 0.5])
    assert result.spans("news-2")[0].score == pytest.approx(0.7)


def test_pipeline_output_in_python_in_document_order_or_by_id(news):
    outputs = [[{"entity_group": "PERSON", "score": 0.9, "word": "李 刚", "start": 0, "end": 3}], []]
    assert keys(pipeline_annotations(outputs, news)) == {"news-1": [(0, 3, "PERSON", "李 刚")], "news-2": []}
    by_id = pipeline_annotations({"news-2": [{"entity": "PERSON", "start": 10, "end": 13, "score": 1.0}]}, news)
    assert keys(by_id) == {"news-2": [(10, 13, "PERSON", "濟南市")]}  # a bare label reads as I-
    with pytest.raises(JinbiaoError, match=r"^1 pipeline outputs for 2 documents: pass one output per document"):
        pipeline_annotations(outputs[:1], news)


def test_token_level_output_without_index_bridges_whitespace_only(news):
    tokens = [
        {"entity": "B-PERSON", "start": 0, "end": 1, "score": 1.0},
        {"entity": "I-PERSON", "start": 2, "end": 3, "score": 1.0},  # only a space between: the same entity
        {"entity": "I-GPE", "start": 4, "end": 5, "score": 1.0},
        {"entity": "I-GPE", "start": 6, "end": 7, "score": 1.0},  # 京 between, not a token: a new entity
    ]
    assert keys(pipeline_annotations({"news-1": tokens}, news)) == {
        "news-1": [(0, 3, "PERSON", "李 刚"), (4, 5, "GPE", "北"), (6, 7, "GPE", "市")]
    }


def test_a_bare_list_of_outputs_in_a_file_is_refused(tmp_path, news):
    path = tmp_path / "bare.json"
    path.write_text(json.dumps([[{"entity_group": "GPE", "start": 4, "end": 7}], []]), encoding="utf-8")
    with pytest.raises(
        ValidationError, match=r"bare.json\[0\]: pipeline output without document ids: write \{doc_id: output\}"
    ):
        read_hf_pipeline(path, news)


def test_datasets_with_integer_tags_and_word_tokens_cut_into_documents_by_text(news):
    result = read_hf_datasets(DATA / "datasets_ids.jsonl", news, label_names=NAMES)
    assert keys(result) == {
        "news-1": [
            (0, 3, "PERSON", "李 刚"),
            (4, 10, "ORG", "北京市国资委"),
            (14, 17, "ORG", "𠮷野家"),
            (20, 22, "GPE", "上海"),
        ],
        "news-2": [(0, 9, "DATE", "二〇二二年五月九日"), (10, 13, "GPE", "濟南市")],
    }


def test_integer_tags_need_their_names(news):
    with pytest.raises(
        ValidationError, match=r"datasets_ids.jsonl:1: integer tags need their names \(give label_names"
    ):
        read_hf_datasets(DATA / "datasets_ids.jsonl", news)
    with pytest.raises(ValidationError, match=r"datasets_ids.jsonl:1: tag #3 is 5, beyond the 3 label names"):
        read_hf_datasets(DATA / "datasets_ids.jsonl", news, label_names=NAMES[:3])


def test_datasets_written_with_tag_ids_load_in_the_datasets_library(tmp_path, news, news_gold):
    datasets = pytest.importorskip("datasets")
    path = write_hf_datasets(news_gold, news, tmp_path / "train.jsonl", tags="ids")
    names = label_names_for(news_gold)
    assert names[:3] == ["O", "B-PERSON", "I-PERSON"] and len(names) == 25
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert first["doc_id"] == "news-1" and first["tokens"][:3] == ["李", "刚", "在"]
    assert [names[i] for i in first["ner_tags"][:4]] == ["B-PERSON", "I-PERSON", "O", "B-ORG"]
    loaded = datasets.load_dataset("json", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache"))
    assert loaded.num_rows == 3 and loaded[1]["tokens"][0] == "𠮷"
    assert keys(read_hf_datasets(path, news, label_names=names)) == keys(news_gold)
