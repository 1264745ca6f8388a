"""A team's figures that need both the Label Studio room and the scoring room: agreement before
adjudication, how much of the pre-annotation each annotator kept, and the datasheet's figures of
the gold set a team made. Library functions a notebook calls as the command line does
(`jinbiao team agree`, `jinbiao adjudicate`, `jinbiao datasheet`)::

    from jinbiao.annotate.labelstudio.client import connect
    from jinbiao.annotate.labelstudio.team import pull_team
    from jinbiao.team import datasheet_markdown, team_agreement, team_agreement_html, team_agreement_text

    result = team_agreement(pull_team(connect(), "新闻金标"))
    print(team_agreement_text(result))
    open("agreement.html", "w").write(team_agreement_html(result))
    print(datasheet_markdown("new-gold"))
"""

from __future__ import annotations

import html
import itertools
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinbiao.gold import AnnotationSet, DocumentAnnotations, JinbiaoError

if TYPE_CHECKING:
    import pandas as pd

    from jinbiao.annotate.labelstudio.adjudication import Comparison
    from jinbiao.annotate.labelstudio.team import TeamPull

# ------------------------------------------------------------------------------- agreement


@dataclass
class TeamAgreement:
    """Agreement of a team's annotators before adjudication, and what pre-annotation saved them."""

    team_pull: TeamPull
    pairs: pd.DataFrame  # a, b, documents, f1_<scheme>…, kappa, alpha
    alpha: float  # Krippendorff's alpha over all annotators (characters)
    per_label: pd.DataFrame  # a, b, label, a spans, b spans, agreed, f1 (strict)
    per_annotator: pd.DataFrame  # annotator, documents, spans, mean strict F1 with the others
    per_document: pd.DataFrame  # document, annotators, spans, agreement (mean pairwise strict F1), disagreements
    acceptance: pd.DataFrame  # annotator, label, predicted, kept, final spans, precision, recall, accepted…
    comparisons: dict[str, Comparison]

    def lead_fields(self) -> dict[str, dict[str, Any]]:
        """The lead project's data-manager columns, per document."""
        fields = {}
        for row in self.per_document.itertuples(index=False):
            agreement = None if row.agreement != row.agreement else round(float(row.agreement), 3)  # NaN: none yet
            fields[row.document] = {
                "agreement": agreement,
                "annotated": row.annotated,
                "disagreements": None if row.disagreements < 0 else int(row.disagreements),
            }
        return fields


def _subset(annotation_set: AnnotationSet, doc_ids: Sequence[str]) -> AnnotationSet:
    out = AnnotationSet(name=annotation_set.name, kind=annotation_set.kind)
    for doc_id in doc_ids:
        doc = annotation_set.documents[doc_id]
        out.add(DocumentAnnotations(doc.doc_id, doc.text_sha256, doc.spans, doc.text))
    return out


def team_agreement(team_pull: TeamPull) -> TeamAgreement:
    """Pairwise agreement in every scheme (with κ and α over characters), per label, per annotator
    and per document; and per annotator and label, how many pre-annotations were kept."""
    import pandas as pd

    from jinbiao.annotate.labelstudio.adjudication import document_states
    from jinbiao.evaluate import align, cohen_kappa_chars, krippendorff_alpha_chars, pairwise_f1, score

    sets = {email: s for email, s in team_pull.annotator_sets.items()}
    texts = team_pull.texts
    pair_rows, label_rows, doc_f1 = [], [], {}
    for a, b in itertools.combinations(sorted(sets), 2):
        common = sorted(set(sets[a].documents) & set(sets[b].documents))
        if not common:
            continue
        sa, sb = _subset(sets[a], common), _subset(sets[b], common)
        row: dict[str, Any] = {"a": a, "b": b, "documents": len(common)}
        row.update({f"f1_{scheme}": value for scheme, value in pairwise_f1(sa, sb).items()})
        row["kappa"] = cohen_kappa_chars(sa, sb, texts=texts)
        row["alpha"] = krippendorff_alpha_chars([sa, sb], texts=texts)
        pair_rows.append(row)
        by_label = score(align(sa, sb, check=False), scheme="strict", by="label")
        for item in by_label[~by_label["label"].str.endswith(" avg")].itertuples(index=False):
            label_rows.append(
                {
                    "a": a,
                    "b": b,
                    "label": item.label,
                    "a spans": int(item.support),
                    "b spans": int(item.predicted),
                    "agreed": int(item.correct),
                    "f1": float(item.f1),
                }
            )
        for doc_id in common:
            one_a, one_b = sa.spans(doc_id), sb.spans(doc_id)
            value = 1.0 if not one_a and not one_b else pairwise_f1({doc_id: one_a}, {doc_id: one_b})["strict"]
            doc_f1.setdefault(doc_id, []).append(value)
    if not pair_rows:
        raise JinbiaoError("no document has been annotated by two annotators yet: nothing to compare")
    shared = [s for s in sets.values() if len(s)]
    alpha = krippendorff_alpha_chars(shared, texts=texts)
    pairs = pd.DataFrame(pair_rows)
    per_annotator = []
    for email, annotation_set in sets.items():
        mine = pairs[(pairs["a"] == email) | (pairs["b"] == email)]
        per_annotator.append(
            {
                "annotator": email,
                "documents": len(annotation_set),
                "spans": annotation_set.span_count(),
                "f1_strict with others": float(mine["f1_strict"].mean()) if len(mine) else float("nan"),
            }
        )
    states = document_states(team_pull)
    per_document, comparisons = [], {}
    for doc_id, state in states.items():
        if state.comparison is not None:
            comparisons[doc_id] = state.comparison
        values = doc_f1.get(doc_id, [])
        per_document.append(
            {
                "document": doc_id,
                "annotated": f"{len(state.annotators)}/{len(state.expected)}",
                "spans": " / ".join(str(len(sets[w].spans(doc_id))) for w in state.annotators),
                "agreement": sum(values) / len(values) if state.comparison is not None and values else float("nan"),
                "disagreements": len(state.comparison.disagreements) if state.comparison is not None else -1,
            }
        )
    return TeamAgreement(
        team_pull,
        pairs,
        alpha,
        pd.DataFrame(label_rows),
        pd.DataFrame(per_annotator),
        pd.DataFrame(per_document),
        preannotation_acceptance(team_pull),
        comparisons,
    )


