"""The one atomic writer: all or nothing, no stray temporaries, gold protected by construction."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from jinbiao.gold import Document, Span, write_gold_document
from jinbiao.gold.atomic import (
    GOLD_MARKER,
    GoldProtectedError,
    atomic_directory,
    atomic_write_bytes,
    atomic_write_text,
    gold_location,
)
from jinbiao.gold.errors import OutputExistsError


def document() -> Document:
    return Document("d1", "5月9日，李刚在北京。", source="d1.txt", source_sha256="ab" * 32)


def test_a_text_write_replaces_whole_and_keeps_the_mode(tmp_path):
    target = tmp_path / "out.txt"
    atomic_write_text(target, "一\n")
    os.chmod(target, 0o640)
    atomic_write_text(target, "二\n")
    assert target.read_text(encoding="utf-8") == "二\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_an_existing_output_is_kept_without_leave(tmp_path):
    target = tmp_path / "out.txt"
    atomic_write_text(target, "old")
    with pytest.raises(OutputExistsError, match=r"out.txt exists; allow overwriting \(overwrite=True\)"):
        atomic_write_text(target, "new", overwrite=False)
    assert target.read_text() == "old"


def test_a_directory_is_swapped_in_whole_or_not_at_all(tmp_path):
    target = tmp_path / "outdir"
    with atomic_directory(target) as tmp:
        (tmp / "a.txt").write_text("a")
    assert sorted(p.name for p in target.iterdir()) == ["a.txt"]
    with pytest.raises(RuntimeError), atomic_directory(target) as tmp:
        (tmp / "b.txt").write_text("b")
        raise RuntimeError("fails half-way")
    assert sorted(p.name for p in target.iterdir()) == ["a.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outdir"]


def test_a_temporary_left_by_a_killed_writer_goes_with_the_next_write(tmp_path):
    target = tmp_path / "out.txt"
    script = (
        "import os, sys\n"
        "from jinbiao.gold import atomic\n"
        "open(atomic._temporary_name(atomic.Path(sys.argv[1])), 'w').write('half')\n"
        "os._exit(9)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(target)], check=False)
    assert [p.name for p in tmp_path.iterdir() if ".jinbiao-tmp-" in p.name]
    atomic_write_bytes(target, b"whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_gold_files_mark_their_directory_and_other_writers_are_refused(tmp_path):
    gold_dir = tmp_path / "gold"
    doc = document()
    write_gold_document(gold_dir / "d1.json", doc, [Span(5, 7, "PERSON", "李刚")])
    assert (gold_dir / GOLD_MARKER).is_file()
    assert gold_location(gold_dir / "d1.json") == gold_dir
    with pytest.raises(GoldProtectedError, match=r"d1.json: .*gold holds gold annotations; only the functions"):
        atomic_write_text(gold_dir / "d1.json", "{}")
    with pytest.raises(GoldProtectedError):
        atomic_write_text(gold_dir / "predictions.jsonl", "")
    with pytest.raises(GoldProtectedError), atomic_directory(gold_dir):
        pass
    with pytest.raises(OutputExistsError):
        write_gold_document(gold_dir / "d1.json", doc, [])
    assert sorted(p.name for p in gold_dir.iterdir()) == [GOLD_MARKER, "d1.json"]


def test_a_gold_file_outside_a_marked_directory_is_recognised_by_its_content(tmp_path):
    write_gold_document(tmp_path / "d1.json", document(), [])
    (tmp_path / GOLD_MARKER).unlink()
    assert gold_location(tmp_path / "d1.json") == tmp_path / "d1.json"
    with pytest.raises(GoldProtectedError):
        atomic_write_text(tmp_path / "d1.json", "[]")


def test_a_swap_killed_between_its_two_renames_gets_the_old_output_back(tmp_path):
    target = tmp_path / "outdir"
    target.mkdir()
    (target / "a.txt").write_text("old")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    os.replace(target, tmp_path / f".outdir.jinbiao-tmp-{dead.stdout.strip()}.old")  # what a kill leaves
    with atomic_directory(target) as tmp:
        assert (target / "a.txt").read_text() == "old"  # restored before the new output is made
        (tmp / "b.txt").write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outdir"]
    assert sorted(p.name for p in target.iterdir()) == ["b.txt"]


def test_anything_below_a_gold_directory_is_protected(tmp_path):
    write_gold_document(tmp_path / "gold" / "d1.json", document(), [])
    with pytest.raises(GoldProtectedError):
        atomic_write_text(tmp_path / "gold" / "sub" / "notes.txt", "x")
    assert not (tmp_path / "gold" / "sub").exists()
