"""Extractors by name. Each is imported only when asked for, so listing them stays cheap."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from jinbiao.gold import JinbiaoError

from .base import Extractor

# name -> "module:factory"; the factory takes no arguments and returns a fresh Extractor. A learned
# one comes without a model: the job that runs it fits it or provides one (`jinbiao.models`).
_FACTORIES: dict[str, str] = {
    "rules": "jinbiao.baselines.rules:RuleExtractor",
    "jieba": "jinbiao.baselines.jieba_names:JiebaExtractor",
    "union": "jinbiao.baselines.union:default_union",
    "crf": "jinbiao.baselines.crf:CRFExtractor",
    "ensemble": "jinbiao.baselines.ensemble:default_ensemble",
}


class UnknownExtractor(JinbiaoError):
    pass


def register(name: str, factory: str) -> None:
    """Add an extractor: `factory` is ``"module:callable"`` returning a fresh `Extractor`."""
    _FACTORIES[name] = factory


def available() -> list[str]:
    return list(_FACTORIES)


def get_extractor(name: str) -> Extractor:
    try:
        target = _FACTORIES[name]
    except KeyError:
        raise UnknownExtractor(f"unknown baseline {name!r}; choose one of: {', '.join(available())}") from None
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:  # a library the extractor needs is not installed
        raise JinbiaoError(f"baseline {name!r} cannot be loaded ({error})") from None
    factory: Callable[[], Extractor] = getattr(module, attribute)
    return factory()
