"""Time and memory against task count (sweep_chart.py), on a hand-made report that
sweeps N and carries the memory fields real reports do not have yet."""

import math

import pytest

from concbench_plot.charts import sweep_chart as sw
from concbench_plot.reports.report_loading import load_report
from plot_support import REPORT, SWEEP_REPORT, assert_chart_files, save_figure, write_report


@pytest.fixture(scope="module")
def sweeps():
    return sw.find_sweeps(load_report(str(SWEEP_REPORT)))


def test_finds_one_family_with_a_line_per_model(sweeps):
    assert len(sweeps) == 1
    workload, _, series = sweeps[0]
    assert workload == "sleep"
    assert list(series) == ["sequential", "threads (cold pool) W=4", "thread-per-task", "coroutines (awaitable)"]
    assert all([n for n, _ in pts] == [8, 32, 128] for pts in series.values())
    assert "threads (cold pool) W=8" not in series  # run at one N only


def test_no_sweep_in_the_tutorial_report():
    assert sw.find_sweeps(load_report(str(REPORT))) == []


def test_growth_and_memory_readings(sweeps):
    series = sweeps[0][2]
    assert sw.growth_exponent(series["sequential"]) == pytest.approx(1.0, abs=0.01)
    assert sw.growth_exponent(series["coroutines (awaitable)"]) < 0.2
    _, e = series["thread-per-task"][-1]
    rss = 6 * 2**20 + 128 * 24 * 1024  # what the fixture's generator wrote
    assert sw.entry_figure(e, "peak_rss_bytes") == rss
    assert f"peak {rss / 2**20:.3g} MiB" in sw.sweep_reading(series)


def test_memory_panels_only_when_reported(sweeps, tmp_path):
    series = sweeps[0][2]
    assert sw.has_memory(series) == ["peak_rss_bytes", "bytes_per_task"]
    fig = sw.draw_sweep_chart(series, "with memory")
    assert len(fig.axes) == 3
    assert fig.axes[1].get_ylabel() == "peak resident memory (MiB)"
    assert fig.axes[0].get_xscale() == fig.axes[0].get_yscale() == "log"
    save_figure(fig, tmp_path, "sweep")
    assert_chart_files(tmp_path, "sweep")

    data = __import__("json").loads(SWEEP_REPORT.read_text())
    for b in data["benchmarks"]:
        b.pop("peak_rss_bytes"), b.pop("bytes_per_task")
    bare = sw.find_sweeps(load_report(str(write_report(tmp_path / "bare.json", data))))[0][2]
    assert sw.has_memory(bare) == []
    fig = sw.draw_sweep_chart(bare, "time only")
    assert len(fig.axes) == 1
    __import__("matplotlib.pyplot").pyplot.close(fig)


def test_a_startup_like_family_where_w_is_n(tmp_path):
    # startup entries: W = N = params.workers; the sweep must not split them by W.
    data = __import__("json").loads(REPORT.read_text())
    rows = [b for b in data["benchmarks"] if b["run_name"] == "cpu/thread-per-task/scale:1"]
    copies = []
    for n in (8, 64):
        for b in rows:
            c = dict(b, workload="startup", params={"workers": n}, tasks=n, workers=n, workers_label=str(n),
                     run_name=f"startup/x/W:{n}", name=f"startup/x/W:{n}")
            c["real_time"] = b["real_time"] * n / 8
            copies.append(c)
    data["benchmarks"] = copies
    found = sw.find_sweeps(load_report(str(write_report(tmp_path / "s.json", data))))
    assert len(found) == 1 and [n for n, _ in next(iter(found[0][2].values()))] == [8, 64]
    assert math.isclose(sw.growth_exponent(next(iter(found[0][2].values()))), 1.0, abs_tol=1e-6)


def test_subtitle_says_only_what_is_drawn(sweeps, tmp_path):
    series = sweeps[0][2]
    fig = sw.draw_sweep_chart(series, "with ideals")
    assert fig.axes[0].get_title(loc="left") == "time against N (dotted: ideal)"
    __import__("matplotlib.pyplot").pyplot.close(fig)
    data = __import__("json").loads(SWEEP_REPORT.read_text())
    for b in data["benchmarks"]:
        b.pop("ideal", None)
    bare = sw.find_sweeps(load_report(str(write_report(tmp_path / "noideal.json", data))))[0][2]
    fig = sw.draw_sweep_chart(bare, "no ideals")
    assert fig.axes[0].get_title(loc="left") == "time against N"
    assert not [line for line in fig.axes[0].get_lines() if line.get_linestyle() == ":"]
    __import__("matplotlib.pyplot").pyplot.close(fig)


def test_a_sweep_of_one_model_says_so(sweeps):
    alone = {"sequential": sweeps[0][2]["sequential"]}
    fig = sw.draw_sweep_chart(alone, "t")
    assert "only sequential was run at several task counts" in fig._suptitle.get_text()
    assert sw.sweep_reading(alone).startswith("only sequential was swept; sequential time ∝ N^")
    __import__("matplotlib.pyplot").pyplot.close(fig)
