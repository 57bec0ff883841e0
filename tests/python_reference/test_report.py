"""The report of a tiny real run: schema, plot/'s reader, rows, derived fields, timelines."""

from __future__ import annotations

import json

import jsonschema

from concbench_plot.reports import report_loading
from reference_support import SCHEMA


def test_tiny_run_validates_against_the_schema(tiny_run):
    jsonschema.validate(tiny_run["report"], json.loads(SCHEMA.read_text()))


def test_tiny_run_loads_with_plot_report_loading(tiny_run):
    report = report_loading.load_report(str(tiny_run["path"]))
    assert report.complete is True
    assert {e.model for e in report.entries} == {
        "python-sequential", "python-threads", "python-asyncio",
        "python-processes-fork", "python-processes-spawn", "python-processes-forkserver"}
    assert {e.workload for e in report.entries} == {"cpu", "sleep", "http"}
    assert not [e.run_name for e in report.entries if e.failed]
    for entry in report.entries:
        assert entry.median_s and entry.median_s > 0
        assert entry.ideal_s is not None and entry.bound_s is not None
        assert entry.ideal_s >= entry.bound_s * (1 - 1e-9), entry.run_name


def test_context_describes_machine_and_interpreter(tiny_run):
    context = tiny_run["report"]["context"]
    assert context["concbench_schema_version"] == 3
    assert context["usable_cpus"] >= 1 and context["num_cpus"] >= context["usable_cpus"]
    assert context["build"]["python_implementation"] == "CPython"
    assert context["build"]["python_version"].startswith("3.")
    assert context["suite"] == "quick"
    assert "--benchmark_repetitions=2" in context["command_line"]
    constants = context["machine_constants"]
    assert len(constants["ns_per_increment_by_busy_cores"]) == context["usable_cpus"]
    assert constants["loopback_round_trip_ns"] > 0 and constants["loopback_requests_per_second"] > 0


def test_rows_per_repetition_then_aggregates(tiny_run):
    rows = tiny_run["report"]["benchmarks"]
    by_entry = {}
    for row in rows:
        by_entry.setdefault(row["run_name"], []).append(row)
    for name, entry_rows in by_entry.items():
        kinds = [r["run_type"] if r["run_type"] == "iteration" else r["aggregate_name"] for r in entry_rows]
        assert kinds == ["iteration", "iteration", "mean", "median", "stddev", "cv"], name
        assert [r.get("repetition_index") for r in entry_rows[:2]] == [0, 1]
        for r in entry_rows:
            assert r["cpu_time"] >= 0
            assert ("efficiency" in r) == (r.get("aggregate_name") not in ("stddev", "cv")), name
        assert entry_rows[-1]["aggregate_unit"] == "percentage" and "time_unit" not in entry_rows[-1]


def test_speedup_only_where_a_sequential_entry_ran_the_same_batch(tiny_run):
    rows = tiny_run["report"]["benchmarks"]
    sequential_params = {(r["workload"], json.dumps(r["params"], sort_keys=True))
                         for r in rows if r["model"] == "python-sequential"}
    for r in rows:
        has_twin = (r["workload"], json.dumps(r["params"], sort_keys=True)) in sequential_params
        if r.get("aggregate_name") in ("stddev", "cv"):
            assert "speedup" not in r
        else:
            assert ("speedup" in r) == has_twin, r["name"]
    median = {r["run_name"]: r for r in rows if r.get("aggregate_name") == "median"}
    assert median["cpu/python-sequential/scale:0.03"]["speedup"] == 1.0


def test_timelines_file_is_a_sibling_in_the_cpp_format(tiny_run):
    report = tiny_run["report"]
    assert report["timelines_file"] == "py.timelines.json"
    timelines = json.loads((tiny_run["path"].parent / report["timelines_file"]).read_text())
    assert timelines["report"] == "py.json"
    names = {r["run_name"] for r in report["benchmarks"]}
    assert set(timelines["entries"]) == names
    for name, t in timelines["entries"].items():
        n = len(t["task"])
        assert t["tasks"] == n and not t["downsampled"], name
        assert len(t["worker"]) == len(t["start_ns"]) == len(t["end_ns"]) == n
        assert all(0 <= s <= e <= t["interval_ns"] for s, e in zip(t["start_ns"], t["end_ns"])), name
        assert max(t["worker"]) < t["workers"], name
