"""Benchmarks use the shared fakes in tests/fakes/, never a pytest conftest."""

from __future__ import annotations

import subprocess
import sys

from tests.fakes.atlas import REPO_ROOT

IMPORT_EVERY_BENCHMARK = """
import importlib, pkgutil, sys
import benchmarks
for module in pkgutil.iter_modules(benchmarks.__path__):
    importlib.import_module("benchmarks." + module.name)
print(sorted(name for name in sys.modules if name.split(".")[-1] == "conftest"))
"""


def test_importing_every_benchmark_loads_no_conftest() -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", IMPORT_EVERY_BENCHMARK],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"
