"""Where the shipped gold set lives, in a checkout and in an installed package alike."""

from __future__ import annotations

from pathlib import Path

GOLD_DIR = Path(__file__).resolve().parent
ARTICLES_DIR = GOLD_DIR / "articles"  # the source articles, byte for byte
DOCUMENTS_DIR = GOLD_DIR / "documents"  # the adjudicated gold: one JSON file per document
ANNOTATIONS_DIR = GOLD_DIR / "annotations"  # provenance: the individual annotations and exports
GUIDELINES = GOLD_DIR / "GUIDELINES.md"
