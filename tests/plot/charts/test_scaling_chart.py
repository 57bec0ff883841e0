"""Speedup and efficiency against W (scaling_chart.py)."""

import pytest

from concbench_plot.charts import scaling_chart as sc
from concbench_plot.reports.report_loading import load_report
from plot_support import assert_chart_files, load_fixture, save_figure, write_report


def median_row(run_name):
    return next(b for b in load_fixture()["benchmarks"] if b["name"] == f"{run_name}_median")


def test_series_need_two_w(fixture_report):
    cpu1, cpu100, sleep = fixture_report.groups
    assert {k: [w for w, _ in v] for k, v in sc.scaling_series(cpu1).items()} == {"threads (cold pool)": [1, 2]}
    assert not sc.wants_scaling_chart(cpu100)  # one W per model
    assert sc.wants_scaling_chart(sleep)


def test_reading_numbers_come_from_the_report(fixture_report):
    cpu1 = fixture_report.groups[0]
    row = median_row("cpu/threads/W:2/pool:cold/scale:1")
    reading = sc.scaling_reading(fixture_report, cpu1)
    assert reading.startswith(f"peak speedup {row['speedup']:.2f}×: threads (cold pool) at W=2")
    assert f"{row['efficiency'] * 100:.0f} % of ideal" in reading
    assert "at W=P=2" in reading


def test_ideal_and_bound_speedups(fixture_report):
    e = next(e for e in fixture_report.groups[0].entries if e.run_name == "cpu/threads/W:2/pool:cold/scale:1")
    seq = next(e for e in fixture_report.groups[0].entries if e.model == "sequential")
    assert sc._ideal_speedup(e, e.ideal_s) == pytest.approx(e.speedup * e.median_s / e.ideal_s)
    assert sc._ideal_speedup(e, e.ideal_s) == pytest.approx(seq.median_s / e.ideal_s, rel=0.02)
    assert sc._reference(sc.scaling_series(fixture_report.groups[0]), lambda x: x.bound_s)


def test_renders_both_panels(fixture_report, tmp_path):
    fig = sc.draw_scaling_chart(fixture_report, fixture_report.groups[2], "sleep")
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["speedup against W", "efficiency against W"]
    labels = fig.axes[-1].get_legend().get_texts()
    assert {sc.IDEAL_LABEL, sc.BOUND_LABEL} <= {t.get_text() for t in labels}
    save_figure(fig, tmp_path, "scaling")
    assert_chart_files(tmp_path, "scaling")


def test_without_sequential_only_efficiency(tmp_path):
    data = load_fixture()
    data["benchmarks"] = [b for b in data["benchmarks"] if b["model"] != "sequential" and b["workload"] == "sleep"]
    for b in data["benchmarks"]:
        b.pop("speedup", None)
    report = load_report(str(write_report(tmp_path / "r.json", data)))
    fig = sc.draw_scaling_chart(report, report.groups[0], "no sequential")
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["efficiency against W"]
    assert sc.scaling_reading(report, report.groups[0]).startswith("no sequential entry")
    save_figure(fig, tmp_path, "eff")


def test_a_named_w_is_labelled_with_its_name(tmp_path):
    data = load_fixture()
    data["benchmarks"] = [b for b in data["benchmarks"] if b["workload"] == "sleep"]
    for b in data["benchmarks"]:
        if b["run_name"].startswith("sleep/threads/W:2/pool:cold"):
            b["workers_label"] = "py-default"
    report = load_report(str(write_report(tmp_path / "r.json", data)))
    fig = sc.draw_scaling_chart(report, report.groups[0], "py-default")
    fig.canvas.draw()
    for ax in fig.axes:
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert "2 (py-default)" in labels and "1" in labels, labels
        assert "py-default = Python's default pool size" in ax.get_xlabel()
    __import__("matplotlib.pyplot").pyplot.close(fig)
