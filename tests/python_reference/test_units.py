"""Small pieces: the schedule simulations, ideal and bound, the report writer."""

from __future__ import annotations

import json

import pytest

from cpython_reference import report_writer, suite, workloads
from cpython_reference.calibration import MachineConstants
from cpython_reference.models import ASYNCIO, SEQUENTIAL, THREADS, RunSettings
from cpython_reference.schedule import greedy_makespan, shared_cpu_makespan

CONSTANTS = MachineConstants(usable_cpus=2, ns_per_increment_by_busy_cores=[30.0, 33.0], sleep_overshoot_ns=50_000.0,
                             core_ghz=3.0, loopback_round_trip_ns=100_000.0, loopback_requests_per_second=10_000.0)


def test_greedy_makespan_takes_tasks_in_order():
    assert greedy_makespan([3, 3, 3], 2) == 6
    assert greedy_makespan([1, 2, 3, 4], 1) == 10
    assert greedy_makespan([5], 8) == 5


def test_shared_cpu_makespan_shares_cpus_beyond_p():
    assert shared_cpu_makespan([4, 4, 4, 4], 4, 2) == pytest.approx(8)
    assert shared_cpu_makespan([4, 4], 2, 2) == pytest.approx(4)
    assert shared_cpu_makespan([2, 4], 1, 2) == pytest.approx(6)


def test_cpu_ideal_is_the_hardware_ideal_so_the_gil_shows_as_efficiency():
    work = workloads.CpuWorkload(scale=0.1)
    batch = work.make_batch()
    total = sum(t.size for t in batch)
    seq_ideal, seq_bound = work.estimate(batch, RunSettings(SEQUENTIAL).shape(len(batch)), CONSTANTS)
    assert seq_ideal == pytest.approx(total * 30.0) and seq_bound == pytest.approx(total * 30.0)
    threads = RunSettings(THREADS, workers=2, workers_label="2").shape(len(batch))
    ideal, bound = work.estimate(batch, threads, CONSTANTS)
    assert bound == pytest.approx(total * 30.0 / 2)
    assert bound <= ideal < seq_ideal  # two CPUs: no GIL in the ideal
    loop_ideal, _ = work.estimate(batch, RunSettings(ASYNCIO, form="awaitable").shape(len(batch)), CONSTANTS)
    assert loop_ideal == pytest.approx(seq_ideal)  # one loop thread


def test_sleep_and_http_ideals_use_lanes():
    sleep = workloads.SleepWorkload(tasks=100, sleep_ms=10)
    batch = sleep.make_batch()
    ideal, bound = sleep.estimate(batch, RunSettings(ASYNCIO, form="awaitable").shape(100), CONSTANTS)
    assert ideal == pytest.approx(10e6 + 50_000) and bound == pytest.approx(10e6)
    ideal, _ = sleep.estimate(batch, RunSettings(ASYNCIO, form="blocking").shape(100), CONSTANTS)
    assert ideal == pytest.approx(100 * (10e6 + 50_000))  # a blocking sleep stalls the loop
    http = workloads.HttpWorkload(url="http://127.0.0.1:1/", tasks=100, delay_ms=5, body_bytes=1024)
    ideal, bound = http.estimate(http.make_batch(), RunSettings(THREADS, workers=8).shape(100), CONSTANTS)
    assert ideal == pytest.approx(13 * 5.1e6) and bound == pytest.approx(100 * 5.1e6 / 8)
    ideal, _ = http.estimate(http.make_batch(), RunSettings(ASYNCIO, form="awaitable").shape(100), CONSTANTS)
    assert ideal == pytest.approx(100 / 10_000 * 1e9)  # N / X: one interpreter's rate


def test_iterations_per_sample_as_the_cpp_suite():
    assert suite.iterations_per_sample(workloads.CpuWorkload(scale=0.1)) == 1
    assert suite.iterations_per_sample(workloads.SleepWorkload(tasks=20, sleep_ms=20, time_scale=0.05)) == 5


def test_timelines_above_ten_thousand_tasks_are_downsampled():
    n = 25_000
    timeline = {"tasks": n, "workers": 1, "interval_ns": n, "downsampled": False, "task": list(range(n)),
                "worker": [0] * n, "start_ns": list(range(n)), "end_ns": list(range(1, n + 1))}
    kept = report_writer.downsampled(timeline)
    assert kept["downsampled"] is True and kept["downsample_stride"] == 3
    assert len(kept["task"]) == len(kept["end_ns"]) == 8334 and kept["task"][:3] == [0, 3, 6]
    assert report_writer.downsampled(dict(timeline, task=[0])) is not None


def test_report_is_replaced_atomically_and_marked_incomplete_until_the_end(tmp_path):
    path = tmp_path / "r.json"
    assert report_writer.timelines_path_for(str(path)) == str(tmp_path / "r.timelines.json")
    document = report_writer.ReportDocument({"concbench_schema_version": 1}, str(path))
    document.write(complete=False)
    assert json.loads(path.read_text())["complete"] is False
    document.write(complete=True)
    assert json.loads(path.read_text())["complete"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.timelines.json"]  # no temporaries left
    assert report_writer.replace_non_finite({"a": [float("nan"), 1.0, float("inf")]}) == {"a": [None, 1.0, None]}
