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

The CRF member needs a model. Fitted (as the leaderboard fits it, on the training folds), it uses
that. Otherwise it loads the saved model (`jinbiao train`); when that is missing or stale and the
shipped gold exists, the ensemble trains it from the shipped gold itself (10–30 s), saves it,
and says so in one line on stderr, so that `make run` and `jinbiao prelabel` work on a fresh
checkout. With no gold to train on, it falls back to rules + jieba (what `union` does), again
with one line on stderr, and its spans then carry the origin ``ensemble@<version>-fallback``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from jinbiao.gold import LABEL_SET, AnnotationSet, Document, Span, load_gold

from .base import Extractor
from .crf import SHIPPED_GOLD, CRFExtractor, train_crf
from .crf_features import rule_spans
from .crf_model import ModelError, default_gold_dir, has_gold
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
    taken = sorted(spans, key=lambda s: s.start)
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
    return sorted([*taken, *added], key=lambda s: (s.start, s.end, s.label))


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
        auto_train: bool = True,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.crf = crf if crf is not None else CRFExtractor()
        self.with_jieba = with_jieba
        self.propagate = propagate
        self.auto_train = auto_train
        self.warn = warn or (lambda message: print(message, file=sys.stderr))
        self.fallback = False
        self._jieba: Extractor | None = None
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

    def ensure_crf(self) -> None:
        """Make the CRF usable: load it, else train it from the gold, else fall back."""
        if self.crf.is_trained or self.fallback:
            return
        try:
            self.crf.ensure_model()
            return
        except ModelError as error:
            if not self.auto_train:
                raise
            problem = str(error).split("; ")[0]
        gold_dir = default_gold_dir() if self.crf.gold_dir == SHIPPED_GOLD else self.crf.gold_dir
        if gold_dir is not None and has_gold(gold_dir):
            self.warn(f"ensemble: {problem}; training it now from the gold in {gold_dir}")
            try:
                result = train_crf(
                    gold_dir, self.crf.model_dir, features=self.crf.features, msra_dir=self.crf.msra_dir
                )
            except OSError as error:  # an unwritable model directory: keep the model in memory only
                self.warn(f"ensemble: cannot save the CRF model ({error}); using it unsaved")
                gold, documents = load_gold(gold_dir)
                self.crf.fit(documents, gold)
                return
            result.extractor.gold_dir = self.crf.gold_dir
            self.crf = result.extractor
            return
        self.warn(f"ensemble: {problem} and no gold to train it on; falling back to rules + jieba")
        self.fallback = True

    @property
    def jieba(self) -> Extractor:
        if self._jieba is None:
            from .jieba_names import JiebaExtractor

            self._jieba = JiebaExtractor()
        return self._jieba

    def extract(self, document: Document) -> list[Span]:
        self.ensure_crf()
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
