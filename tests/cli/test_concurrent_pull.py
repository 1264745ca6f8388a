"""Two `jinbiao pull --from-file` into the same output directory at the same time (issue 13):
their files never interleave. The directory ends up as one pull's complete output (each is
written beside it and swapped in whole); a pull that loses the race says so in one line."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from cli_helpers import big_export, jinbiao, python_with_slow_writes, stray_temporaries, tree, write_export

pytestmark = pytest.mark.slow  # processes killed or raced: run by `make test`, not by `make unit`

ROUNDS = 6


def test_two_pulls_into_one_directory_never_mix_their_files(tmp_path: Path):
    work = tmp_path / "work"
    work.mkdir()
    exports = {"x": write_export(work / "x.json", big_export(60)), "y": write_export(work / "y.json", big_export(61))}
    references = {}
    for name, export in exports.items():
        assert jinbiao("pull", "--from-file", export.name, "-o", f"reference-{name}", cwd=work).returncode == 0
        references[name] = tree(work / f"reference-{name}")
    assert references["x"] != references["y"]

    winners = []
    for _ in range(ROUNDS):
        processes = [
            subprocess.Popen(
                [*python_with_slow_writes(0.02), "pull", "--from-file", export.name, "-o", "shared", "--overwrite"],
                cwd=work,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for export in exports.values()
        ]
        results = [(process.wait(timeout=300), process.stderr.read()) for process in processes]
        for process in processes:
            process.stderr.close()
        for code, err in results:
            assert "Traceback" not in err
            assert code == 0 or (code == 2 and len(err.splitlines()) == 1 and err.startswith("jinbiao pull: error: "))
        assert any(code == 0 for code, _ in results)
        found = tree(work / "shared")
        assert found in references.values(), "the two pulls' files are mixed in one directory"
        winners.append("x" if found == references["x"] else "y")
        time.sleep(0.01)
    assert jinbiao("pull", "--from-file", "x.json", "-o", "shared", "--overwrite", cwd=work).returncode == 0
    assert tree(work / "shared") == references["x"]
    assert stray_temporaries(work) == []
