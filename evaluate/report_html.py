"""A self-contained HTML report: tables, embedded PNG plots, and each document with gold and
predicted spans side by side in the label colours, false negatives and false positives marked."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jinbiao.gold import LABEL_BY_NAME, Span

from .alignment import Alignment
from .schemes import CORRECT

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Noto Sans SC",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}h3{font-size:1em;margin:1.2em 0 .4em}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:2px 8px}td.n{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f3f3f3}
.docs{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.text{white-space:pre-wrap;line-height:2.1;border:1px solid #ddd;padding:.6em;border-radius:4px}
mark{border-radius:3px;padding:1px 0;border-bottom:2px solid transparent;color:inherit}
mark.fn,mark.fp{outline:2px dashed #d00;outline-offset:1px}
mark sub{font-size:.6em;font-weight:600;margin-left:1px}
.legend span{display:inline-block;margin-right:.8em}
.swatch{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:middle;margin-right:.2em}
img{max-width:100%}
.muted{color:#777}
.scroll{overflow-x:auto}
"""


def _colour(label: str) -> str:
    info = LABEL_BY_NAME.get(label)
    return info.colour if info is not None else "#888888"


def table_html(frame: pd.DataFrame, *, digits: int = 4) -> str:
    """A DataFrame as an HTML table, every cell escaped."""
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for row in frame.itertuples(index=False):
        cells = []
        for value, is_number in zip(row, numeric, strict=False):
            if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
                text = ""
            elif isinstance(value, (float, np.floating)):
                text = f"{value:.{digits}f}"
            else:
                text = str(value)
            cells.append(f'<td class="n">{html.escape(text)}</td>' if is_number else f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def highlight(text: str, spans: Sequence[Span], errors: Sequence[bool], *, kind: str) -> str:
    """`text` with `spans` as coloured marks; spans flagged in `errors` get the class `kind`."""
    bounds = sorted({0, len(text), *(s.start for s in spans), *(min(s.end, len(text)) for s in spans)})
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        covering = [i for i, s in enumerate(spans) if s.start <= a and b <= s.end]
        piece = html.escape(text[a:b])
        if not covering:
            out.append(piece)
            continue
        i = covering[-1]
        span = spans[i]
        colour = _colour(span.label)
        status = kind if errors[i] else "ok"
        tip = html.escape(f"{span.label} [{span.start}, {span.end}) {'error' if errors[i] else 'correct'}")
        tag = f"<sub>{html.escape(span.label)}</sub>" if b == span.end else ""
        out.append(
            f'<mark class="{status}" style="background:{colour}33;border-bottom-color:{colour}" title="{tip}">'
            f"{piece}{tag}</mark>"
        )
    return "".join(out)


def document_views(alignment: Alignment, *, max_documents: int | None = None) -> str:
    """Each document: gold on the left, predictions on the right; strict errors outlined."""
    matching = alignment.matchings["strict"]
    parts = []
    doc_ids = alignment.doc_ids if max_documents is None else alignment.doc_ids[:max_documents]
    for index, doc_id in enumerate(doc_ids):
        text = alignment.texts.get(doc_id)
        g_idx = np.flatnonzero(alignment.gold.doc == index)
        p_idx = np.flatnonzero(alignment.pred.doc == index)
        g_spans = [alignment.gold.spans[i] for i in g_idx]
        p_spans = [alignment.pred.spans[i] for i in p_idx]
        fn = [bool(matching.gold_category[i] != CORRECT) for i in g_idx]
        fp = [bool(matching.pred_category[i] != CORRECT) for i in p_idx]
        if text is None:
            text = " " * int(alignment.extent[index])
        parts.append(
            f'<h3 id="doc-{html.escape(doc_id)}">{html.escape(doc_id)} '
            f'<span class="muted">{sum(fn)} false negative(s), {sum(fp)} false positive(s)</span></h3>'
            '<div class="docs">'
            f"<div><b>{html.escape(alignment.gold_name)}</b>"
            f'<div class="text">{highlight(text, g_spans, fn, kind="fn")}</div></div>'
            f"<div><b>{html.escape(alignment.pred_name)}</b>"
            f'<div class="text">{highlight(text, p_spans, fp, kind="fp")}</div></div>'
            "</div>"
        )
    return "".join(parts)


def legend(labels: Sequence[str]) -> str:
    items = "".join(
        f'<span><i class="swatch" style="background:{_colour(label)}"></i>{html.escape(label)}</span>'
        for label in labels
    )
    return (
        f'<p class="legend">{items}</p><p class="muted">A dashed red outline marks a false negative (left) '
        "or a false positive (right) under strict matching.</p>"
    )


def image_html(png: bytes, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def html_report(
    *,
    title: str,
    tables: Sequence[tuple[str, pd.DataFrame]] = (),
    images: Sequence[tuple[str, bytes]] = (),
    alignment: Alignment | None = None,
    max_documents: int | None = None,
    notes: Sequence[str] = (),
) -> str:
    """One self-contained page: headed tables, embedded plots, then the documents of `alignment`."""
    body = [f"<h1>{html.escape(title)}</h1>"]
    body += [f"<p>{html.escape(note)}</p>" for note in notes]
    for heading, frame in tables:
        body.append(f'<h2>{html.escape(heading)}</h2><div class="scroll">{table_html(frame)}</div>')
    if images:
        body.append("<h2>Plots</h2>" + "".join(image_html(png, caption) for caption, png in images))
    if alignment is not None:
        body.append(f"<h2>Documents: {html.escape(alignment.gold_name)} and {html.escape(alignment.pred_name)}</h2>")
        body.append(legend(alignment.labels))
        body.append(document_views(alignment, max_documents=max_documents))
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
