"""`import jinbiao.evaluate` is cheap: the heavy libraries load when a function needs them."""

from __future__ import annotations

import subprocess
import sys

import jinbiao.evaluate


def loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(output.split())


def test_importing_the_package_loads_no_heavy_library():
    loaded = loaded_after("import jinbiao.evaluate")
    assert not {"pandas", "scipy", "matplotlib", "sklearn", "numpy"} & loaded


def test_scoring_loads_no_plotting_library():
    loaded = loaded_after("from jinbiao.evaluate import align, score")
    assert "pandas" in loaded
    assert "matplotlib" not in loaded


def test_every_public_name_resolves():
    for name in jinbiao.evaluate.__all__:
        assert getattr(jinbiao.evaluate, name) is not None
    assert set(jinbiao.evaluate.__all__) == set(dir(jinbiao.evaluate)) & set(jinbiao.evaluate.__all__)
    assert set(jinbiao.evaluate.__all__) == set(jinbiao.evaluate._WHERE)
