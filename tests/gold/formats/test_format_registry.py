"""The public API: format names, detection, dispatch, options, the Label Studio hook, and errors."""

from __future__ import annotations

import pytest
from format_helpers import DATA, keys

from jinbiao.cli.errors import describe
from jinbiao.gold import AnnotationSet, DocumentAnnotations, JinbiaoError, ValidationError
from jinbiao.gold.errors import OutputExistsError, Remedy
from jinbiao.gold.formats import (
    FORMATS,
    FormatSpec,
    detect_format,
    read_annotations_any,
    register_format,
    write_annotations,
)
from jinbiao.gold.formats import registry as registry_module

ALL_NAMES = (
    "jinbiao, gold, conll, conll-bioes, conll-bmes, conll-bilou, hf-pipeline, hf-datasets, spacy-json, spacy, "
    "brat, doccano, prodigy, label-studio"
)


def test_format_names():
    assert ", ".join(FORMATS) == ALL_NAMES


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("news.conll", "conll"),
        ("news_bmes.txt", "conll"),
        ("pipeline_aggregated.json", "hf-pipeline"),
        ("pipeline_tokens.jsonl", "hf-pipeline"),
        ("datasets_ids.jsonl", "hf-datasets"),
        ("spacy_tuples.json", "spacy-json"),
        ("doccano.jsonl", "doccano"),
        ("prodigy.jsonl", "prodigy"),
        ("brat", "brat"),
        ("brat/news-1.ann", "brat"),
        ("brat/news-1.txt", "brat"),
        ("../labelstudio", None),
    ],
)
def test_detects_the_fixtures(name, expected):
    if expected is None:
        with pytest.raises(JinbiaoError, match="cannot tell its format"):
            detect_format(DATA / name)
        return
    assert detect_format(DATA / name) == expected


def test_detects_gold_directories_and_label_studio_exports(tmp_path, seeds):
    from jinbiao.gold.paths import DOCUMENTS_DIR

    assert detect_format(DOCUMENTS_DIR) == "gold"
    export = tmp_path / "export.json"
    export.write_text('[{"id": 1, "data": {"text": "x"}, "annotations": []}]', encoding="utf-8")
    assert detect_format(export) == "label-studio"


