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
TABLE = REPO / "plot" / "table.py"
FIXTURES = REPO / "tests" / "fixtures"
REPORT = FIXTURES / "report_small.json"
# report_small as schema 2, and as schema 3 (15 rounds, p25 lead rows with intervals; a
# measurement error, a tie, an entry without an interval, an imprecise one):
# tests/fixtures/make_schema3_report.py writes them and the other *_schema3 fixtures.
REPORT_V2 = FIXTURES / "report_schema2.json"
REPORT_V3 = FIXTURES / "report_schema3.json"
# A real schema-4 report (concbench --workloads=cpu --models=sequential,threads --workers=2
# --cpu-scale=0.1 --benchmark_repetitions=6 --seed=4): six repetitions each, too few for any
# speedup interval, so every speedup carries its speedup_interval_note.
REPORT_V4 = FIXTURES / "report_schema4.json"
EMPTY_V3 = FIXTURES / "plot" / "empty_report_schema3.json"
SWEEP_V3 = FIXTURES / "plot" / "sweep_report_schema3.json"
PYTHON_V3 = FIXTURES / "plot" / "python_schema3.json"
PLOT_FIXTURES = FIXTURES / "plot"
SWEEP_REPORT = PLOT_FIXTURES / "sweep_report.json"  # N swept, memory fields, a downsampled timeline
# A real fork-cost report of the default suite: 10, 100, 1000 MiB; fork, fork-exec, posix_spawn;
# iteration and median rows kept.
FORK_COST_REPORT = PLOT_FIXTURES / "fork_cost_report.json"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The interpreter with Debian's matplotlib and numpy (docs/pitfalls.md "Python"), whatever runs
# pytest.
PYTHON = "/usr/bin/python3"


def run_plot(*args, timeout=60):
    """Run plot.py as a user would; returns the CompletedProcess (text mode)."""
    return subprocess.run([PYTHON, str(PLOT), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def run_table(*args, timeout=60):
    """Run table.py as a user would; returns the CompletedProcess (text mode)."""
    return subprocess.run([PYTHON, str(TABLE), *map(str, args)], capture_output=True, text=True, timeout=timeout)


def load_fixture() -> dict:
    return json.loads(REPORT.read_text())


def write_report(path: pathlib.Path, data) -> pathlib.Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def entry(report, run_name):
    """The report's one entry of that name."""
    found = [e for e in report.entries if e.run_name == run_name]
    assert len(found) == 1, run_name
    return found[0]


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


# (transport, mode, model, pinning) -> (round-trip p50 ns, p99 ns) or messages/s
ROUND_TRIPS = {
    ("pipe", "threads", "none"): (6_000.0, 12_000.0),
    ("pipe", "threads", "cross-cpu"): (40_000.0, 90_000.0),
    ("pipe", "processes-fork", "same-cpu"): (5_000.0, 9_000.0),
    ("shared-memory", "threads", "cross-cpu"): (800.0, 10_000.0),
}
STREAMS = {
    ("socket", "processes-fork", "none"): 250_000.0,
    ("shared-memory", "threads", "same-cpu"): 4_000_000.0,
}


# The CPython reference's entries (benchmarks/python/ --workloads=messaging): its models, and
# its `queue` transport (multiprocessing.Queue; queue.Queue between threads).
PYTHON_ROUND_TRIPS = {
    ("pipe", "python-threads", "none"): (20_000.0, 40_000.0),
    ("queue", "python-processes-fork", "none"): (100_000.0, 300_000.0),
    ("queue", "python-threads", "same-cpu"): (25_000.0, 50_000.0),
}
PYTHON_STREAMS = {
    ("pipe", "python-processes-fork", "none"): 60_000.0,
    ("queue", "python-threads", "cross-cpu"): 200_000.0,
}


def messaging_report(sizes=(64,), failed=(), round_trips=None, streams=None):
    """A report of the messaging scenario with the round figures above (or those given), one
    entry per (transport, model, placement) and mode, per message size."""
    data = load_fixture()
    data["context"].update(suite="quick", command_line=["concbench", "--workloads=messaging"])
    rows = []
    for size in sizes:
        cases = [(t, "round_trip", m, p, {"round_trip_p50_ns": p50, "round_trip_p99_ns": p99,
                                          "round_trip_mean_ns": p50 * 1.2, "messages_per_second": 1e9 / p50})
                 for (t, m, p), (p50, p99) in (ROUND_TRIPS if round_trips is None else round_trips).items()]
        cases += [(t, "stream", m, p, {"messages_per_second": rate})
                  for (t, m, p), rate in (STREAMS if streams is None else streams).items()]
        for transport, mode, model, pinning, figures in cases:
            messages = 2000 if mode == "round_trip" else 20000
            name = (f"messaging/{model}/W:2/transport:{transport}/mode:{mode}/bytes:{size}/messages:{messages}"
                    f"/pinning:{pinning}")
            params = {"transport": transport, "mode": mode, "message_bytes": size, "messages": messages,
                      "pinning": pinning, "parties": 2}
            base = {"run_name": name, "name": name, "workload": "messaging", "model": model, "workers": 2,
                    "workers_label": "2", "loop_threads": None, "inflight": None, "pool": None,
                    "task_form": "blocking", "tasks": 2, "params": params, "time_unit": "ms", "repetitions": 1,
                    "threads": 1, "iterations": 1, "ideal": 0.0, "bound": 0.0, "run_type": "iteration",
                    "repetition_index": 0, "real_time": 10.0, "cpu_time": 1.0, **figures}
            if name in failed:
                base.update(error_occurred=True, error_message="echo failed")
            rows.append(base)
    data["benchmarks"] = rows
    data.pop("timelines_file", None)
    return data
