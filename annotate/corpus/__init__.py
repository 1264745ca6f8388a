"""Articles in, `Document`s out: reading files in any common encoding, and normalization with an
offset map back to the raw bytes."""

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
from .write import normalized_files, write_normalized

__all__ = [
    "DEFAULT_CHROME_PATTERNS",
    "STEPS",
    "CorpusError",
    "EncodingWarning",
    "NormalizationConfig",
    "NormalizationConfigError",
    "Normalized",
    "check_pattern",
    "load_corpus",
    "load_corpus_with_reports",
    "normalize",
    "normalized_files",
    "write_normalized",
]
