"""The package's type hints hold (it ships py.typed): mypy --strict finds nothing."""

import subprocess
import sys

from tradewatch_testing.plugin import ROOT


def test_mypy_strict_passes_on_the_package():
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "clients/python/src/tradewatch"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stdout + out.stderr
