"""Package discovery for the design card's layout.

The rooms stay top-level folders of the checkout (`gold/`, `annotate/`, `baselines/`,
`evaluate/`) and are installed as subpackages of `jinbiao`, so that `gold` or `evaluate` never
collide with another distribution. Their subpackages are found, not listed: a new folder with an
`__init__.py` inside a room is packaged without touching this file.
"""

from setuptools import find_namespace_packages, setup

ROOMS = ("gold", "annotate", "evaluate", "baselines")
# Folders of data (gold/articles, baselines/data, …) count as namespace packages too, so that
# setuptools ships their files (`package-data` in pyproject.toml) without warning about them.
NOT_PACKAGES = ["*__pycache__*"]

packages = ["jinbiao", *(f"jinbiao.{name}" for name in find_namespace_packages("jinbiao", exclude=NOT_PACKAGES))]
for room in ROOMS:
    found = find_namespace_packages(room, exclude=NOT_PACKAGES)
    packages += [f"jinbiao.{room}", *(f"jinbiao.{room}.{name}" for name in found)]

setup(packages=packages, package_dir={"jinbiao": "jinbiao", **{f"jinbiao.{room}": room for room in ROOMS}})
