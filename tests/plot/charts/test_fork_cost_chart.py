"""The fork-cost chart (fork_cost_chart.py) on a real fork-cost report of the default suite,
and that plot.py takes such a report in its stride."""

import json

from concbench_plot.charts import fork_cost_chart as fc
from concbench_plot.reports.fork_cost_figures import fork_cost_series
from concbench_plot.reports.report_loading import load_report
from plot_support import FORK_COST_REPORT, REPORT, assert_chart_files, run_plot, save_figure, write_report


def test_the_reading_names_each_start_and_the_fork_to_posix_spawn_ratio():
    reading = fc.fork_cost_reading(load_report(str(FORK_COST_REPORT)))
    for start in ("fork:", "fork-exec:", "posix_spawn:"):
        assert start in reading
    assert "a fork takes ×" in reading and "a posix_spawn" in reading


def test_it_renders_log_log_with_title_units_and_machine(tmp_path):
    report = load_report(str(FORK_COST_REPORT))
    fig = fc.draw_fork_cost_chart(report, "Fork cost\n" + report.machine_label)
    ax = fig.axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert "MiB" in ax.get_xlabel()
    assert ax.get_ylabel().startswith("time to start and reap one child (")
    assert report.machine_label in ax.get_title(loc="left")
    save_figure(fig, tmp_path, "fork-cost")
    assert_chart_files(tmp_path, "fork-cost")


def test_failed_entries_are_left_out_and_a_report_without_fork_cost_gets_no_chart(tmp_path):
    data = json.loads(FORK_COST_REPORT.read_text())
    for row in data["benchmarks"]:
        if row["params"]["start"] == "fork-exec":
            row.update(error_occurred=True, error_message="fork-cost (start fork-exec, parent 10 MiB) under "
                                                          "processes-spawn: parent (pid 1) failed: start 1 of 20: ...")
    report = load_report(str(write_report(tmp_path / "failed.json", data)))
    assert list(fork_cost_series(report)) == ["fork", "posix_spawn"]
    assert not fc.wants_fork_cost_chart(load_report(str(REPORT)))


def test_plot_draws_it_and_no_one_bar_tutorial_charts(tmp_path):
    out = tmp_path / "charts"
    completed = run_plot(FORK_COST_REPORT, "--out", out, timeout=180)
    assert completed.returncode == 0, completed.stderr
    names = sorted(p.name for p in out.iterdir())
    assert_chart_files(out, "fork-cost")
    assert not any(n.startswith("tutorial-fork-cost") for n in names), names
    summary = (out / "summary.md").read_text()
    assert "![What does starting a child cost as the parent grows?](fork-cost.png)" in summary


