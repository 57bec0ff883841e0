"""Fixtures shared by the plot/ tests (the helpers are in plot_support.py)."""

import copy

import pytest

from concbench_plot.reports.report_loading import load_report
from plot_support import REPORT, cpu_scale1_only, load_fixture, other_machine, run_plot, write_report


@pytest.fixture(scope="session")
def fixture_report():
    return load_report(str(REPORT))


@pytest.fixture
def report_data():
    """A fresh, editable copy of the fixture report."""
    return copy.deepcopy(load_fixture())


@pytest.fixture(scope="session")
def drawn(tmp_path_factory):
    """plot.py on the fixture report, into a directory it must create: (result, out)."""
    out = tmp_path_factory.mktemp("charts") / "new-dir"
    return run_plot(REPORT, "--out", out), out


@pytest.fixture(scope="session")
def drawn_pair(tmp_path_factory):
    """plot.py on two machines' reports (cpu scale-1 only, to stay quick): (result, out, paths)."""
    base = tmp_path_factory.mktemp("pair")
    first = write_report(base / "xeon.json", cpu_scale1_only(load_fixture()))
    second = write_report(base / "laptop.json", other_machine(cpu_scale1_only(load_fixture())))
    out = base / "out"
    return run_plot(first, second, "--out", out), out, (first, second)
