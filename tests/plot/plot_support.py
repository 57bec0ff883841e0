"""Helpers shared by the plot/ tests: where things are, running plot.py, editing reports.

A module of its own (not conftest) so that tests import it by a name no other test
directory uses, whichever directories one pytest session collects.
"""

import copy
import json
import pathlib
import subprocess

from concbench_plot.reports.model_names import CPYTHON_TWINS
from concbench_plot.reports.report_loading import load_report

REPO = pathlib.Path(__file__).resolve().parents[2]
PLOT = REPO / "plot" / "plot.py"
FIXTURES = REPO / "tests" / "fixtures"
REPORT = FIXTURES / "report_small.json"
PLOT_FIXTURES = FIXTURES / "plot"
SWEEP_REPORT = PLOT_FIXTURES / "sweep_report.json"  # N swept, memory fields, a downsampled timeline
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The interpreter with Debian's matplotlib and numpy (docs/pitfalls.md "Python"), whatever runs
# pytest.
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


def load_data(tmp_path, data, name="r.json"):
    """The report `data`, written into tmp_path and loaded."""
    return load_report(str(write_report(tmp_path / name, data)))


def assert_chart_files(out, base):
    """`base`.png is a real, non-blank PNG and `base`.svg parses as SVG."""
    import xml.etree.ElementTree

    png = out / f"{base}.png"
    data = png.read_bytes()
    assert data.startswith(PNG_SIGNATURE), png
    assert len(data) > 5_000, png
    svg = xml.etree.ElementTree.parse(out / f"{base}.svg").getroot()
    assert svg.tag.endswith("svg"), base


def cpu_scale1_only(data):
    """The report cut down to its cpu scale-1 group: several W, 3 repetitions, timelines."""
    data["benchmarks"] = [b for b in data["benchmarks"]
                          if b["workload"] == "cpu" and b["params"].get("scale") == 1]
    return data


def other_machine(data, host="laptop", cpu="Test CPU 8-core", usable_cpus=8, factor=0.8):
    """The same runs as if made on another machine: other host, CPU and P, faster times."""
    data["context"].update(host_name=host, cpu_model=cpu, usable_cpus=usable_cpus)
    for b in data["benchmarks"]:
        for key in ("real_time", "ideal", "bound"):
            if key in b and b.get("aggregate_unit") != "percentage":
                b[key] = b[key] * factor
    return data


def save_figure(fig, out, base):
    """Save a figure the way plot.py does (PNG + SVG) and close it."""
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    try:
        for ext in ("png", "svg"):
            fig.savefig(out / f"{base}.{ext}", dpi=80 if ext == "png" else None, bbox_inches="tight")
    finally:
        plt.close(fig)


def as_cpython(data: dict, slower: float = 1.0) -> dict:
    """The report as the CPython reference (concbench_python.py) would write it: python-<twin>
    for each model, the models without a twin dropped, every time `slower` times slower (the
    interpreter), CPython's build context and no timeline file."""
    twins = {v: k for k, v in CPYTHON_TWINS.items()}
    data = copy.deepcopy(data)
    rows = []
    for row in data["benchmarks"]:
        if row["model"] not in twins:
            continue
        python = twins[row["model"]]
        for key in ("name", "run_name"):
            parts = row[key].split("/")
            parts[1] = python
            row[key] = "/".join(parts)
        row["model"] = python
        for key in ("real_time", "ideal", "bound"):
            if key in row and row.get("aggregate_unit") != "percentage":
                row[key] *= slower
        rows.append(row)
    data["benchmarks"] = rows
    data["context"]["build"] = {"python_version": "3.11.2"}
    data.pop("timelines_file", None)
    return data
