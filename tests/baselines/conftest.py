"""The CRF trains on the gold alone in these tests (no MSRA sentences beside it), so that a test
trains in a second; the tests of the outside sentences ask for them explicitly."""

from __future__ import annotations

import pytest

from jinbiao.baselines import crf_model


@pytest.fixture(autouse=True)
def gold_only_training(monkeypatch):
    monkeypatch.setattr(crf_model, "DEFAULT_OUTSIDE", 0)
