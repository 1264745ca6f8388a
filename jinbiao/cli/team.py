"""`jinbiao team create|agree`, `jinbiao adjudicate`, `jinbiao datasheet`: a team of annotators in
Label Studio, from raw articles to an adjudicated gold set.

The Label Studio side lives in `jinbiao.annotate.labelstudio.team` and `.adjudication`; what needs
the scoring room too (agreement, how much pre-annotation was accepted, the datasheet's figures)
is a job across rooms, so it is here, as public functions a notebook calls the same way:

>>> from jinbiao.annotate.labelstudio.client import connect
>>> from jinbiao.annotate.labelstudio.team import pull_team
>>> result = team_agreement(pull_team(connect(), "新闻金标"))
>>> print(team_agreement_text(result))
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinbiao.annotate.labelstudio.push import DEFAULT_BATCH_SIZE
from jinbiao.gold import AnnotationSet, DocumentAnnotations, JinbiaoError

from .common import check_writable, positive_int, write_output

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


# -------------------------------------------------------------------------------- commands


def _connect(args: argparse.Namespace):
    from jinbiao.annotate.labelstudio.client import connect

    return connect(args.url, studio_path=args.studio_dir, timeout=args.timeout)


def _documents(args: argparse.Namespace):
    from jinbiao.annotate.corpus import load_corpus
    from jinbiao.gold.paths import ARTICLES_DIR

    return load_corpus(args.corpus or [ARTICLES_DIR])


def cmd_team_create(args: argparse.Namespace) -> int:
    from jinbiao.annotate.labelstudio.instructions import read_guideline
    from jinbiao.annotate.labelstudio.push import check_batch_size
    from jinbiao.annotate.labelstudio.team import check_team_titles, create_team

    from .studio import _prediction_sets

    check_team_titles(args.project, args.annotators)
    check_batch_size(args.batch_size)
    read_guideline(args.guideline)  # a missing guideline file fails before the baselines run
    documents = _documents(args)
    sets = _prediction_sets(args, documents)
    report = create_team(
        _connect(args),
        args.project,
        documents,
        args.annotators,
        sets,
        per_document=args.per_document,
        guideline=args.guideline,
        batch_size=args.batch_size,
        progress=not args.quiet,
    )
    print("\n".join(report.lines()))
    return 0


def _print_findings(team_pull: TeamPull) -> None:
    for problem in team_pull.problems:
        print(f"problem: {problem}", file=sys.stderr)
    for note in team_pull.notes:
        print(f"note: {note}", file=sys.stderr)


def run_agree_project(args: argparse.Namespace) -> int:
    """`jinbiao agree --project TITLE` (and `jinbiao team agree`): pull the team, report its
    agreement (tables; HTML with `--html`), and keep the lead project's agreement fields up to date."""
    from jinbiao.annotate.labelstudio.team import pull_team, update_lead_fields

    check_writable(getattr(args, "output", None), getattr(args, "html", None))
    connection = _connect(args)
    documents = _documents(args) if args.corpus else None
    team_pull = pull_team(connection, args.project, documents=documents, progress=not args.quiet)
    _print_findings(team_pull)
    result = team_agreement(team_pull)
    text = team_agreement_text(result, digits=args.digits)
    if getattr(args, "output", None):
        write_output(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    if getattr(args, "html", None):
        write_output(args.html, team_agreement_html(result))
        print(f"wrote {args.html}", file=sys.stderr)
    changed = update_lead_fields(connection, args.project, result.lead_fields())
    print(
        f"{changed} task(s) of {args.project!r} got new agreement fields: sort by data.agreement in its data manager",
        file=sys.stderr,
    )
    return 0


def cmd_adjudicate(args: argparse.Namespace) -> int:
    from jinbiao.annotate.labelstudio.adjudication import collect_gold, prepare_adjudication
    from jinbiao.annotate.labelstudio.instructions import read_guideline
    from jinbiao.annotate.labelstudio.team import pull_team, update_lead_fields

    if args.output:
        check_writable(Path(args.output) / "summary.json")
        from jinbiao.annotate.labelstudio.pull import check_output

        check_output(args.output, overwrite=args.overwrite)
    read_guideline(args.guideline)
    connection = _connect(args)
    documents = _documents(args)
    team_pull = pull_team(connection, args.project, documents=documents, progress=not args.quiet)
    _print_findings(team_pull)
    try:
        fields = team_agreement(team_pull).lead_fields()
    except JinbiaoError:  # no document has two annotations yet
        fields = {}
    if fields:
        update_lead_fields(connection, args.project, fields)
    report = prepare_adjudication(
        connection, team_pull, documents=documents, guideline=args.guideline, fields=fields, batch_size=args.batch_size
    )
    print("\n".join(report.lines()))
    if args.output:
        gold = collect_gold(
            connection,
            team_pull,
            args.output,
            documents,
            adjudicator=args.adjudicator,
            overwrite=args.overwrite,
            allow_problems=args.allow_problems,
        )
        print("\n".join(gold.lines()))
    return 0


def cmd_datasheet(args: argparse.Namespace) -> int:
    text = datasheet_markdown(args.directory, digits=args.digits)
    if args.output:
        write_output(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def add_project_options(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """The options of `agree --project` (also `jinbiao team agree`)."""
    parser.add_argument("--project", required=required, metavar="TITLE", help="a team project (jinbiao team create)")
    parser.add_argument(
        "--html", metavar="FILE", help="with --project: also write an HTML page, disagreements side by side"
    )
    parser.add_argument(
        "--corpus", nargs="+", metavar="PATH", help="with --project: check tasks against these articles"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _connection_options(parser)


def _connection_options(parser: argparse.ArgumentParser) -> None:
    from .studio import _connection_options as options

    options(parser)


def register(subparsers: argparse._SubParsersAction) -> None:
    from jinbiao.baselines import DEFAULT_BASELINE

    team = subparsers.add_parser("team", help="a team of annotators in Label Studio: create, agree")
    actions = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)

    create = actions.add_parser(
        "create",
        help="documents for k independent annotations each, one project per named annotator",
        description="Push the documents into one Label Studio project per annotator (the same pre-annotations, "
        "or none, for everyone), the guideline as each project's instructions, and a lead project for agreement. "
        "Idempotent: running it again adds only new documents.",
    )
    create.add_argument("--project", required=True, metavar="TITLE", help="the team's title (3 to 50 characters)")
    create.add_argument(
        "--annotators",
        nargs="+",
        required=True,
        metavar="EMAIL",
        help="the annotators' Label Studio logins (2 or more)",
    )
    create.add_argument(
        "--per-document", type=positive_int, metavar="K", help="annotators per document (default: every annotator)"
    )
    create.add_argument("--corpus", nargs="+", metavar="PATH", help="articles (default: the seed articles)")
    create.add_argument(
        "--baseline",
        nargs="+",
        action="extend",
        metavar="NAME",
        help=f"pre-annotate with these baselines (default: {DEFAULT_BASELINE}); every annotator starts from the first",
    )
    create.add_argument("--no-baseline", action="store_true", help="no pre-annotation (the unbiased agreement figure)")
    create.add_argument("--predictions", nargs="+", metavar="FILE", help="pre-annotate with these annotation files")
    create.add_argument("--guideline", metavar="FILE", help="the guideline in Markdown (default: gold/GUIDELINES.md)")
    create.add_argument(
        "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help=f"tasks per request (default {DEFAULT_BATCH_SIZE})"
    )
    create.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _connection_options(create)
    create.set_defaults(handler=cmd_team_create)

    agree = actions.add_parser(
        "agree",
        help="the team's agreement per pair, label, annotator and document (same as `jinbiao agree --project`)",
        description="Pull every annotator's project and report agreement before adjudication, and how much of the "
        "pre-annotation was kept; keep the lead project's data.agreement field up to date.",
    )
    add_project_options(agree, required=True)
    agree.add_argument("-o", "--output", metavar="FILE", help="write the tables here instead of printing them")
    agree.add_argument("--digits", type=positive_int, default=3, help="decimals shown (default: 3)")
    agree.set_defaults(handler=run_agree_project)

    adjudicate = subparsers.add_parser(
        "adjudicate",
        help="put every disagreement of a team in front of an adjudicator; with -o, write the gold set",
        description="Pull the team, put every document whose annotators differ into the adjudication project "
        "(agreed spans in place, every reading of each disagreement side by side), and with -o write the gold: "
        "agreed documents straight away, the others once adjudicated, with a decision record.",
    )
    adjudicate.add_argument("--project", required=True, metavar="TITLE", help="the team project")
    adjudicate.add_argument("--corpus", nargs="+", metavar="PATH", help="the articles pushed (default: the seeds)")
    adjudicate.add_argument("-o", "--output", metavar="DIR", help="write the gold set here (documents/, decisions)")
    adjudicate.add_argument("--overwrite", action="store_true", help="replace an existing output directory")
    adjudicate.add_argument("--adjudicator", metavar="EMAIL", help="only this user's adjudications count")
    adjudicate.add_argument(
        "--allow-problems", action="store_true", help="write the gold although the annotators' projects have problems"
    )
    adjudicate.add_argument(
        "--guideline", metavar="FILE", help="the guideline in Markdown (default: gold/GUIDELINES.md)"
    )
    adjudicate.add_argument(
        "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help=f"tasks per request (default {DEFAULT_BATCH_SIZE})"
    )
    adjudicate.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _connection_options(adjudicate)
    adjudicate.set_defaults(handler=cmd_adjudicate)

    datasheet = subparsers.add_parser(
        "datasheet",
        help="the datasheet's figures of a team's gold set: counts, agreement, decisions (Markdown)",
        description="Regenerate the counts per label and document, the agreement before adjudication and the "
        "decisions by kind, from the directory `jinbiao adjudicate -o DIR` wrote.",
    )
    datasheet.add_argument("directory", metavar="DIR", help="what `jinbiao adjudicate -o DIR` wrote")
    datasheet.add_argument("-o", "--output", metavar="FILE", help="write the Markdown here instead of printing it")
    datasheet.add_argument("--digits", type=positive_int, default=3, help="decimals shown (default: 3)")
    datasheet.set_defaults(handler=cmd_datasheet)


__all__ = [
    "TeamAgreement",
    "add_project_options",
    "datasheet_markdown",
    "preannotation_acceptance",
    "register",
    "run_agree_project",
    "team_agreement",
    "team_agreement_html",
    "team_agreement_text",
]
