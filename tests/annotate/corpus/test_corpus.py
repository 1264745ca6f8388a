from __future__ import annotations

import pytest

from jinbiao.annotate.corpus import CorpusError, EncodingWarning, load_corpus
from jinbiao.cli import main
from jinbiao.gold import sha256_bytes
from jinbiao.gold.paths import ARTICLES_DIR

SEEDS = ARTICLES_DIR.parent.parent.parent / "shared" / "seeds"


def test_articles_are_the_seeds_byte_for_byte():
    names = sorted(p.name for p in ARTICLES_DIR.glob("*.txt"))
    assert len(names) == 5
    if SEEDS.is_dir():
        for name in names:
            assert (ARTICLES_DIR / name).read_bytes() == (SEEDS / name).read_bytes()


def test_ids_are_file_stems_and_sources_relative(seed_documents):
    assert sorted(seed_documents) == sorted(p.stem for p in ARTICLES_DIR.glob("*.txt"))
    document = seed_documents["000_a6fffb90fc454c54"]
    assert document.source == "000_a6fffb90fc454c54.txt"
    assert document.source_sha256 == sha256_bytes((ARTICLES_DIR / document.source).read_bytes())


def test_bom_is_dropped_and_gb18030_is_decoded_with_a_warning(tmp_path):
    (tmp_path / "a.txt").write_bytes("\ufeff北京市国资委".encode())
    (tmp_path / "b.txt").write_bytes("济南市国资委召开会议".encode("gb18030"))
    with pytest.warns(EncodingWarning, match="b.txt: not UTF-8, decoded as GB18030"):
        documents = load_corpus([tmp_path])
    assert [d.text for d in documents] == ["北京市国资委", "济南市国资委召开会议"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"  \n\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "looks binary"),
        (b"\xff\xfe\xfa\xfb\xfc", r"not UTF-8 \(bad byte at 0\) nor GB18030"),
        ("收藏\n0\n".encode(), "nothing left after normalization"),
    ],
)
def test_bad_files_are_reported_by_name(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=message) as raised:
        load_corpus([path])
    assert str(raised.value).startswith(str(path))


def test_missing_paths_and_empty_directories(tmp_path):
    with pytest.raises(CorpusError, match="no such file or directory"):
        load_corpus([tmp_path / "nope"])
    with pytest.raises(CorpusError, match="no .txt files in this directory"):
        load_corpus([tmp_path])


def test_duplicate_ids_are_refused(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "same.txt").write_text("正文", encoding="utf-8")
    with pytest.raises(CorpusError, match="document id 'same' is also"):
        load_corpus([tmp_path])


def test_normalize_command_reports_steps_and_errors(capsys, tmp_path):
    assert main(["normalize", str(ARTICLES_DIR / "002_a8adb62852f88d4e.txt")]) == 0
    out = capsys.readouterr().out
    assert "pinyin_glosses" in out and "002_a8adb62852f88d4e  6994        1955" in out
    assert main(["normalize", "--show", str(ARTICLES_DIR / "004_eec69a4a243fa1f5.txt")]) == 0
    assert capsys.readouterr().out.startswith("【聚焦复工复产】")
    assert main(["normalize", str(tmp_path / "missing.txt")]) == 2
    assert (
        capsys.readouterr().err.strip()
        == f"jinbiao normalize: error: {tmp_path / 'missing.txt'}: no such file or directory"
    )
    assert main(["normalize", "-o", str(tmp_path / "n"), str(ARTICLES_DIR)]) == 0
    assert (tmp_path / "n" / "002_a8adb62852f88d4e.txt").read_text(encoding="utf-8").startswith("濟南市國資委")


def test_links_that_lead_nowhere_are_reported_not_skipped(tmp_path):
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    with pytest.raises(CorpusError, match=r"loop\.txt: a symbolic link loop \(following it never reaches a file\)$"):
        load_corpus([tmp_path / "loop.txt"])
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text("正文", encoding="utf-8")
    (folder / "b.txt").symlink_to("gone.txt")
    broken = r"b\.txt: a broken symbolic link \(to gone\.txt, which does not exist\); fix"
    with pytest.raises(CorpusError, match=broken):
        load_corpus([folder])


def test_normalized_files_are_written_all_or_nothing(tmp_path, seed_documents):
    from jinbiao.annotate.corpus import normalized_files, write_normalized
    from jinbiao.gold.atomic import GoldProtectedError
    from jinbiao.gold.errors import OutputExistsError
    from jinbiao.gold.paths import DOCUMENTS_DIR

    documents = list(seed_documents.values())
    out = tmp_path / "n"
    written = write_normalized(documents, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(n for d in documents for n in normalized_files(d))
    assert [p.parent for p in written] == [out] * 10
    assert (out / f"{documents[0].id}.txt").read_text(encoding="utf-8") == documents[0].text + "\n"
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(OutputExistsError, match="n exists and is not empty"):
        write_normalized(documents[:1], out)

    def fails_on_the_third():
        yield from documents[:2]
        raise CorpusError("third.txt: empty file")

    with pytest.raises(CorpusError):
        write_normalized(fails_on_the_third(), out, overwrite=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n"]
    write_normalized(documents[:1], out, overwrite=True)
    assert len(list(out.iterdir())) == 2
    with pytest.raises(GoldProtectedError):
        write_normalized(documents, DOCUMENTS_DIR, overwrite=True)
