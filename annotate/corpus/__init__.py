"""Articles in, `Document`s out: reading files in any common encoding, and normalization with an
offset map back to the raw bytes; `load_corpus` holds a corpus in memory, `open_corpus` streams it."""

from .load import CorpusError, EncodingWarning, load_corpus, load_corpus_with_reports
from .normalize import (
    DEFAULT_CHROME_PATTERNS,
    STEPS,
    NormalizationConfig,
    NormalizationConfigError,
    Normalized,
    check_pattern,
    normalize,
)
from .stream import CorpusStream, iter_corpus, open_corpus
from .write import normalized_files, write_normalized

__all__ = [
    "DEFAULT_CHROME_PATTERNS",
    "STEPS",
    "CorpusError",
    "CorpusStream",
    "EncodingWarning",
    "NormalizationConfig",
    "NormalizationConfigError",
    "Normalized",
    "check_pattern",
    "iter_corpus",
    "load_corpus",
    "load_corpus_with_reports",
    "normalize",
    "normalized_files",
    "open_corpus",
    "write_normalized",
]
