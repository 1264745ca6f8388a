"""The scoring API's docstring examples run, and give what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import jinbiao.evaluate

MODULES = sorted(
    [f"jinbiao.evaluate.{info.name}" for info in pkgutil.iter_modules(jinbiao.evaluate.__path__)]
    + ["jinbiao.gold.tables"]
)
DOCUMENTED = {
    "jinbiao.evaluate.alignment": ["align"],
    "jinbiao.evaluate.scores": ["score"],
    "jinbiao.evaluate.metrics": ["precision_recall_f1"],
    "jinbiao.evaluate.report_text": ["classification_report"],
    "jinbiao.evaluate.interannotator": ["pairwise_f1", "cohen_kappa_chars"],
    "jinbiao.evaluate.error_analysis": ["errors", "confusion_matrix"],
    "jinbiao.gold.tables": ["format_table"],
}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_pass(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0


@pytest.mark.parametrize(("name", "functions"), sorted(DOCUMENTED.items()))
def test_the_public_scoring_functions_carry_an_example(name, functions):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder()
    for function in functions:
        examples = [test for test in finder.find(getattr(module, function)) if test.examples]
        assert examples, f"{name}.{function} has no runnable example"
