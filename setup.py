"""Package discovery for the design card's layout.

The rooms stay top-level folders of the checkout (`gold/`, `annotate/`, `baselines/`,
`evaluate/`) and are installed as subpackages of `jinbiao`, so that `gold` or `evaluate` never
collide with another distribution. Their subpackages are found, not listed: a new folder with an
`__init__.py` inside a room is packaged without touching this file.
"""

from setuptools import find_packages, setup

ROOMS = ("gold", "annotate", "evaluate", "baselines")

packages = ["jinbiao", *(f"jinbiao.{name}" for name in find_packages("jinbiao"))]
for room in ROOMS:
    packages += [f"jinbiao.{room}", *(f"jinbiao.{room}.{name}" for name in find_packages(room))]

setup(packages=packages, package_dir={"jinbiao": "jinbiao", **{f"jinbiao.{room}": room for room in ROOMS}})