def preannotation_acceptance(team_pull: TeamPull) -> pd.DataFrame:
    """Per annotator and label: the pre-annotations they started from against their final spans.
    `precision` is the share of pre-annotations kept exactly (span and label), `recall` the share
    of final spans the machine had proposed; `accepted`, `changed` and `drawn` count the final spans
    by how they came about (Label Studio's `origin` of each region)."""
    import pandas as pd

    from jinbiao.evaluate import align, score

    rows = []
    for email, member in team_pull.members.items():
        started = member.started_from
        if started is None or not len(member.spans):
            continue
        doc_ids = sorted(member.spans.documents)
        machine = AnnotationSet(name=started.name, kind="baseline", version=started.version)
        for doc_id in doc_ids:
            found = started.documents.get(doc_id)
            human = member.spans.documents[doc_id]
            machine.add(DocumentAnnotations(doc_id, human.text_sha256, found.spans if found else [], human.text))
        table = score(
            align(member.spans, machine, check=False), scheme="strict", by="label", zero_division=float("nan")
        )
        hows: Counter[tuple[str, str]] = Counter()
        for placed in member.result.items:
            if placed.written and placed.item.who.lower() == email.lower() and placed.rank == 1:
                for span, how in zip(placed.spans, placed.hows, strict=True):
                    hows[(span.label, how)] += 1
                    hows[("micro avg", how)] += 1
        for item in table.itertuples(index=False):
            if item.label in ("macro avg", "weighted avg"):
                continue
            label = "all" if item.label == "micro avg" else item.label
            key = "micro avg" if label == "all" else label
            rows.append(
                {
                    "annotator": email,
                    "label": label,
                    "predicted": int(item.predicted),
                    "kept": int(item.correct),
                    "final spans": int(item.support),
                    "precision": float(item.precision),
                    "recall": float(item.recall),
                    "accepted": hows[(key, "accepted")],
                    "changed": hows[(key, "changed")],
                    "drawn": hows[(key, "drawn")],
                }
            )
    return pd.DataFrame(rows)


def team_agreement_text(result: TeamAgreement, *, digits: int = 3) -> str:
    """The tables as the command line prints them."""
    from jinbiao.evaluate import format_table

    team = result.team_pull.team
    start = team.starting_point or "no pre-annotations"
    parts = [
        f"team {team.title!r}: {len(team.annotators)} annotators, {team.per_document} per document, "
        f"starting from {start}\n",
        "pairwise agreement (F1 in every scheme; Cohen's kappa and Krippendorff's alpha over characters):\n",
        format_table(result.pairs, digits=digits),
        f"Krippendorff's alpha over all annotators (nominal, characters): {result.alpha:.{digits}f}\n",
        "\nper annotator (mean strict F1 with the others):\n",
        format_table(result.per_annotator, digits=digits),
        "\nper label (strict):\n",
        format_table(result.per_label, digits=digits),
        "\nper document (agreement: mean pairwise strict F1; disagreements go to adjudication):\n",
        format_table(result.per_document.replace({"disagreements": {-1: None}}), digits=digits),
    ]
    if len(result.acceptance):
        parts += [
            "\npre-annotation: kept = pre-annotated spans left exactly as they were (precision: share of the "
            "pre-annotations kept; recall: share of the final spans the machine had proposed)\n",
            format_table(result.acceptance, digits=digits),
        ]
    if team.starting_point:
        parts.append(
            "\nnote: both annotators started from the same pre-annotations, which raises agreement on the spans "
            "they left alone; a team made with no baseline gives the unbiased figure\n"
        )
    return "".join(parts)


