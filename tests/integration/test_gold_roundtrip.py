"""The shipped gold, pushed as annotations to the real server and pulled back, is the gold."""

from __future__ import annotations

from helpers import Server

from jinbiao.annotate.labelstudio.gold_roundtrip import gold_round_trip
from jinbiao.gold import read_gold, read_gold_documents
from jinbiao.gold.paths import DOCUMENTS_DIR


def test_the_gold_comes_back_identical(server: Server) -> None:
    gold = read_gold(DOCUMENTS_DIR)
    documents = read_gold_documents(DOCUMENTS_DIR)
    trip = gold_round_trip(server.connection(), "gold round trip", documents, gold)
    assert trip.result.problems == []
    assert trip.differences(gold) == []
    candidate = trip.result.candidate
    assert candidate is not None and candidate.span_count() == gold.span_count() == 757
    for doc in gold:
        assert candidate.spans(doc.doc_id) == doc.spans  # offsets, labels and texts
        assert candidate.documents[doc.doc_id].text_sha256 == doc.text_sha256
