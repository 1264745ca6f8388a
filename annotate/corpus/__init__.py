"""Articles in, `Document`s out: reading files in any common encoding, and normalization with an
offset map back to the raw bytes."""

from .load import CorpusError, EncodingWarning, load_corpus, load_corpus_with_reports
from .normalize import DEFAULT_CHROME_PATTERNS, STEPS, NormalizationConfig, Normalized, normalize

__all__ = [
    "DEFAULT_CHROME_PATTERNS",
    "STEPS",
    "CorpusError",
    "EncodingWarning",
    "NormalizationConfig",
    "Normalized",
    "load_corpus",
    "load_corpus_with_reports",
    "normalize",
]
