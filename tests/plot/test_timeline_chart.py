"""Task timelines (plot/timeline_data.py, plot/timeline_chart.py): reading the sibling file,
skipping it when absent or damaged, lanes per worker, downsampled timelines."""

import json
import sys

import pytest
from conftest import REPO, REPORT, SWEEP_REPORT, assert_chart_files, load_fixture, save_figure, write_report

sys.path.insert(0, str(REPO / "plot"))
import report_loading as rl  # noqa: E402
import timeline_chart as tc  # noqa: E402
import timeline_data as td  # noqa: E402


@pytest.fixture(scope="module")
def small():
    report = rl.load_report(str(REPORT))
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
    report = rl.load_report(str(write_report(tmp_path / "r.json", data)))
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
    assert models == sorted(set(models), key=rl.model_rank)
    threads = next(e for e, _ in picked if e.model == "threads")
    assert threads.workers == report.context["usable_cpus"] == 2
    assert all(not e.failed for e, _ in picked)


def test_headline_group_is_each_workloads_largest(small):
    report, _ = small
    assert [(g.workload, g.params.get("scale")) for g in tc.headline_groups(report)] == [("cpu", 1), ("sleep", None)]


def test_downsampled_timeline_is_drawn_and_says_so(tmp_path):
    report = rl.load_report(str(SWEEP_REPORT))
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
