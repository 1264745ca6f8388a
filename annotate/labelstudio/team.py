"""A team project: every document annotated independently by k named annotators, then adjudicated.

What Label Studio 1.23's community edition can enforce, and what it cannot
---------------------------------------------------------------------------
Every member of the (one) organisation has every permission: roles, project membership and task
assignment are Enterprise features. Any member can open any project, see every annotation in its
data manager and change it through the UI or the API (Label Studio then records them as the
annotation's `updated_by`). What the community edition does enforce is per project: a project's
label stream serves each user only tasks they have not annotated, shows them only their own
annotations, and opens a task with the predictions of the project's model version.

So jinbiao gives every annotator a project of their own, holding their documents with the same
pre-annotations (or none), and checks on the way out what Label Studio cannot check on the way in:

* ``TITLE · <name>``: one project per annotator (`maximum_annotations` 1), the guideline as its
  labeling instructions, shown before labeling. An annotator who stays in their own project never
  sees another's work, whether they use the label stream or the data manager, and every task
  opens on the same starting point.
* ``TITLE``: the lead's project, every document without pre-annotations; `agree` keeps each task's
  agreement fields up to date (`data.agreement`, `data.annotated`, `data.disagreements`), so the
  lead sorts by them in the data manager. Annotators never work here.
* ``TITLE · adjudication``: made by `adjudicate`, the documents where the annotators differ.

Pulling a team (`pull_team`) reports, never silently uses: an annotation in someone's project made
by somebody else, an annotation changed by somebody other than its annotator (`updated_by`), and
annotations that did not start from the project's pre-annotations (Label Studio's "+" button opens
an empty one).

Which starting point biases agreement less: none. Two annotators who start from the same
pre-annotations agree on every machine span both leave alone, right or wrong, so agreement
measured after pre-annotation is higher than the guideline alone earns. Pre-annotation saves
work (`jinbiao team agree` measures how much of it was accepted); an agreement figure meant
to say how well the guideline settles the cases wants ``--no-baseline``.

The team's record (its annotators, their projects, the documents per annotator, the starting
point) is kept in the lead project's description, so that any machine with an API key finds it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jinbiao.gold import AnnotationSet, Document, JinbiaoError

from .client import TITLE_LENGTH, Connection, LabelStudioError, check_title, find_project, require_project
from .export import PullResult, convert_export
from .export.records import ANNOTATION, PREDICTION
from .instructions import instructions_html
from .pull import download_snapshot, user_emails
from .push import DEFAULT_BATCH_SIZE, PushReport, push

TEAM_FORMAT = "jinbiao-team/1"
TEAM_MARK = "jinbiao-team: "
SEPARATOR = " · "
ADJUDICATION = "adjudication"
LEAD_FIELDS = {"agreement": None, "annotated": "", "disagreements": None}  # data-manager columns of the lead


class TeamError(JinbiaoError):
    """A team project cannot be made or read as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Team:
    """A team project as recorded in its lead project: who annotates where, and from what."""

    title: str
    annotators: dict[str, str]  # email → their project's title
    per_document: int
    starting_point: str | None  # the model version every annotator starts from, or None
    adjudication: str  # the adjudication project's title

    def to_json(self) -> str:
        record = {
            "format": TEAM_FORMAT,
            "annotators": self.annotators,
            "per_document": self.per_document,
            "starting_point": self.starting_point,
            "adjudication": self.adjudication,
        }
        return json.dumps(record, ensure_ascii=False, sort_keys=True)

    def description(self) -> str:
        """The lead project's description: a sentence for people, then the record for jinbiao."""
        start = f"the predictions of {self.starting_point}" if self.starting_point else "no pre-annotations"
        sentence = (
            f"Team project: {self.per_document} independent annotations per document by "
            f"{', '.join(self.annotators)}, each in their own project ({', '.join(self.annotators.values())}), "
            f"starting from {start}. Annotators: work only in your own project."
        )
        return f"{sentence}\n\n{TEAM_MARK}{self.to_json()}"


def member_title(title: str, member: str) -> str:
    return f"{title}{SEPARATOR}{member}"


