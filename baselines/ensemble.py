"""`ensemble`: the gold CRF, the MSRA name tagger, the grammar, the place gazetteer (and jieba's
names), combined; the default baseline.

Conflict rule ("longest wins"):

1. the candidate spans of every member are pooled; where spans overlap, the longer one wins, and
   at equal length the member ranked first (`RANK`: the gold CRF, the rules, the name tagger,
   jieba, the place gazetteer); a GPE that is a chain of one-character country abbreviations
   (中美) becomes one GPE per country (guideline D4);
2. optionally (``propagate=True``; off by default, as it now costs more on the seeds than it gains
   on the MSRA development sentences: docs/models.md), every other mention of a name the gold CRF
   found (PERSON, ORG, GPE, LOC, FAC; two characters or more) that overlaps no span is labelled the
   same way (`propagate_names`).

The name tagger's spans take part only when their raw score is at least `NAMES_MIN_SCORE`.

Every span carries a calibrated score (`calibration`): its source, label, raw score (CRF and name
tagger), length, and whether another member proposed the very same span.

The CRF member needs a model: fitted (as the leaderboard fits it, on the training folds), or
loaded (`CRFExtractor.load`), before `extract` is called; the jobs that run the ensemble provide
it (`jinbiao.models.provide_model`: load the saved model, else train it from the gold, else fall
back). Fallback (`use_fallback`) is every member but the gold CRF, and its spans then carry the
origin ``ensemble@<version>-fallback``. `extract` itself never trains, writes or prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from jinbiao.gold import LABEL_SET, AnnotationSet, Document, Span
from jinbiao.gold.schema import NAME_LABELS

from .base import Extractor
from .calibration import (
    CRF_SOURCE,
    JIEBA_SOURCE,
    NAMES_SOURCE,
    PLACES_SOURCE,
    PROPAGATED_SOURCE,
    RULES_SOURCE,
    Calibrator,
    Candidate,
    default_calibrator,
)
from .crf import CRFExtractor
from .crf_features import gazetteer_spans, jieba_words, rule_spans
from .jieba_names import ORG_SUFFIX, JiebaExtractor
from .simplified import to_simplified

ENSEMBLE_VERSION = "2.0"

# at equal length, the member listed first wins
RANK = (CRF_SOURCE, RULES_SOURCE, NAMES_SOURCE, JIEBA_SOURCE, PLACES_SOURCE)
# the name tagger's spans below this raw score are not candidates (docs/models.md: how it was chosen)
NAMES_MIN_SCORE = 0.9
# the sources whose names are propagated to their other mentions
PROPAGATE_FROM = (CRF_SOURCE,)

# (start, end, label, source, raw score or None)
Proposal = tuple[int, int, str, str, "float | None"]


def resolve(proposals: Iterable[Proposal]) -> list[tuple[Proposal, bool]]:
    """The winners of the pooled proposals (longest first, then by `RANK`), each with whether
    another member proposed the very same span and label; flat and in text order."""
    pooled = list(proposals)
    votes: dict[tuple[int, int, str], set[str]] = {}
    for start, end, label, source, _ in pooled:
        votes.setdefault((start, end, label), set()).add(source)
    pooled.sort(key=lambda p: (-(p[1] - p[0]), RANK.index(p[3]) if p[3] in RANK else len(RANK), p[0]))
    occupied: list[tuple[int, int]] = []
    taken: list[tuple[Proposal, bool]] = []
    for proposal in pooled:
        start, end = proposal[0], proposal[1]
        if any(start < e and s < end for s, e in occupied):
            continue
        taken.append((proposal, len(votes[start, end, proposal[2]]) > 1))
        occupied.append((start, end))
    return sorted(taken, key=lambda item: (item[0][0], item[0][1]))


def split_abbreviation_chains(
    chosen: list[tuple[Proposal, bool]], proposals: Sequence[Proposal]
) -> list[tuple[Proposal, bool]]:
    """A GPE span that covers exactly a chain of one-character country abbreviations found by the
    place gazetteer (中美, 中日韩) becomes those one-character GPEs: one span per country (D4)."""
    singles = {p[0]: p for p in proposals if p[3] == PLACES_SOURCE and p[1] - p[0] == 1 and p[2] == "GPE"}
    out: list[tuple[Proposal, bool]] = []
    for proposal, agreed in chosen:
        start, end, label = proposal[0], proposal[1], proposal[2]
        if (
            label == "GPE"
            and end - start >= 2
            and proposal[3] != PLACES_SOURCE
            and all(i in singles for i in range(start, end))
        ):
            out.extend((singles[i], True) for i in range(start, end))
        else:
            out.append((proposal, agreed))
    return out


def propagate_names(
    text: str, found: Sequence[tuple[int, int, str]], others: Sequence[tuple[int, int, str]] = ()
) -> list[tuple[int, int, str]]:
    """Other mentions of the predicted names in `text`, labelled the same way.

    News repeats its names (a company named once in full is named ten times); a model finds some
    mentions and misses the rest. Each name span's text (two characters or more) is searched in
    `text`; an occurrence that overlaps no span in `found` or `others` (nor one added before it) is returned
    with the label most often predicted for that text (a tie goes to the label first in
    alphabetical order). Longer names are placed first.
    """
    votes: dict[str, dict[str, int]] = {}
    for start, end, label in found:
        if label in NAME_LABELS and end - start >= 2:
            name = text[start:end]
            votes.setdefault(name, {}).setdefault(label, 0)
            votes[name][label] += 1
    occupied = bytearray(len(text))
    for start, end, _ in [*found, *others]:
        occupied[start:end] = b"\x01" * (end - start)
    added: list[tuple[int, int, str]] = []
    for name in sorted(votes, key=lambda n: (-len(n), n)):
        label = max(sorted(votes[name]), key=lambda lab: votes[name][lab])
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(occupied[start:end]):
                added.append((start, end, label))
                occupied[start:end] = b"\x01" * (end - start)
            start = text.find(name, end)
    return sorted(added)


def place_proposals(view: str) -> list[Proposal]:
    """The place gazetteer's names as candidates, less a place that heads an organisation's name
    (俄罗斯 in 俄罗斯外交部, 北京 in 北京市政府): the word after it ends like an organisation."""
    places = gazetteer_spans(view)
    if not places:
        return []
    words = jieba_words(view)
    starts = {start: (end, word) for start, end, word, _ in words}
    proposals: list[Proposal] = []
    for start, end, label in places:
        following = starts.get(end)
        if following is not None and ORG_SUFFIX.search(following[1]):
            continue
        proposals.append((start, end, label, PLACES_SOURCE, None))
    return proposals


class EnsembleExtractor(Extractor):
    name = "ensemble"
    version = ENSEMBLE_VERSION
    labels = LABEL_SET
    trainable = True

    def __init__(
        self,
        crf: CRFExtractor | None = None,
        *,
        with_names: bool = True,
        with_jieba: bool = False,
        with_places: bool = True,
        propagate: bool = False,
        calibrator: Calibrator | None = None,
        names_min_score: float = NAMES_MIN_SCORE,
        propagate_from: Sequence[str] = PROPAGATE_FROM,
    ) -> None:
        """`crf`: the CRF member (default: an untrained one, to be fitted or given a model)."""
        self.names_min_score = names_min_score
        self.propagate_from = tuple(propagate_from)
        self.crf = crf if crf is not None else CRFExtractor()
        self.with_names = with_names
        self.with_jieba = with_jieba
        self.with_places = with_places
        self.propagate = propagate
        self.calibrator = calibrator
        self.fallback = False
        self.jieba = JiebaExtractor() if with_jieba else None
        members = ", ".join(
            m
            for m, on in (
                ("the gold CRF", True),
                ("the grammar", True),
                ("the MSRA name tagger", with_names),
                ("jieba's names", with_jieba),
                ("the place gazetteer", with_places),
            )
            if on
        )
        self.description = (
            f"{members}: the longest span wins an overlap"
            + (", names propagated to their other mentions" if propagate else "")
            + "; calibrated scores."
        )

    def fit(self, documents: Sequence[Document], gold: AnnotationSet) -> EnsembleExtractor:
        self.crf.fit(documents, gold)
        self.fallback = False
        return self

    @property
    def ready(self) -> bool:
        """Whether `extract` can run: the CRF has a model, or the ensemble falls back without one."""
        return self.crf.is_trained or self.fallback

    @property
    def trained_on(self) -> tuple[str, ...] | None:
        return None if self.fallback else self.crf.trained_on

    def use_fallback(self) -> EnsembleExtractor:
        """Extract with every member but the gold CRF (no CRF model to be had)."""
        self.fallback = True
        return self

    def proposals(self, document: Document) -> tuple[str, list[Proposal]]:
        """The Simplified view of the document's text and every member's candidate spans on it."""
        text = document.text
        if self.fallback:
            view = to_simplified(text)
            names = self.crf.name_tagger().spans(view) if self.with_names else []
            crf: list[tuple[int, int, str, float]] = []
        else:
            analysis = self.crf.analyse(text)
            view, crf, names = analysis.view, analysis.crf, analysis.names
        proposals: list[Proposal] = [(s, e, label, CRF_SOURCE, raw) for s, e, label, raw in crf]
        proposals += [(s, e, label, RULES_SOURCE, None) for s, e, label in rule_spans(view)]
        if self.with_names:
            proposals += [(s, e, label, NAMES_SOURCE, raw) for s, e, label, raw in names if raw >= self.names_min_score]
        if self.jieba is not None:
            proposals += [(s, e, label, JIEBA_SOURCE, None) for s, e, label in self.jieba.extract_offsets(view)]
        if self.with_places:
            proposals += place_proposals(view)
        return view, proposals

    def candidates(self, document: Document) -> list[tuple[int, int, Candidate]]:
        """The ensemble's spans as (start, end, calibration candidate): what `extract` scores."""
        view, proposals = self.proposals(document)
        winners = split_abbreviation_chains(resolve(proposals), proposals)
        chosen = [
            (s, e, Candidate(source, label, raw, agreed, e - s)) for (s, e, label, source, raw), agreed in winners
        ]
        if self.propagate:
            sources = set(self.propagate_from)
            found = [(s, e, c.label) for s, e, c in chosen if c.source in sources]
            occupied = [(s, e, c.label) for s, e, c in chosen if c.source not in sources]
            chosen += [(s, e, Candidate(PROPAGATED_SOURCE, label, None, False, e - s))
                       for s, e, label in propagate_names(view, found, occupied)]  # fmt: skip
            chosen.sort(key=lambda item: (item[0], item[1]))
        return chosen

    def extract(self, document: Document) -> list[Span]:
        origin = self.origin + ("-fallback" if self.fallback else "")
        calibrator = self.calibrator or default_calibrator()
        return [
            document.span(s, e, c.label, score=calibrator.probability(c), origin=origin)
            for s, e, c in self.candidates(document)
        ]


def default_ensemble() -> EnsembleExtractor:
    return EnsembleExtractor()
