"""Task timelines (timeline_data.py, timeline_chart.py): reading the sibling file,
skipping it when absent or damaged, lanes per worker, downsampled timelines."""

import dataclasses
import json

import pytest

from concbench_plot.charts import timeline_chart as tc
from concbench_plot.reports import timeline_data as td
from concbench_plot.reports.formatting import format_time
from concbench_plot.reports.model_names import model_rank
from concbench_plot.reports.report_loading import load_report
from plot_support import REPORT, SWEEP_REPORT, assert_chart_files, load_fixture, save_figure, write_report


@pytest.fixture(scope="module")
def small():
    report = load_report(str(REPORT))
    timelines, note = td.load_timelines(report)
    assert note is None
    return report, timelines


def test_reads_the_columns_in_seconds(small):
    report, timelines = small
    raw = json.loads(REPORT.with_name("report_small.timelines.json").read_text())["entries"]
    name = "cpu/threads/W:2/pool:cold/scale:1"
    t = timelines[name]
    assert t.worker == raw[name]["worker"] and t.task == raw[name]["task"]
    assert t.start_s[1] == pytest.approx(raw[name]["start_ns"][1] * 1e-9)
    assert t.interval_s == pytest.approx(raw[name]["interval_ns"] * 1e-9)
    busy = sum(e - s for s, e in zip(raw[name]["start_ns"], raw[name]["end_ns"]))
    assert t.mean_in_flight() == pytest.approx(busy / raw[name]["interval_ns"])


def test_missing_or_damaged_file_is_a_note_not_an_error(tmp_path):
    data = load_fixture()
    report = load_report(str(write_report(tmp_path / "r.json", data)))
    timelines, note = td.load_timelines(report)
    assert timelines == {} and "no timeline file report_small.timelines.json" in note
    (tmp_path / "report_small.timelines.json").write_text("{not json")
    timelines, note = td.load_timelines(report)
    assert timelines == {} and "unreadable" in note
    (tmp_path / "report_small.timelines.json").write_text('{"entries": []}')
    assert "no 'entries'" in td.load_timelines(report)[1]


def test_damaged_entries_and_null_stamps_are_dropped():
    assert td.parse_entry("x", {"task": [0, 1], "worker": [0], "start_ns": [0, 1], "end_ns": [1, 2]}) is None
    assert td.parse_entry("x", "nope") is None
    t = td.parse_entry("x", {"task": [0, 1, 2], "worker": [0, 0, 1], "start_ns": [0, None, 5],
                             "end_ns": [4, 9, 8], "workers": 2, "interval_ns": 10})
    assert t.task == [0, 2] and t.workers == 2 and t.span_s == pytest.approx(10e-9)


def test_overlapping_tasks_get_their_own_row():
    rows, n = td.pack_rows([0, 1, 2, 5], [4, 3, 6, 7])
    assert (rows, n) == ([0, 1, 2, 0], 3)  # first fit: task 3 reuses the first free row
    assert td.pack_rows([0, 1], [1, 2]) == ([0, 0], 1)


def test_one_entry_per_model_preferring_w_equal_p(small):
    report, timelines = small
    group = report.groups[0]
    picked = tc.pick_entries(report, group, timelines)
    models = [e.model for e, _ in picked]
    assert models == sorted(set(models), key=model_rank)
    threads = next(e for e, _ in picked if e.model == "threads")
    assert threads.workers == report.context["usable_cpus"] == 2
    assert all(not e.failed for e, _ in picked)


def test_headline_group_is_each_workloads_largest(small):
    report, _ = small
    assert [(g.workload, g.params.get("scale")) for g in tc.headline_groups(report)] == [("cpu", 1), ("sleep", None)]


def test_downsampled_timeline_is_drawn_and_says_so(tmp_path):
    report = load_report(str(SWEEP_REPORT))
    timelines, _ = td.load_timelines(report)
    group = next(g for g in report.groups if g.tasks == 128)
    picked = tc.pick_entries(report, group, timelines)
    coroutine = next((e, t) for e, t in picked if e.model == "coroutines")
    assert coroutine[1].downsampled and coroutine[1].stride == 2
    assert "downsampled: 1 in 2 shown" in tc.panel_text(*coroutine)
    assert coroutine[1].mean_in_flight() is None
    reading = tc.timeline_reading(picked)
    assert "downsampled, not averaged: coroutines" in reading
    save_figure(tc.draw_timeline_chart("title", picked), tmp_path, "timeline")
    assert_chart_files(tmp_path, "timeline")


def test_lane_names():
    assert tc.lane_noun("coroutines", 3) == "coroutines"
    assert tc.lane_noun("processes-fork", 2) == "processes"
    assert tc.lane_noun("threads") == "thread"


# --- how typical the drawn batch is, and the same group on every machine -------------------


