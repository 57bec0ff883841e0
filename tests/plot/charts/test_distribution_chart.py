"""Distributions of repetitions (distribution_chart.py)."""

import statistics

import pytest

from concbench_plot.charts import distribution_chart as dc
from plot_support import assert_chart_files, load_fixture, save_figure


def test_skipped_where_one_repetition(fixture_report):
    cpu1, cpu100, sleep = fixture_report.groups
    assert dc.wants_distribution_chart(cpu1) and dc.wants_distribution_chart(sleep)
    assert not dc.wants_distribution_chart(cpu100)


def test_deviation_and_cv_from_the_iterations(fixture_report):
    name = "cpu/threads/W:2/pool:cold/scale:1"
    times = [b["real_time"] for b in load_fixture()["benchmarks"]
             if b["run_name"] == name and b["run_type"] == "iteration"]
    e = next(e for e in fixture_report.entries if e.run_name == name)
    median = statistics.median(times)
    assert dc.deviations(e) == pytest.approx([(t / median - 1) * 100 for t in times])
    cv = statistics.stdev(times) / statistics.fmean(times)
    assert dc.coefficient_of_variation(e.times_s) == pytest.approx(cv)
    reading = dc.distribution_reading(fixture_report.groups[0])
    assert f"widest: threads W=2 (cold pool) (cv {cv * 100:.1f} %)" in reading


def test_renders_with_a_failed_entry(fixture_report, tmp_path):
    cpu1 = fixture_report.groups[0]
    assert any(e.failed for e in cpu1.entries)
    fig = dc.draw_distribution_chart(cpu1, "cpu")
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == [e.label for e in cpu1.entries]
    save_figure(fig, tmp_path, "dist")
    assert_chart_files(tmp_path, "dist")
