"""Extractor baselines: each turns a `Document` into spans; a registry by name."""

if __name__ != "jinbiao.baselines":  # the folder imported by its bare name from the checkout root
    raise ImportError("this folder is installed as jinbiao.baselines: write `import jinbiao.baselines`")

from .base import Extractor
from .registry import UnknownExtractor, available, get_extractor, register

# What `prelabel`, `push` and `make run` use when no baseline is named.
DEFAULT_BASELINE = "ensemble"

__all__ = ["DEFAULT_BASELINE", "Extractor", "UnknownExtractor", "available", "get_extractor", "register"]
