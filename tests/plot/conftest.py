"""Shared helpers for the plot/ tests: where things are, running plot.py, editing reports."""

import copy
import importlib.util
import json
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
PLOT = REPO / "plot" / "plot.py"
FIXTURES = REPO / "tests" / "fixtures"
REPORT = FIXTURES / "report_small.json"
# The interpreter with Debian's matplotlib and numpy (PITFALLS.md), whatever runs pytest.
PYTHON = "/usr/bin/python3"


def run_plot(*args, timeout=60):
    """Run plot.py as a user would; returns the CompletedProcess (text mode)."""
    return subprocess.run([PYTHON, str(PLOT), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def load_fixture() -> dict:
    return json.loads(REPORT.read_text())


def write_report(path: pathlib.Path, data) -> pathlib.Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


@pytest.fixture(scope="session")
def plot_module():
    """plot/plot.py imported as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("concbench_plot", PLOT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["concbench_plot"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def fixture_report(plot_module):
    return plot_module.load_report(str(REPORT))


@pytest.fixture
def report_data():
    """A fresh, editable copy of the fixture report."""
    return copy.deepcopy(load_fixture())
