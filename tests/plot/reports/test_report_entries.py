"""A report's entries as the loader reads them (tests/fixtures/report_small.json): groups,
medians, units, speedups and labels come from the rows' fields, never from parsing names."""

import statistics

import pytest

from concbench_plot.reports.formatting import format_efficiency, format_speedup, format_time
from concbench_plot.reports.report_loading import load_report
from plot_support import entry, load_fixture, write_report


def fixture_row(name):
    """The fixture's row of that exact name (e.g. `…_median`), read without plot.py."""
    rows = [b for b in load_fixture()["benchmarks"] if b["name"] == name]
    assert len(rows) == 1, name
    return rows[0]


def test_groups_by_workload_and_params(fixture_report):
    groups = [(g.workload, g.params.get("scale"), g.params.get("sleep_ms"), len(g.entries))
              for g in fixture_report.groups]
    assert groups == [("cpu", 1, None, 7), ("cpu", 100, None, 2), ("sleep", None, 20, 7)]
    assert [g.slug for g in fixture_report.groups] == ["cpu-scale-1", "cpu-scale-100", "sleep-n20-ms20-ts1"]


def test_params_compared_as_objects_not_text(report_data, tmp_path):
    # The same params with keys in another order and 1.0 for 1 is the same group.
    for row in report_data["benchmarks"]:
        if row["run_name"].startswith("cpu/threads/W:2/pool:cold/scale:1") and row["params"]["scale"] == 1:
            row["params"] = {"increments_per_num": 1000000.0, "nums": row["params"]["nums"], "scale": 1.0}
    report = load_report(str(write_report(tmp_path / "r.json", report_data)))
    assert len(report.groups) == 3


def test_median_speedup_efficiency_of_an_entry(fixture_report):
    e = entry(fixture_report, "cpu/threads/W:2/pool:cold/scale:1")
    median = fixture_row("cpu/threads/W:2/pool:cold/scale:1_median")
    assert e.median_source == "aggregate"
    assert e.median_s == pytest.approx(median["real_time"] * 1e-3)
    assert e.speedup == pytest.approx(median["speedup"])
    assert e.efficiency == pytest.approx(median["efficiency"])
    assert e.ideal_s == pytest.approx(median["ideal"] * 1e-3)
    assert len(e.times_s) == 3
    assert e.label == "threads W=2 (cold pool)"


def test_entry_reported_in_microseconds_is_converted(fixture_report):
    e = entry(fixture_report, "cpu/thread-per-task/scale:1")
    median = fixture_row("cpu/thread-per-task/scale:1_median")
    assert median["time_unit"] == "us"
    assert e.median_s == pytest.approx(median["real_time"] * 1e-6)
    assert e.ideal_s == pytest.approx(median["ideal"] * 1e-6)
    assert 0.017 < e.median_s < 0.019


def test_texts_beside_the_bars(fixture_report):
    e = entry(fixture_report, "cpu/threads/W:2/pool:cold/scale:1")
    median = fixture_row("cpu/threads/W:2/pool:cold/scale:1_median")
    assert format_speedup(e.speedup) == f"{median['speedup']:.2f}×"
    assert format_efficiency(e.efficiency) == f"{median['efficiency'] * 100:.0f} % of ideal"
    assert format_time(e.median_s) == "18.6 ms"
    assert format_time(3.4085) == "3.41 s"
    assert format_time(0.402) == "402 ms"
    assert format_time(20.5e-6) == "20.5 µs"
    assert format_speedup(19.24) == "19.2×"
    assert format_speedup(0.0123) == "0.012×"
    assert format_efficiency(1.03) == "103 % of ideal"
    assert format_efficiency(0.012) == "1.2 % of ideal"


def test_labels_and_order_come_from_fields(fixture_report):
    cpu1, _, sleep = fixture_report.groups
    assert [e.label for e in cpu1.entries] == [
        "sequential",
        "threads W=1 (cold pool)",
        "threads W=2 (cold pool)",
        "threads W=4 (warm pool)",
        "thread-per-task W=17",
        "coroutines (awaitable)",
        "coroutines (blocking)",
    ]
    assert [e.label for e in sleep.entries][-3:] == [
        "coroutines (awaitable, K=4)",
        "coroutines (awaitable)",
        "coroutines (blocking)",
    ]


def test_labels_do_not_parse_the_name(report_data, tmp_path):
    for row in report_data["benchmarks"]:
        if row["run_name"] == "cpu/threads/W:2/pool:cold/scale:1":
            row["name"] = row["name"].replace("cpu/threads/W:2/pool:cold", "opaque-name")
            row["run_name"] = "opaque-name"
    report = load_report(str(write_report(tmp_path / "r.json", report_data)))
    assert entry(report, "opaque-name").label == "threads W=2 (cold pool)"


def test_failed_entry_is_kept(fixture_report):
    e = entry(fixture_report, "cpu/threads/W:4/pool:warm/scale:1")
    assert e.failed and e.median_s is None
    rows = [b for b in load_fixture()["benchmarks"] if b["run_name"] == e.run_name]
    assert all(b["error_occurred"] for b in rows) and e.failed_repetitions == len(rows) == 3
    assert e.error_message == rows[0]["error_message"]
    assert e in fixture_report.groups[0].entries


def test_without_aggregates_the_median_of_iterations(report_data, tmp_path):
    report_data["benchmarks"] = [b for b in report_data["benchmarks"] if b["run_type"] == "iteration"]
    for b in report_data["benchmarks"]:  # as if the report carried no derived fields
        b.pop("speedup", None)
        b.pop("efficiency", None)
    report = load_report(str(write_report(tmp_path / "r.json", report_data)))
    e = entry(report, "sleep/threads/W:2/pool:cold/N:20/ms:20")
    rows = [b for b in report_data["benchmarks"] if b["run_name"] == e.run_name]
    seq = [b["real_time"] for b in report_data["benchmarks"] if b["run_name"] == "sleep/sequential/N:20/ms:20"]
    assert e.median_source == "iterations"
    assert e.median_s == pytest.approx(statistics.median(b["real_time"] for b in rows) * 1e-3)
    assert e.speedup == pytest.approx(statistics.median(seq) * 1e-3 / e.median_s)
    assert e.efficiency == pytest.approx(rows[0]["ideal"] * 1e-3 / e.median_s)
