"""The CRF trains on the gold alone in these tests (no MSRA sentences beside it), so that a test
trains in a second; the tests of the outside sentences ask for them explicitly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from jinbiao import benchmark
from jinbiao.baselines import crf_model, msra


@pytest.fixture(autouse=True)
def gold_only_training(monkeypatch):
    monkeypatch.setattr(crf_model, "DEFAULT_OUTSIDE", 0)


@pytest.fixture(scope="session")
def _msra_sentences() -> dict[tuple[Path, int | None], list[tuple[str, list[tuple[int, int, str]]]]]:
    return {}


@pytest.fixture
def msra_read_once(monkeypatch, _msra_sentences) -> None:
    """`read_msra` parses each MSRA file once per test session (the training file's 50,000 sentences
    take most of a second) and gives every later reader the very same sentences."""
    real = msra.read_msra

    def read_once(path: str | os.PathLike[str], limit: int | None = None) -> Iterator[tuple[str, list]]:
        key = (Path(path).resolve(), limit)
        if key not in _msra_sentences:
            _msra_sentences[key] = list(real(path, limit))
        return iter(_msra_sentences[key])

    monkeypatch.setattr(msra, "read_msra", read_once)
    monkeypatch.setattr(benchmark, "read_msra", read_once)