def test_an_undetectable_file_names_the_remedy_in_python_and_on_the_command_line(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some prose\nand more\n", encoding="utf-8")
    with pytest.raises(JinbiaoError) as caught:
        detect_format(path)
    assert caught.value.remedy is Remedy.NAME_FORMAT
    assert str(caught.value) == (
        f"{path}: cannot tell its format (neither JSON nor character<TAB>tag lines); "
        f"name the format (format=NAME, one of {ALL_NAMES})"
    )
    assert describe(caught.value).endswith(f"name the format with --format NAME (one of {ALL_NAMES})")


def test_unknown_format_and_unknown_option(news):
    with pytest.raises(JinbiaoError, match=r"^unknown format 'csv'; name the format \(format=NAME, one of jinbiao,"):
        read_annotations_any(DATA / "news.conll", news, "csv")
    with pytest.raises(JinbiaoError) as caught:
        read_annotations_any(DATA / "news.conll", news, label_names=["O"])
    assert str(caught.value) == (
        "the conll reader takes no option 'label_names'; its options: offsets, labels, flat, extra_documents, name"
    )


def test_format_options_pass_through(news):
    from jinbiao.gold.formats import tag_names

    names = tag_names(["PERSON", "GPE", "ORG", "DATE"])
    result = read_annotations_any(DATA / "datasets_ids.jsonl", news, label_names=names)
    assert keys(result)["news-2"] == [(0, 9, "DATE", "二〇二二年五月九日"), (10, 13, "GPE", "濟南市")]


def test_python_objects_and_pipeline_output_without_a_file(news):
    assert keys(read_annotations_any({"news-1": [(0, 3, "PERSON")]}, news)) == {"news-1": [(0, 3, "PERSON", "李 刚")]}
    outputs = [[{"entity_group": "GPE", "start": 4, "end": 7, "score": 0.5}], []]
    assert keys(read_annotations_any(outputs, news, "hf-pipeline"))["news-1"] == [(4, 7, "GPE", "北京市")]
    with pytest.raises(
        JinbiaoError, match=r"^got a list: pass a path, \{document id: \[\(start, end, label\), ...\]\}"
    ):
        read_annotations_any(outputs, news)
    with pytest.raises(JinbiaoError, match=r"^got a int: pass a path"):
        read_annotations_any(3, news)


def test_documents_must_be_documents(news):
    with pytest.raises(
        JinbiaoError, match=r"documents must be jinbiao Documents \(load_gold\(path\) returns the gold's\)"
    ):
        read_annotations_any({"news-1": []}, ["news-1"])


def test_extra_documents_are_refused_with_a_remedy_or_ignored(news):
    with pytest.raises(ValidationError) as caught:
        read_annotations_any({"elsewhere": [(0, 1, "GPE")]}, news)
    assert str(caught.value) == (
        "Python objects: document elsewhere: not among the reference documents; "
        "pass the documents it annotates, or skip the others (extra_documents='ignore')"
    )
    assert describe(caught.value).endswith("pass --ignore-extra-documents to skip documents the gold does not have")
    with pytest.warns(UserWarning, match="skipped 1 annotations of documents not among the reference documents"):
        result = read_annotations_any({"elsewhere": [(0, 1, "GPE")], "news-1": []}, news, extra_documents="ignore")
    assert keys(result) == {"news-1": []}


def test_label_studio_is_named_here_and_bound_by_its_room(tmp_path, news, news_gold, monkeypatch):
    # gold alone, before annotate/labelstudio has bound the name
    monkeypatch.setattr(registry_module, "_REGISTRY", {spec.name: spec for spec in registry_module._BUILTIN})
    export = tmp_path / "export.json"
    export.write_text('[{"id": 1, "data": {"text": "x"}, "annotations": []}]', encoding="utf-8")
    with pytest.raises(JinbiaoError, match=r"^Label Studio exports are read by jinbiao.annotate.labelstudio, which"):
        read_annotations_any(export, news)

    def read_label_studio(path, documents, *, offsets, labels, flat, extra_documents, name):
        return news_gold

    register_format(FormatSpec("label-studio", "Label Studio export", read=read_label_studio))
    assert read_annotations_any(export, news) is news_gold
    with pytest.raises(JinbiaoError, match="format 'label-studio' is registered already"):
        register_format(FormatSpec("label-studio", "again", read=read_label_studio))


def test_writer_errors(tmp_path, news, news_gold):
    with pytest.raises(JinbiaoError, match="^the gold format cannot be written$"):
        write_annotations(news_gold, news, tmp_path / "g", "gold")
    with pytest.raises(
        ValidationError, match=r"out.jsonl: document news-2: annotated but not among the documents given"
    ):
        write_annotations(news_gold, news[:1], tmp_path / "out.jsonl", "doccano")
    stale = AnnotationSet(name="stale")
    stale.add(DocumentAnnotations("news-1", "0" * 64, [], None))
    with pytest.raises(ValidationError, match=r"document news-1: the annotations were made on another version"):
        write_annotations(stale, news, tmp_path / "out.jsonl", "doccano")
    path = write_annotations(news_gold, news, tmp_path / "out.conll", "conll")
    with pytest.raises(OutputExistsError):
        write_annotations(news_gold, news, path, "conll")
    write_annotations(news_gold, news, path, "conll-bioes", overwrite=True)
    assert "E-PERSON" in path.read_text(encoding="utf-8")
    with pytest.raises(JinbiaoError, match=r"^the brat writer takes no option 'scheme'; its options: overwrite$"):
        write_annotations(news_gold, news, tmp_path / "b", "brat", scheme="bio")
    with pytest.raises(JinbiaoError, match=r"^expected an AnnotationSet"):
        write_annotations({"news-1": []}, news, tmp_path / "x.jsonl", "prodigy")


def test_detection_looks_past_records_without_spans(tmp_path):
    path = tmp_path / "model.jsonl"
    path.write_text(
        '{"id": "a", "text": "x", "entities": []}\n'
        '{"id": "b", "text": "y", "entities": [{"entity_group": "GPE", "start": 0, "end": 1}]}\n',
        encoding="utf-8",
    )
    assert detect_format(path) == "hf-pipeline"
    path.write_text('{"id": "a", "text": "x", "entities": []}\n', encoding="utf-8")
    assert detect_format(path) == "spacy-json"
