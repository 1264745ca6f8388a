"""Every Python example of docs/formats.md runs as printed, from a checkout's root."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "formats.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_every_format_has_a_section_with_a_convert_and_a_score_command():
    text = DOC.read_text(encoding="utf-8")
    for name in ("conll", "hf-pipeline", "hf-datasets", "spacy-json", "spacy", "brat", "doccano", "prodigy"):
        assert f"## {name} " in text, name
        assert f"--to {name}" in text or f"--to {name}-" in text, name
        assert f"--format {name}\n" in text, name


@pytest.mark.parametrize("number", range(len(EXAMPLES)))
def test_python_example_runs(tmp_path, monkeypatch, number):
    if "spacy_docbin" in EXAMPLES[number]:
        pytest.importorskip("spacy")
    (tmp_path / "gold").symlink_to(ROOT / "gold")
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(EXAMPLES[number], f"docs/formats.md example {number}", "exec"), {})
    for expected in re.findall(r"print\(.*\)\s+# (.+)", EXAMPLES[number]):
        assert expected.strip() in printed.getvalue()
