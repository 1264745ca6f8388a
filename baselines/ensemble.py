"""`ensemble`: the CRF, the rule extractor and jieba's names, combined; the default baseline.

Conflict rule ("longest wins, then propagate"):

1. the spans of the CRF, the `rules` and `jieba` are pooled; where spans overlap, the longer one
   wins, and at equal length the CRF's, then the rules', then jieba's (the rule of `union`,
   `union.resolve_overlaps`, with the CRF ranked first);
2. every other mention of a name found so far (PERSON, ORG, GPE, LOC, FAC; two characters or
   more) that overlaps no span is labelled the same way (`propagate_names`).

Cross-validated leave-one-document-out this was the best of the combinations measured
(docs/models.md has the table: CRF alone < + rules < + jieba < + propagation; "CRF first, the
others fill the gaps" and "rules first" a few spans behind).

The CRF member needs a model: fitted (as the leaderboard fits it, on the training folds), or
loaded (`CRFExtractor.load`), before `extract` is called; the jobs that run the ensemble provide
it (`jinbiao.models.provide_model`: load the saved model, else train it from the gold, else fall
back). Fallback (`use_fallback`) is rules + jieba (what `union` does), and its spans then carry
the origin ``ensemble@<version>-fallback``. `extract` itself never trains, writes or prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from jinbiao.gold import LABEL_SET, AnnotationSet, Document, Span, sort_spans

from .base import Extractor
from .crf import CRFExtractor
from .crf_features import rule_spans
from .jieba_names import JiebaExtractor
from .simplified import to_simplified
from .union import resolve_overlaps

ENSEMBLE_VERSION = "1.0"

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})


def propagate_names(text: str, spans: Sequence[Span], make: Callable[[int, int, str], Span]) -> list[Span]:
    """Label every other mention of a predicted name in the same document the same way.

    News repeats its names (a company named once in full is named ten times); the CRF, trained on
    other articles, finds some mentions and misses the rest. Each name span's text (two characters
    or more) is searched in `text`; an occurrence that overlaps no span already there is added with
    the label most often predicted for that text. Longer names are placed first.
    """
    votes: dict[str, dict[str, int]] = {}
    for span in spans:
        if span.label in NAME_LABELS and len(span.text) >= 2:
            votes.setdefault(span.text, {}).setdefault(span.label, 0)
            votes[span.text][span.label] += 1
    taken = sort_spans(spans)
    occupied = bytearray(len(text))
    for span in taken:
        occupied[span.start : span.end] = b"\x01" * (span.end - span.start)
    added: list[Span] = []
    for name in sorted(votes, key=lambda n: (-len(n), n)):
        label = max(sorted(votes[name]), key=lambda lab: votes[name][lab])
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(occupied[start:end]):
                added.append(make(start, end, label))
                occupied[start:end] = b"\x01" * (end - start)
            start = text.find(name, end)
    return sort_spans([*taken, *added])


class EnsembleExtractor(Extractor):
    name = "ensemble"
    version = ENSEMBLE_VERSION
    labels = LABEL_SET
    trainable = True

    def __init__(
        self,
        crf: CRFExtractor | None = None,
        *,
        with_jieba: bool = True,
        propagate: bool = True,
    ) -> None:
        """`crf`: the CRF member (default: an untrained one, to be fitted or given a model)."""
        self.crf = crf if crf is not None else CRFExtractor()
        self.with_jieba = with_jieba
        self.propagate = propagate
        self.fallback = False
        self.jieba: Extractor = JiebaExtractor()
        members = "CRF, rules" + (", jieba" if with_jieba else "")
        self.description = (
            f"{members}: the longest span wins an overlap (the CRF's at equal length)"
            + (", names propagated to their other mentions" if propagate else "")
            + "."
        )

    def fit(self, documents: Sequence[Document], gold: AnnotationSet) -> EnsembleExtractor:
        self.crf.fit(documents, gold)
        self.fallback = False
        return self

    @property
    def ready(self) -> bool:
        """Whether `extract` can run: the CRF has a model, or the ensemble falls back without one."""
        return self.crf.is_trained or self.fallback

    def use_fallback(self) -> EnsembleExtractor:
        """Extract with rules + jieba only (no CRF model to be had)."""
        self.fallback = True
        return self

    def extract(self, document: Document) -> list[Span]:
        origin = self.origin + ("-fallback" if self.fallback else "")
        view = to_simplified(document.text)
        rules = [document.span(s, e, label, origin=origin) for s, e, label in rule_spans(view)]
        if self.fallback:
            names = [document.span(s.start, s.end, s.label, origin=origin) for s in self.jieba.extract(document)]
            return resolve_overlaps([rules, names])
        crf = [
            document.span(s, e, label, score=score, origin=origin)
            for s, e, label, score in self.crf.predict_offsets(document.text)
        ]
        others: list[Sequence[Span]] = [rules]
        if self.with_jieba:
            others.append([document.span(s.start, s.end, s.label, origin=origin) for s in self.jieba.extract(document)])
        combined = resolve_overlaps([crf, *others])
        if self.propagate:
            combined = propagate_names(
                document.text, combined, lambda s, e, label: document.span(s, e, label, origin=origin)
            )
        return combined


def default_ensemble() -> EnsembleExtractor:
    return EnsembleExtractor()