def annotator_titles(title: str, emails: Sequence[str]) -> dict[str, str]:
    """Each annotator's project title: the team's title and the name before the @, or the whole
    address where two annotators share that name."""
    names = [email.split("@", 1)[0] or email for email in emails]
    return {
        email: member_title(title, name if names.count(name) == 1 else email)
        for email, name in zip(emails, names, strict=True)
    }


def assign(documents: Sequence[Document], annotators: Sequence[str], per_document: int) -> dict[str, list[Document]]:
    """Each document to `per_document` annotators, in turn, so that everyone gets a fair share."""
    shares: dict[str, list[Document]] = {email: [] for email in annotators}
    for n, document in enumerate(documents):
        for k in range(per_document):
            shares[annotators[(n + k) % len(annotators)]].append(document)
    return shares


def read_team(connection: Connection, title: str) -> Team:
    """The team recorded in project `title` (made by `create_team`)."""
    project = require_project(connection, title)
    return team_of(title, project.description or "")


def team_of(title: str, description: str) -> Team:
    for line in description.splitlines():
        if line.startswith(TEAM_MARK):
            try:
                record = json.loads(line[len(TEAM_MARK) :])
                if record.get("format") != TEAM_FORMAT:
                    raise ValueError(record.get("format"))
                return Team(
                    title,
                    dict(record["annotators"]),
                    int(record["per_document"]),
                    record.get("starting_point"),
                    str(record["adjudication"]),
                )
            except (ValueError, KeyError, TypeError, AttributeError):
                raise TeamError(
                    f"project {title!r}: its team record (the description's {TEAM_MARK.strip()} line) is damaged; "
                    "restore it or make the team again with `jinbiao team create`"
                ) from None
    raise TeamError(
        f"project {title!r} is not a team project (its description has no {TEAM_MARK.strip()} line); "
        "make one with `jinbiao team create`"
    )


# ------------------------------------------------------------------------------------ create


@dataclass
class TeamReport:
    team: Team
    lead: PushReport
    members: dict[str, PushReport]  # email → the push into their project
    documents: dict[str, int]  # email → how many documents they annotate

    def lines(self) -> list[str]:
        team = self.team
        verb = "created" if self.lead.project_created else "updated"
        start = f"the predictions of {team.starting_point}" if team.starting_point else "no pre-annotations"
        out = [
            f"{verb} team project {team.title!r} on {self.lead.url}: {team.per_document} independent annotations "
            f"per document, {len(team.annotators)} annotators, all starting from {start}",
            f"  {team.title!r}: the lead's project, {self.lead.tasks_created + self.lead.tasks_present} tasks "
            "(sort by data.agreement after `jinbiao team agree`)",
        ]
        for email, report in self.members.items():
            out.append(
                f"  {team.annotators[email]!r}: {email}'s project, {self.documents[email]} documents "
                f"({report.tasks_created} new)"
            )
        out.append(
            "the guideline is each project's labeling instructions, shown before labeling; "
            "annotators log in with their own accounts and open only their own project"
        )
        if team.starting_point:
            out.append(
                "pre-annotations make annotators agree on the machine's spans they leave alone: "
                "for an unbiased agreement figure make the team with no baseline"
            )
        return out


def check_annotators(connection: Connection, emails: Sequence[str]) -> dict[str, int]:
    """The user id of every annotator; an error naming those without an account on the server."""
    if len(emails) < 2:
        raise TeamError(f"a team needs at least two annotators, got {len(emails)}")
    if len(set(emails)) != len(emails):
        raise TeamError("an annotator is named twice")
    known = {email.lower(): user_id for user_id, email in user_emails(connection).items()}
    missing = [email for email in emails if email.lower() not in known]
    if missing:
        raise TeamError(
            f"no account on {connection.url} for {', '.join(missing)}: invite them (Organization → Add Members → "
            "copy the invite link), let them sign up with that address, then run this again"
        )
    return {email: known[email.lower()] for email in emails}


def check_team_titles(title: str, annotators: Sequence[str]) -> None:
    """Refuse, before any work, a team title whose projects Label Studio would refuse."""
    check_title(title)
    longest = TITLE_LENGTH[1]
    for name in [*annotator_titles(title, annotators).values(), member_title(title, ADJUDICATION)]:
        if len(name) > longest:
            raise TeamError(
                f"the team's project {name!r} would have {len(name)} characters, Label Studio allows {longest}: "
                "choose a shorter team title"
            )


