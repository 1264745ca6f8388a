"""PNG plots with matplotlib (no pyplot, no display): per-label F1 with CI bars, precision–recall."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from jinbiao.gold import LABEL_BY_NAME


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def _errors(frame: pd.DataFrame, value: str) -> np.ndarray | None:
    low, high = f"{value}_low", f"{value}_high"
    if low not in frame or high not in frame or frame[low].isna().all():
        return None
    v = frame[value].to_numpy(dtype=float)
    lo = np.nan_to_num(v - frame[low].to_numpy(dtype=float), nan=0.0).clip(min=0)
    hi = np.nan_to_num(frame[high].to_numpy(dtype=float) - v, nan=0.0).clip(min=0)
    return np.vstack([lo, hi])


def _as_list(err: np.ndarray | None) -> list[list[float]] | None:
    # matplotlib would call math.isfinite on a one-element array row (deprecated in NumPy).
    return None if err is None else err.tolist()


def plot_label_f1(per_label: pd.DataFrame, *, title: str = "F1 per label") -> bytes:
    """Grouped bars: one group per label, one bar per system, with CI error bars when present.

    `per_label` has columns ``system``, ``label``, ``f1`` and optionally ``f1_low`` / ``f1_high``.
    """
    systems = list(dict.fromkeys(per_label["system"]))
    labels = list(dict.fromkeys(per_label["label"]))
    figure = Figure(figsize=(max(6.0, 0.6 * len(labels) * max(1, len(systems)) + 2), 4.2))
    axes = figure.add_subplot()
    width = 0.8 / max(1, len(systems))
    x = np.arange(len(labels))
    for i, system in enumerate(systems):
        rows = per_label[per_label["system"] == system].set_index("label").reindex(labels).reset_index()
        yerr = _errors(rows, "f1")
        axes.bar(
            x + (i - (len(systems) - 1) / 2) * width,
            rows["f1"].fillna(0).to_numpy(dtype=float),
            width,
            yerr=_as_list(yerr),
            capsize=2,
            label=system,
        )
    axes.set_xticks(x, labels, rotation=45, ha="right")
    for tick, label in zip(axes.get_xticklabels(), labels, strict=False):
        info = LABEL_BY_NAME.get(label)
        if info is not None:
            tick.set_color(info.colour)
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("F1")
    axes.set_title(title)
    axes.grid(axis="y", alpha=0.3)
    if systems:
        axes.legend(fontsize="small", ncols=min(4, len(systems)))
    return _png(figure)


def plot_precision_recall(table: pd.DataFrame, *, title: str = "Precision and recall") -> bytes:
    """One point per row (``system``, ``precision``, ``recall``; CI bars when present), iso-F1 curves."""
    figure = Figure(figsize=(5.2, 5.0))
    axes = figure.add_subplot()
    grid = np.linspace(0.01, 1, 200)
    for f in (0.2, 0.4, 0.6, 0.8):
        with np.errstate(divide="ignore", invalid="ignore"):
            p = f * grid / (2 * grid - f)
        ok = (p > 0) & (p <= 1)
        axes.plot(grid[ok], p[ok], color="grey", lw=0.6, alpha=0.5)
        axes.annotate(f"F1={f}", (grid[ok][-1], p[ok][-1]), fontsize=7, color="grey")
    for _, row in table.iterrows():
        xerr = _errors(pd.DataFrame([row]), "recall")
        yerr = _errors(pd.DataFrame([row]), "precision")
        axes.errorbar(
            [row["recall"]],
            [row["precision"]],
            xerr=_as_list(xerr),
            yerr=_as_list(yerr),
            fmt="o",
            capsize=2,
            label=row["system"],
        )
    axes.set_xlim(0, 1.02)
    axes.set_ylim(0, 1.02)
    axes.set_xlabel("recall")
    axes.set_ylabel("precision")
    axes.set_title(title)
    axes.grid(alpha=0.3)
    if len(table):
        axes.legend(fontsize="small")
    return _png(figure)


def save_png(data: bytes, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