def test_panel_says_the_batch_against_the_rows_in_old_files(small):
    report, timelines = small
    e = next(e for e in report.entries if e.run_name == "cpu/threads/W:2/pool:cold/scale:1")
    t = timelines[e.run_name]
    assert t.repetition_s is None and t.median_s is None  # an older file: no such fields
    text = tc.batch_text(e, t)
    assert text.startswith(f"this batch {format_time(t.interval_s)}; the entry's median {format_time(e.median_s)}")
    assert f"its 3 repetitions {tc.time_range(min(e.times_s), max(e.times_s))}" in text
    assert tc.panel_text(e, t).splitlines()[1] == text
    slow = td.parse_entry(e.run_name, {"task": [0], "worker": [0], "start_ns": [0], "end_ns": [1],
                                       "interval_ns": max(e.times_s) * 1.5e9})
    assert tc.batch_text(e, slow).endswith("outside that range, not a typical batch")


def test_panel_says_the_repetition_against_the_median_when_the_file_does():
    raw = {"task": [0, 1], "worker": [0, 1], "start_ns": [0, 0], "end_ns": [20_000_000, 25_000_000],
           "interval_ns": 38_900_000, "repetition_ns": 22_900_000, "median_ns": 22_700_000}
    t = td.parse_entry("x", raw)
    assert t.repetition_s == pytest.approx(0.0229) and t.median_s == pytest.approx(0.0227)
    e = load_report(str(REPORT)).entries[0]
    # Against the report's median and range (the file's median_ns is that of the repetitions'
    # last batches, of which the drawn one is the nearest: the same figure, telling nothing).
    text = tc.batch_text(e, t)
    assert text.startswith(f"the repetition nearest the median: this batch 22.9 ms; "
                           f"the entry's median {format_time(e.median_s)}"), text
    without_rows = dataclasses.replace(e, median_s=None, times_s=[])
    assert tc.batch_text(without_rows, t) == ("the repetition nearest the median: this batch 22.9 ms; "
                                              "the entry's median 22.7 ms (+0.9 %)")
    fig = tc.draw_timeline_chart("t", [(e, t)])
    assert "One timed repetition of each entry" in " ".join(x.get_text() for x in fig.texts)
    __import__("matplotlib.pyplot").pyplot.close(fig)
    for bad in (None, "1", -5, float("nan")):  # absent or damaged: the older wording
        assert td.parse_entry("x", dict(raw, repetition_ns=bad)).repetition_s is None


def test_headline_group_is_the_same_on_every_machine(tmp_path):
    data = load_fixture()
    data["benchmarks"] = [b for b in data["benchmarks"] if b["workload"] == "cpu"]
    for b in data["benchmarks"]:  # two groups of equal size: scale 1 and scale 100
        if b["params"]["scale"] == 100:
            b["params"]["scale"] = 10
    rows = data["benchmarks"]
    names = list(dict.fromkeys(b["run_name"] for b in rows if b["params"]["scale"] == 1))[:2]
    data["benchmarks"] = [b for b in rows if b["params"]["scale"] == 10 or b["run_name"] in names]
    first = load_report(str(write_report(tmp_path / "a.json", data)))
    data["benchmarks"] = list(reversed(data["benchmarks"]))  # the other machine lists them the other way
    second = load_report(str(write_report(tmp_path / "b.json", data)))
    assert [g.params["scale"] for g in first.groups] != [g.params["scale"] for g in second.groups]
    assert [len(g.entries) for g in first.groups] == [2, 2]  # a tie on size
    pick = [tc.headline_groups(r, [first, second])[0].params["scale"] for r in (first, second)]
    assert pick[0] == pick[1]
    alone = [tc.headline_groups(r)[0].params["scale"] for r in (first, second)]
    assert alone[0] == alone[1], "one report alone: not its order either"


def test_a_group_only_one_machine_has_is_not_the_headline(tmp_path):
    data = load_fixture()
    data["benchmarks"] = [b for b in data["benchmarks"] if b["workload"] == "cpu"]
    first = load_report(str(write_report(tmp_path / "a.json", data)))
    data["benchmarks"] = [b for b in data["benchmarks"] if b["params"]["scale"] == 100]
    second = load_report(str(write_report(tmp_path / "b.json", data)))
    assert tc.headline_groups(first)[0].params["scale"] == 1  # the larger group, alone
    assert tc.headline_groups(first, [first, second])[0].params["scale"] == 100  # the one both have


def test_time_ranges_read_naturally():
    assert tc.time_range(0.0204, 0.0311) == "20.4–31.1 ms"
    assert tc.time_range(950e-6, 1.2e-3) == "950 µs–1.2 ms"
    assert tc.time_range(0.4021, 0.4023) == "402 ms each"
