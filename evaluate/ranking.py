"""A leaderboard: systems scored on one gold, with CIs and a paired test of each against the best.

Pure: it takes annotation sets (however they were made) and returns tables; the writers put
Markdown, HTML, JSON, CSV and PNG files in a directory.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jinbiao.gold import JinbiaoError, atomic_write_text
from jinbiao.gold.atomic import atomic_directory

from .alignment import Alignment, align
from .inputs import SpansLike
from .intervals import few_units_caution
from .plots import plot_label_f1, plot_precision_recall, save_png
from .report_html import html_report
from .report_text import format_table, to_markdown
from .schemes import ALL_SCHEMES, check_scheme
from .scores import score
from .significance import PairedTest, paired_test


@dataclass
class Leaderboard:
    scheme: str
    table: pd.DataFrame  # one row per system, best first
    per_label: pd.DataFrame  # system × label
    schemes: pd.DataFrame  # system × F1 in every scheme
    tests: dict[str, PairedTest]  # system -> its test against the best
    alignments: dict[str, Alignment] = field(repr=False)
    n_resamples: int = 1000
    seed: int | None = 0
    confidence: float = 0.95
    method: str = "permutation"
    units: str = "document"

    @property
    def best(self) -> str | None:
        return None if self.table.empty else str(self.table["system"].iloc[0])

    @property
    def cautions(self) -> list[str]:
        """What a reader must know before trusting the intervals and p-values (too few units)."""
        alignment = next(iter(self.alignments.values()), None)
        if alignment is None:
            return []
        n_units = alignment.n_units(self.units)
        found = [few_units_caution(n_units, self.units)]
        if self.method == "bootstrap":
            found.append(few_units_caution(n_units, self.units, test=True))
        elif n_units < 10:
            found.append(f"with {n_units} {self.units}s no permutation p-value can fall below {2 / 2**n_units:.4g}")
        return [caution for caution in found if caution]

    def summary(self) -> str:
        """The table as printed by `jinbiao leaderboard`."""
        columns = ["rank", "system", "precision", "recall", "f1", "f1_low", "f1_high", "p_vs_best"]
        head = (
            f"scheme {self.scheme}; {int(self.confidence * 100)}% bootstrap CIs over {self.units}s "
            f"({self.n_resamples} resamples, seed {self.seed}); p: {self.method} test against the best\n"
        )
        notes = "".join(f"caution: {caution}\n" for caution in self.cautions)
        return head + format_table(self.table[columns]) + notes


def leaderboard(
    gold: SpansLike,
    systems: Mapping[str, SpansLike | Alignment],
    *,
    scheme: str = "strict",
    n_resamples: int = 1000,
    seed: int | None = 0,
    confidence: float = 0.95,
    method: str = "permutation",
    units: str = "document",
    alpha: float = 0.05,
) -> Leaderboard:
    """Score every system against `gold`; rank by F1 under `scheme` (ties by name)."""
    scheme = check_scheme(scheme)
    if not systems:
        raise JinbiaoError("a leaderboard needs at least one system")
    alignments = {
        name: system if isinstance(system, Alignment) else align(gold, system, pred_file=name)
        for name, system in systems.items()
    }
    rows, labels, overview = [], [], []
    for name, alignment in alignments.items():
        common = {"ci": True, "n_resamples": n_resamples, "seed": seed, "confidence": confidence, "units": units}
        by_label = score(
            alignment, scheme=scheme, by="label", **common
        )  # one bootstrap: its micro avg is the overall row
        overall = by_label[by_label["label"] == "micro avg"].iloc[0].drop("label").to_dict()
        overall["system"] = name
        rows.append(overall)
        per_label = by_label[~by_label["label"].str.endswith(" avg")].copy()
        per_label.insert(0, "system", name)
        labels.append(per_label)
        all_schemes = score(alignment, scheme="all")
        overview.append(
            {
                "system": name,
                **{f"f1_{s}": float(f) for s, f in zip(all_schemes["scheme"], all_schemes["f1"], strict=False)},
            }
        )
    table = pd.DataFrame(rows)
    table = table.sort_values(["f1", "system"], ascending=[False, True], kind="stable").reset_index(drop=True)
    best = str(table["system"].iloc[0])
    tests: dict[str, PairedTest] = {}
    p_values = []
    for name in table["system"]:
        if name == best:
            p_values.append(float("nan"))
            continue
        test = paired_test(
            None,
            alignments[best],
            alignments[name],
            scheme=scheme,
            method=method,
            units=units,
            n_resamples=n_resamples,
            seed=seed,
        )
        tests[name] = test
        p_values.append(test.p_value)
    table.insert(0, "rank", range(1, len(table) + 1))
    table["p_vs_best"] = p_values
    table["significant"] = [None if pd.isna(p) else bool(p < alpha) for p in p_values]
    columns = [
        "rank",
        "system",
        "precision",
        "recall",
        "f1",
        "precision_low",
        "precision_high",
        "recall_low",
        "recall_high",
        "f1_low",
        "f1_high",
        "p_vs_best",
        "significant",
        "support",
        "predicted",
        "correct",
        "incorrect",
        "partial",
        "missing",
        "spurious",
    ]
    order = {name: i for i, name in enumerate(table["system"])}
    per_label = pd.concat(labels, ignore_index=True)
    per_label = per_label.sort_values("system", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    schemes_frame = pd.DataFrame(overview)
    schemes_frame = schemes_frame.sort_values("system", key=lambda s: s.map(order), kind="stable").reset_index(
        drop=True
    )
    return Leaderboard(
        scheme=scheme,
        table=table[columns],
        per_label=per_label,
        schemes=schemes_frame[["system", *(f"f1_{s}" for s in ALL_SCHEMES)]],
        tests=tests,
        alignments=alignments,
        n_resamples=n_resamples,
        seed=seed,
        confidence=confidence,
        method=method,
        units=units,
    )


def leaderboard_markdown(board: Leaderboard) -> str:
    main_columns = ["rank", "system", "precision", "recall", "f1", "f1_low", "f1_high", "p_vs_best", "significant"]
    label_table = board.per_label.pivot(index="label", columns="system", values="f1").reset_index()
    label_table.columns.name = None
    return "\n".join(
        [
            f"# Leaderboard ({board.scheme})",
            "",
            f"F1 with {int(board.confidence * 100)}% percentile bootstrap intervals over {board.units}s "
            f"({board.n_resamples} resamples, seed {board.seed}); `p_vs_best` is a paired {board.method} test "
            "of each system's F1 against the best one's.",
            "",
            *[f"**Caution:** {caution}\n" for caution in board.cautions],
            to_markdown(board.table[main_columns]),
            "## F1 in every scheme",
            "",
            to_markdown(board.schemes),
            f"## F1 per label ({board.scheme})",
            "",
            to_markdown(label_table),
        ]
    )


def write_leaderboard(board: Leaderboard, out_dir: str | Path, *, documents_of: str | None = None) -> list[Path]:
    """Write leaderboard.md / .html / .json / .csv and the two PNGs to `out_dir`; return the paths.

    The HTML shows the documents as scored for `documents_of` (default: the best system).
    """
    with atomic_directory(out_dir) as tmp:
        written = _write_files(board, tmp, documents_of)
    return [Path(out_dir) / path.name for path in written]


def _write_files(board: Leaderboard, out: Path, documents_of: str | None) -> list[Path]:
    f1_png = plot_label_f1(
        board.per_label, title=f"F1 per label ({board.scheme}) with {int(board.confidence * 100)}% CIs"
    )
    pr_png = plot_precision_recall(board.table, title=f"Precision and recall ({board.scheme})")
    paths = [
        atomic_write_text(out / "leaderboard.md", leaderboard_markdown(board)),
        atomic_write_text(out / "leaderboard.csv", board.table.to_csv(index=False)),
        atomic_write_text(
            out / "leaderboard.json",
            json.dumps(
                {
                    "scheme": board.scheme,
                    "confidence": board.confidence,
                    "n_resamples": board.n_resamples,
                    "seed": board.seed,
                    "method": board.method,
                    "units": board.units,
                    "cautions": board.cautions,
                    "systems": json.loads(board.table.to_json(orient="records", force_ascii=False)),
                    "schemes": json.loads(board.schemes.to_json(orient="records", force_ascii=False)),
                    "per_label": json.loads(board.per_label.to_json(orient="records", force_ascii=False)),
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n",
        ),
        save_png(f1_png, out / "leaderboard_f1_per_label.png"),
        save_png(pr_png, out / "leaderboard_precision_recall.png"),
    ]
    shown = documents_of or board.best
    page = html_report(
        title=f"jinbiao leaderboard ({board.scheme})",
        notes=[
            f"{int(board.confidence * 100)}% percentile bootstrap CIs over {board.units}s, {board.n_resamples} "
            f"resamples, seed {board.seed}; p_vs_best: paired {board.method} test against {board.best}.",
            *[f"Caution: {caution}" for caution in board.cautions],
        ],
        tables=[
            ("Systems", board.table),
            ("F1 in every scheme", board.schemes),
            (f"Per label ({board.scheme})", board.per_label),
        ],
        images=[("F1 per label", f1_png), ("Precision and recall", pr_png)],
        alignment=board.alignments.get(shown) if shown else None,
    )
    paths.append(atomic_write_text(out / "leaderboard.html", page))
    return paths
