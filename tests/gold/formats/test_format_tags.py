"""Tagging schemes: decoding agrees with seqeval's default mode, ill-formed sequences included."""

from __future__ import annotations

import random

import pytest
from seqeval.metrics.sequence_labeling import get_entities

from jinbiao.gold.errors import JinbiaoError
from jinbiao.gold.formats import SCHEMES, decode_tags, encode_tags, tag_names
from jinbiao.gold.formats.tags import detect_scheme


@pytest.mark.parametrize("seed", range(200))
def test_decoding_agrees_with_seqeval_default_mode_on_any_sequence(seed):
    rng = random.Random(seed)
    tags = [
        "O" if rng.random() < 0.3 else f"{rng.choice('BIES')}-{rng.choice(['PER', 'ORG'])}"
        for _ in range(rng.randint(0, 25))
    ]
    theirs = [(label, first, last + 1) for label, first, last in get_entities(tags)]
    assert decode_tags(tags) == theirs


@pytest.mark.parametrize(
    ("tags", "entities"),
    [
        (["I-PER", "I-PER", "O"], [("PER", 0, 2)]),  # I- without B- starts an entity
        (["O", "I-PER", "B-PER", "I-PER"], [("PER", 1, 2), ("PER", 2, 4)]),
        (["B-PER", "I-ORG"], [("PER", 0, 1), ("ORG", 1, 2)]),  # a label change starts another
        (["E-PER", "O", "S-ORG"], [("PER", 0, 1), ("ORG", 2, 3)]),
        (["B-PER", "M-PER", "E-PER", "S-PER"], [("PER", 0, 3), ("PER", 3, 4)]),  # BMES
        (["B-PER", "I-PER", "L-PER", "U-ORG"], [("PER", 0, 3), ("ORG", 3, 4)]),  # BILOU
        (["B-PER", "E-PER", "E-PER"], [("PER", 0, 2), ("PER", 2, 3)]),
        (["B-WORK-OF-ART"], [("WORK-OF-ART", 0, 1)]),
    ],
)
def test_ill_formed_and_other_schemes_by_hand(tags, entities):
    assert decode_tags(tags) == entities


@pytest.mark.parametrize("scheme", SCHEMES)
def test_encoding_then_decoding_gives_the_entities_back(scheme):
    entities = [("PER", 0, 1), ("PER", 1, 4), ("ORG", 5, 7), ("GPE", 7, 8)]
    tags = encode_tags(9, entities, scheme)
    assert decode_tags(tags) == entities
    assert detect_scheme(tags) == scheme


def test_written_tags_by_hand():
    entities = [("PER", 0, 1), ("ORG", 1, 4)]
    assert encode_tags(5, entities, "bio") == ["B-PER", "B-ORG", "I-ORG", "I-ORG", "O"]
    assert encode_tags(5, entities, "bioes") == ["S-PER", "B-ORG", "I-ORG", "E-ORG", "O"]
    assert encode_tags(5, entities, "bmes") == ["S-PER", "B-ORG", "M-ORG", "E-ORG", "O"]
    assert encode_tags(5, entities, "bilou") == ["U-PER", "B-ORG", "I-ORG", "L-ORG", "O"]


def test_tag_names_put_o_first_then_each_label_in_order():
    assert tag_names(["PER", "ORG"]) == ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"]
    assert tag_names(["PER"], "bioes") == ["O", "B-PER", "I-PER", "E-PER", "S-PER"]


def test_a_bare_label_is_not_a_tag():
    with pytest.raises(ValueError, match=r"token 2: 'PER' is not a tag"):
        decode_tags(["O", "PER"])


def test_an_unknown_scheme_is_refused():
    with pytest.raises(JinbiaoError, match="unknown tagging scheme 'iob1'; one of bio, bioes, bmes, bilou"):
        encode_tags(1, [], "iob1")
