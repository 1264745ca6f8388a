"""Tagging schemes of the token formats: BIO (IOB2), BIOES, BMES and BILOU.

Decoding follows seqeval's default (non-strict) mode, the one most NER evaluations use: an
ill-formed sequence is read the forgiving way rather than refused. ``I-X`` after ``O`` or after
another label starts a new entity; ``B-X I-Y`` gives two entities; ``E-X`` alone is a one-token
entity. BMES's ``M`` reads as ``I``; BILOU's ``L`` as ``E`` and ``U`` as ``S``, so every scheme
goes through the same rules. A bare label without prefix is not a tag and is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..errors import JinbiaoError

SCHEMES = ("bio", "bioes", "bmes", "bilou")
PREFIXES = frozenset("BIESMLU")
_CANONICAL = {"B": "B", "I": "I", "E": "E", "S": "S", "M": "I", "L": "E", "U": "S", "O": "O"}
# (begin, inside, end, single) per scheme
_WRITTEN = {
    "bio": ("B", "I", "I", "B"),
    "bioes": ("B", "I", "E", "S"),
    "bmes": ("B", "M", "E", "S"),
    "bilou": ("B", "I", "L", "U"),
}


def split_tag(tag: str) -> tuple[str, str]:
    """``("O", "")`` for ``O``, ``(prefix, label)`` for ``B-PER``; ValueError for anything else."""
    if tag == "O":
        return "O", ""
    if len(tag) >= 3 and tag[0] in PREFIXES and tag[1] == "-":
        return tag[0], tag[2:]
    raise ValueError(f"{tag!r} is not a tag (O, or B-/I-/E-/S-/M-/L-/U- and a label)")


def is_tag(text: str) -> bool:
    try:
        split_tag(text)
    except ValueError:
        return False
    return True


def check_scheme(scheme: str) -> str:
    if scheme not in SCHEMES:
        raise JinbiaoError(f"unknown tagging scheme {scheme!r}; one of {', '.join(SCHEMES)}")
    return scheme


def detect_scheme(tags: Iterable[str]) -> str:
    """The scheme the tags were written in, judged by the prefixes that occur."""
    prefixes = {tag[0] for tag in tags if tag != "O"}
    if prefixes & {"L", "U"}:
        return "bilou"
    if "M" in prefixes:
        return "bmes"
    if prefixes & {"E", "S"}:
        return "bioes"
    return "bio"


def _ends(prev: str, tag: str, prev_label: str, label: str) -> bool:
    if prev in ("E", "S"):
        return True
    if prev in ("B", "I") and tag in ("B", "S", "O"):
        return True
    return prev != "O" and prev_label != label


def _starts(prev: str, tag: str, prev_label: str, label: str) -> bool:
    if tag in ("B", "S"):
        return True
    if prev in ("E", "S", "O") and tag in ("E", "I"):
        return True
    return tag != "O" and prev_label != label


def decode_tags(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """Entities as ``(label, first token, last token + 1)``, the way seqeval's default mode reads them.

    Raises ValueError naming the position of the first string that is not a tag.
    """
    entities: list[tuple[str, int, int]] = []
    prev, prev_label, begin = "O", "", 0
    for index, tag in enumerate([*tags, "O"]):
        try:
            prefix, label = split_tag(tag)
        except ValueError as error:
            raise ValueError(f"token {index + 1}: {error}") from None
        prefix = _CANONICAL[prefix]
        if _ends(prev, prefix, prev_label, label):
            entities.append((prev_label, begin, index))
        if _starts(prev, prefix, prev_label, label):
            begin = index
        prev, prev_label = prefix, label
    return entities


def encode_tags(length: int, entities: Iterable[tuple[str, int, int]], scheme: str = "bio") -> list[str]:
    """Tags for `length` tokens with `entities` ``(label, first, last + 1)`` (non-overlapping)."""
    begin, inside, end, single = _WRITTEN[check_scheme(scheme)]
    tags = ["O"] * length
    for label, first, stop in entities:
        if stop - first == 1:
            tags[first] = f"{single}-{label}"
            continue
        tags[first] = f"{begin}-{label}"
        for index in range(first + 1, stop - 1):
            tags[index] = f"{inside}-{label}"
        tags[stop - 1] = f"{end}-{label}"
    return tags


def tag_names(labels: Sequence[str], scheme: str = "bio") -> list[str]:
    """Every tag of `labels` in `scheme`, ``O`` first: the label names of integer tags."""
    prefixes = sorted(set(_WRITTEN[check_scheme(scheme)]), key="BIMLESU".index)
    return ["O", *(f"{prefix}-{label}" for label in labels for prefix in prefixes)]
