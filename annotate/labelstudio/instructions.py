"""A guideline in Markdown as a Label Studio project's labeling instructions (HTML).

Label Studio shows a project's `expert_instruction` (HTML) before labeling when `show_instruction`
is on, and behind the instructions button while labeling. This module turns the Markdown a
guideline is written in (`gold/GUIDELINES.md`, or a user's own) into that HTML: headings,
paragraphs, nested lists, pipe tables, fenced code, rules, and inline code, bold, italics and
links. Everything else is text, escaped: no raw HTML from the guideline reaches the page.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from jinbiao.gold import JinbiaoError
from jinbiao.gold.paths import GUIDELINES

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_TABLE_DIVIDER = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_INLINE = re.compile(r"(`+)(.+?)\1|\*\*(.+?)\*\*|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|\[([^\]]+)\]\(([^)\s]+)\)")


def inline_html(text: str) -> str:
    """Code spans, bold, italics and links; the rest escaped."""
    out, position = [], 0
    for match in _INLINE.finditer(text):
        out.append(html.escape(text[position : match.start()]))
        code, strong, emphasis, link_text, target = match.group(2, 3, 4, 5, 6)
        if code is not None:
            out.append(f"<code>{html.escape(code.strip())}</code>")
        elif strong is not None:
            out.append(f"<strong>{inline_html(strong)}</strong>")
        elif emphasis is not None:
            out.append(f"<em>{inline_html(emphasis)}</em>")
        else:
            out.append(f'<a href="{html.escape(target, quote=True)}">{inline_html(link_text)}</a>')
        position = match.end()
    out.append(html.escape(text[position:]))
    return "".join(out)


def _cells(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)]


def _table(lines: list[str]) -> str:
    head = "".join(f"<th>{inline_html(cell)}</th>" for cell in _cells(lines[0]))
    rows = "".join("<tr>" + "".join(f"<td>{inline_html(c)}</td>" for c in _cells(row)) + "</tr>" for row in lines[2:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _list(items: list[tuple[int, bool, str]]) -> str:
    """Nested lists from (indent, ordered, text) items."""
    out: list[str] = []
    stack: list[tuple[int, str]] = []  # (indent, tag) of the open lists
    for indent, ordered, text in items:
        tag = "ol" if ordered else "ul"
        while stack and indent < stack[-1][0]:
            out.append(f"</li></{stack.pop()[1]}>")
        if not stack or indent > stack[-1][0]:
            out.append(f"<{tag}><li>")
            stack.append((indent, tag))
        else:
            out.append("</li><li>")
        out.append(inline_html(text))
    while stack:
        out.append(f"</li></{stack.pop()[1]}>")
    return "".join(out)


def markdown_html(text: str) -> str:
    """The HTML of a Markdown text (the subset guidelines use; see the module's docstring)."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if line.lstrip().startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].lstrip().startswith("```"):
                j += 1
            out.append(f"<pre><code>{html.escape(chr(10).join(lines[i + 1 : j]))}</code></pre>")
            i = j + 1
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            out.append(f"<h{level}>{inline_html(heading.group(2))}</h{level}>")
            i += 1
            continue
        if _RULE.match(line):
            out.append("<hr>")
            i += 1
            continue
        if "|" in line and i + 1 < len(lines) and _TABLE_DIVIDER.match(lines[i + 1]):
            j = i + 2
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                j += 1
            out.append(_table(lines[i:j]))
            i = j
            continue
        if _BULLET.match(line):
            items: list[tuple[int, bool, str]] = []
            while i < len(lines) and lines[i].strip():
                bullet = _BULLET.match(lines[i])
                if bullet:
                    indent, marker, body = bullet.groups()
                    items.append((len(indent), marker[0].isdigit(), body))
                elif items:  # a continuation line of the item above
                    indent, ordered, body = items[-1]
                    items[-1] = (indent, ordered, f"{body} {lines[i].strip()}")
                i += 1
            out.append(_list(items))
            continue
        paragraph = []
        while i < len(lines) and lines[i].strip() and not _starts_block(lines, i):
            paragraph.append(lines[i].strip())
            i += 1
        out.append(f"<p>{inline_html(' '.join(paragraph))}</p>")
    return "\n".join(out) + "\n"


def _starts_block(lines: list[str], i: int) -> bool:
    line = lines[i]
    if _HEADING.match(line) or _BULLET.match(line) or _RULE.match(line) or line.lstrip().startswith("```"):
        return True
    return "|" in line and i + 1 < len(lines) and bool(_TABLE_DIVIDER.match(lines[i + 1]))


def read_guideline(path: str | os.PathLike[str] | None = None) -> str:
    """The guideline's Markdown: `path`, else the shipped `gold/GUIDELINES.md`."""
    source = Path(path) if path else GUIDELINES
    try:
        return source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise JinbiaoError(f"{source}: no such guideline file; give a Markdown file") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8"
        raise JinbiaoError(f"{source}: cannot read the guideline ({reason})") from None


def instructions_html(path: str | os.PathLike[str] | None = None, *, preface: str = "") -> str:
    """The labeling instructions of a project: `preface` (Markdown) and then the guideline."""
    text = read_guideline(path)
    return markdown_html(f"{preface}\n\n{text}" if preface else text)


__all__ = ["inline_html", "instructions_html", "markdown_html", "read_guideline"]