def team_agreement_html(result: TeamAgreement) -> str:
    """A self-contained page: the tables, then for each pair of annotators the documents where they
    differ, side by side, disagreements outlined."""
    from jinbiao.evaluate import align, html_report
    from jinbiao.evaluate.report_html import document_views, legend

    team = result.team_pull.team
    tables = [
        ("Pairwise agreement", result.pairs),
        ("Per annotator", result.per_annotator),
        ("Per label (strict)", result.per_label),
        ("Per document", result.per_document),
    ]
    if len(result.acceptance):
        tables.append(("Pre-annotation kept, per annotator and label", result.acceptance))
    notes = [f"Krippendorff's alpha over all annotators (nominal, characters): {result.alpha:.4f}"]
    page = html_report(title=f"Agreement of team {team.title}", tables=tables, notes=notes)
    sets = result.team_pull.annotator_sets
    sections = []
    for row in result.pairs.itertuples(index=False):
        a, b = sets[row.a], sets[row.b]
        differing = [
            d
            for d in sorted(set(a.documents) & set(b.documents))
            if [s.key for s in a.spans(d)] != [s.key for s in b.spans(d)]
        ]
        heading = f"<h2>Disagreements: {html.escape(row.a)} and {html.escape(row.b)}</h2>"
        if not differing:
            sections.append(f"{heading}<p>They agree on every document.</p>")
            continue
        alignment = align(_subset(a, differing), _subset(b, differing), check=False)
        sections.append(heading + legend(alignment.labels) + document_views(alignment))
    return page.replace("\n</body></html>", "\n" + "\n".join(sections) + "\n</body></html>", 1)


# ------------------------------------------------------------------------------- datasheet


def datasheet_markdown(directory: str | Path, *, digits: int = 3) -> str:
    """The datasheet's figures for a team's gold set (what `jinbiao adjudicate -o DIR` wrote):
    counts per label and document, agreement before adjudication, and the decisions by kind."""
    import pandas as pd

    from jinbiao.evaluate import agreement, align, score, to_markdown
    from jinbiao.gold import read_annotations, read_gold
    from jinbiao.gold.stats import label_counts_table

    root = Path(directory)
    if not (root / "documents").is_dir():
        raise JinbiaoError(f"{root}: no documents/ folder; give the directory `jinbiao adjudicate -o DIR` wrote")
    gold = read_gold(root / "documents")
    headers, rows = label_counts_table(gold)
    parts = ["## Counts (spans per label per document)\n\n", to_markdown(pd.DataFrame(rows, columns=headers))]
    sets = {p.stem: read_annotations(p) for p in sorted((root / "annotations").glob("*.jsonl"))}
    if len(sets) >= 2:
        result = agreement(sets)
        parts += ["\n## Agreement before adjudication\n\n", to_markdown(result.pairs, digits=digits)]
        parts.append(f"\nKrippendorff's alpha over all annotators (characters): {result.alpha:.{digits}f}\n")
        label_rows = []
        for a, b in itertools.combinations(sorted(sets), 2):
            common = sorted(set(sets[a].documents) & set(sets[b].documents))
            if not common:
                continue
            table = score(
                align(_subset(sets[a], common), _subset(sets[b], common), check=False), scheme="strict", by="label"
            )
            label_rows.append({"pair": f"{a}–{b}", **{r.label: r.f1 for r in table.itertuples(index=False)}})
        parts += ["\nPer label, strict F1:\n\n", to_markdown(pd.DataFrame(label_rows), digits=digits)]
    decisions = root / "decisions.jsonl"
    if decisions.is_file():
        records = [json.loads(line) for line in decisions.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
        kinds = Counter((r["kind"], ", ".join(r["chosen_from"]) or "the adjudicator's own") for r in records)
        table = pd.DataFrame(
            [{"kind": k, "reading kept": who, "decisions": n} for (k, who), n in sorted(kinds.items())]
        )
        parts += [f"\n## Adjudication ({len(records)} decisions)\n\n", to_markdown(table) if len(table) else "none\n"]
    return "".join(parts)


__all__ = [
    "TeamAgreement",
    "datasheet_markdown",
    "preannotation_acceptance",
    "team_agreement",
    "team_agreement_html",
    "team_agreement_text",
]