def create_team(
    connection: Connection,
    title: str,
    documents: Sequence[Document],
    annotators: Sequence[str],
    prediction_sets: Sequence[AnnotationSet] = (),
    *,
    per_document: int | None = None,
    guideline: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
) -> TeamReport:
    """Set up (or extend) team project `title`; see the module's docstring. Idempotent: running it
    again adds only new documents and predictions, and refreshes the instructions.

    `per_document` (default: every annotator) is how many annotators annotate each document;
    `prediction_sets[0]` is what every annotator starts from (none: no pre-annotation); `guideline`
    is a Markdown file (default: the shipped `gold/GUIDELINES.md`).
    """
    k = len(annotators) if per_document is None else per_document
    if not 2 <= k <= len(annotators):
        raise TeamError(f"each document needs 2 to {len(annotators)} annotators (one per annotator at most), got {k}")
    titles = annotator_titles(title, annotators)
    team = Team(
        title, titles, k, prediction_sets[0].origin if prediction_sets else None, member_title(title, ADJUDICATION)
    )
    check_team_titles(title, annotators)
    check_annotators(connection, annotators)
    existing = find_project(connection, title)
    if existing is not None and TEAM_MARK in (existing.description or ""):
        before = team_of(title, existing.description or "")
        if (before.annotators, before.per_document) != (team.annotators, team.per_document):
            raise TeamError(
                f"team {title!r} exists with annotators {', '.join(before.annotators)} and {before.per_document} "
                "annotations per document; a team keeps its annotators: make a new team for new ones"
            )
        if before.starting_point != team.starting_point:
            raise TeamError(
                f"team {title!r} started from {before.starting_point or 'no pre-annotations'}; every annotator must "
                "start from the same point: push the same baseline (or none) again"
            )
    elif existing is not None:
        raise TeamError(f"project {title!r} exists and is not a team project: choose another title")
    html = instructions_html(guideline)
    lead = push(connection, title, documents, (), batch_size=batch_size, progress=progress, extra_data=LEAD_FIELDS)
    _configure(connection, lead.project_id, html, predictions=False, description=team.description())
    shares = assign(documents, list(annotators), k)
    members = {}
    for email in annotators:
        report = push(
            connection, titles[email], shares[email], prediction_sets, batch_size=batch_size, progress=progress
        )
        note = (
            f"{email}'s project in team {title!r}. Only {email} annotates here; "
            "the guideline is in the instructions (the ⓘ button)."
        )
        _configure(connection, report.project_id, html, predictions=bool(prediction_sets), description=note)
        members[email] = report
    return TeamReport(team, lead, members, {email: len(shares[email]) for email in annotators})


def _configure(connection: Connection, project_id: int, html: str, *, predictions: bool, description: str) -> None:
    """Instructions shown before labeling, one annotation per task, the pre-annotations shown (or not)."""
    with connection.call("setting up the project's instructions and annotation settings"):
        connection.client.projects.update(
            id=project_id,
            expert_instruction=html,
            show_instruction=True,
            maximum_annotations=1,
            show_collab_predictions=predictions,
            reveal_preannotations_interactively=False,
            show_annotation_history=False,
            description=description,
        )


# -------------------------------------------------------------------------------------- pull


@dataclass
class MemberPull:
    """What one annotator's project gave: their set, the predictions they started from, and findings."""

    email: str
    project: str
    result: PullResult
    spans: AnnotationSet  # the annotator's latest annotation of each document
    started_from: AnnotationSet | None  # the predictions of the team's starting point
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class TeamPull:
    team: Team
    members: dict[str, MemberPull]
    texts: dict[str, str]  # doc id → text

    @property
    def annotator_sets(self) -> dict[str, AnnotationSet]:
        return {email: member.spans for email, member in self.members.items()}

    @property
    def problems(self) -> list[str]:
        return [problem for member in self.members.values() for problem in member.problems]

    @property
    def notes(self) -> list[str]:
        return [note for member in self.members.values() for note in member.notes]

    def versions(self, doc_id: str) -> dict[str, list[Any]]:
        """Each annotator who annotated `doc_id`: their spans."""
        return {email: s.spans(doc_id) for email, s in self.annotator_sets.items() if doc_id in s.documents}


