"""Paths and the command-line runner shared by the CPython reference's tests.

A module of its own (not conftest) so that tests import it by a name no other test
directory uses, whichever directories one pytest session collects.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
PY_DIR = REPO / "benchmarks" / "python"
ENTRY_POINT = PY_DIR / "concbench_python.py"
SCHEMA = REPO / "reports" / "report.schema.json"
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

# A few seconds on 2 CPUs: every model and workload, 1-iteration cpu batches, short waits.
TINY_RUN_FLAGS = ["--suite=quick", "--cpu-scale=0.03", "--time-scale=0.05", "--benchmark_repetitions=2"]


def run_cli(args, timeout=120):
    return subprocess.run([PYTHON, str(ENTRY_POINT), *args], capture_output=True, text=True, timeout=timeout,
                          cwd=str(REPO))
