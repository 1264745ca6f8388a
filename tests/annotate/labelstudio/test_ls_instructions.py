"""The guideline (Markdown) as a Label Studio project's labeling instructions (HTML)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jinbiao.annotate.labelstudio.instructions import instructions_html, markdown_html
from jinbiao.gold import JinbiaoError


def test_the_markdown_guidelines_use_becomes_html() -> None:
    text = (
        "# Guideline\n\nA *span* is **exact**: `北京` → GPE, see [the spec](https://example.org/spec).\n"
        "continued line.\n\n---\n\n## Lists\n\n- one\n  more of one\n  - nested\n- two\n\n1. first\n2. second\n\n"
        "| text | label |\n|---|---:|\n| `北京` | GPE |\n\n```\n<raw> & code\n```\n"
    )
    assert markdown_html(text) == (
        "<h1>Guideline</h1>\n"
        '<p>A <em>span</em> is <strong>exact</strong>: <code>北京</code> → GPE, see <a href="https://example.org/spec">'
        "the spec</a>. continued line.</p>\n"
        "<hr>\n"
        "<h2>Lists</h2>\n"
        "<ul><li>one more of one<ul><li>nested</li></ul></li><li>two</li></ul>\n"
        "<ol><li>first</li><li>second</li></ol>\n"
        "<table><thead><tr><th>text</th><th>label</th></tr></thead>"
        "<tbody><tr><td><code>北京</code></td><td>GPE</td></tr></tbody></table>\n"
        "<pre><code>&lt;raw&gt; &amp; code</code></pre>\n"
    )


def test_raw_html_in_a_guideline_is_text() -> None:
    assert markdown_html("<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"


def test_the_shipped_guideline_and_a_users_own(tmp_path: Path) -> None:
    shipped = instructions_html()
    assert shipped.startswith("<h1>Annotation guideline: Chinese named-entity gold standard</h1>\n")
    assert "<h3>2.1 PERSON</h3>" in shipped and shipped.count("<table>") >= 5
    own = tmp_path / "guide.md"
    own.write_text("# 我们的规范\n\n只标人名。\n", encoding="utf-8")
    assert instructions_html(own, preface="# Adjudication\n\nKeep one reading.") == (
        "<h1>Adjudication</h1>\n<p>Keep one reading.</p>\n<h1>我们的规范</h1>\n<p>只标人名。</p>\n"
    )
    with pytest.raises(JinbiaoError, match=r"no such guideline file; give a Markdown file$"):
        instructions_html(tmp_path / "missing.md")