def pull_team(
    connection: Connection,
    title: str,
    *,
    documents: Sequence[Document] | None = None,
    timeout: float | None = None,
    progress: bool = False,
) -> TeamPull:
    """Every annotator's latest annotations, checked (see the module's docstring)."""
    team = read_team(connection, title)
    users = user_emails(connection)
    results = {}
    for email, project_title in team.annotators.items():
        project = find_project(connection, project_title)
        if project is None:
            raise LabelStudioError(
                f"team {title!r} has no project {project_title!r} for {email} any more; run `jinbiao team create` again"
            )
        payload = download_snapshot(connection, int(project.id), timeout=timeout, progress=progress)
        results[email] = convert_export(payload, documents=documents, users=users)
    return team_pull_of(team, results)


def team_pull_of(team: Team, results: Mapping[str, PullResult]) -> TeamPull:
    """The team's pull from each annotator's converted export (pure)."""
    members = {}
    texts: dict[str, str] = {}
    for email, result in results.items():
        members[email] = member_pull(email, team.annotators[email], result, team.starting_point)
        texts.update({doc_id: doc.text for doc_id, doc in result.documents.items()})
    return TeamPull(team, members, texts)


def member_pull(email: str, project: str, result: PullResult, starting_point: str | None) -> MemberPull:
    """The annotator's set from their project's converted export, and what is wrong with the rest."""
    mine = result.annotator_set(email, ignore_case=True) or AnnotationSet(name=email, kind="human")
    started = next((s for s in result.sets[PREDICTION] if s.meta["who"] == starting_point), None)
    member = MemberPull(email, project, result, mine, started)
    for problem in result.problems:
        member.problems.append(f"{project}: {problem}")
    for placed in result.items:
        item = placed.item
        if item.kind != ANNOTATION:
            continue
        where = f"{project}: task {item.task_id} (document {placed.doc_id}), annotation {item.item_id}"
        if item.who.lower() != email.lower():
            member.problems.append(
                f"{where} is by {item.who}, not {email}: it is left out (only {email} annotates here)"
            )
        elif item.updated_by and item.updated_by.lower() != email.lower():
            member.problems.append(f"{where} by {email} was last changed by {item.updated_by}")
        elif placed.rank and placed.rank > 1:
            member.notes.append(f"{where} is an earlier annotation of the same document by {email}: the latest counts")
        elif starting_point and item.parent_prediction is None and placed.written:
            member.notes.append(
                f"{where} did not start from the pre-annotations of {starting_point} (Label Studio's + button opens "
                "an empty annotation): its spans were all drawn by hand"
            )
    return member


# ---------------------------------------------------------------------------- lead's fields


def update_lead_fields(connection: Connection, title: str, fields: Mapping[str, Mapping[str, Any]]) -> int:
    """Write `fields` (doc id → data fields) into the lead project's tasks; returns how many tasks
    changed. Only fields that differ are sent; the task text is never touched."""
    project = require_project(connection, title)
    changed = 0
    with connection.call(f"listing the tasks of {title!r}"):
        tasks = list(connection.client.tasks.list(project=project.id, include="id,data", page_size=1000))
    for task in tasks:
        data = task.data if isinstance(task.data, dict) else {}
        wanted = fields.get(str(data.get("doc_id")))
        if not wanted or all(data.get(key) == value for key, value in wanted.items()):
            continue
        with connection.call(f"updating the agreement fields of task {task.id}"):
            connection.client.tasks.update(id=str(task.id), data={**data, **wanted})
        changed += 1
    return changed


__all__ = [
    "ADJUDICATION",
    "LEAD_FIELDS",
    "MemberPull",
    "Team",
    "TeamError",
    "TeamPull",
    "TeamReport",
    "annotator_titles",
    "assign",
    "check_annotators",
    "check_team_titles",
    "create_team",
    "member_pull",
    "pull_team",
    "read_team",
    "team_of",
    "team_pull_of",
    "update_lead_fields",
]
