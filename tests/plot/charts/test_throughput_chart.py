"""The requests/s-against-concurrency chart drawn for http groups (throughput_chart.py)."""

import json
import subprocess

from concbench_plot.charts import throughput_chart as tc
from concbench_plot.reports.report_loading import load_report
from plot_support import PLOT, PYTHON, REPORT


def http_report(tmp_path):
    """The fixture's sleep entries relabelled as http: the same shapes, a request workload."""
    report = json.loads(REPORT.read_text())
    report["benchmarks"] = [row for row in report["benchmarks"] if row["workload"] == "sleep"]  # quicker
    for row in report["benchmarks"]:
        if row["workload"] == "sleep":
            row["workload"] = "http"
    path = tmp_path / "http.json"
    path.write_text(json.dumps(report))
    return path


def test_concurrency_is_w_for_pools_and_k_for_coroutines(tmp_path):
    report = load_report(str(http_report(tmp_path)))
    group = next(g for g in report.groups if g.workload == "http")
    series = tc.throughput_series(group)
    assert [c for c, _, _ in series["threads (cold pool)"]] == [1, 2]
    for name, points in series.items():
        for c, rate, ideal in points:
            assert rate > 0 and (ideal is None or ideal > 0), name
    blocking = series.get("coroutines (blocking)")
    assert blocking is None or blocking[0][0] == 1  # a blocking call keeps one in flight
    assert tc.wants_throughput_chart(group)


def test_plot_draws_it_for_http_only(tmp_path):
    out = tmp_path / "charts"
    completed = subprocess.run([PYTHON, str(PLOT), str(http_report(tmp_path)),
                                "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    names = sorted(p.name for p in out.iterdir())
    assert any(n.startswith("throughput-http") and n.endswith(".png") for n in names), names
    assert not any(n.startswith("throughput-cpu") for n in names), names


def _drawn(tmp_path, edit=None):
    data = json.loads(http_report(tmp_path).read_text())
    if edit:
        edit(data)
    (tmp_path / "edited.json").write_text(json.dumps(data))
    report = load_report(str(tmp_path / "edited.json"))
    group = next(g for g in report.groups if g.workload == "http")
    fig = tc.draw_throughput_chart(group, "t")
    fig.canvas.draw()
    return fig, group


def test_ticks_are_whole_numbers_and_py_default_is_named(tmp_path):
    def py_default(data):
        for row in data["benchmarks"]:
            if row["run_name"].startswith("sleep/threads/W:2/pool:cold"):
                row["workers_label"] = "py-default"
    fig, group = _drawn(tmp_path, py_default)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    measured = sorted({c for pts in tc.throughput_series(group).values() for c, _, _ in pts})
    assert labels == [("2 (py-default)" if c == 2 else str(c)) for c in measured], labels
    assert not any("." in label for label in labels)
    __import__("matplotlib.pyplot").pyplot.close(fig)


def test_legend_lists_only_what_can_be_seen(tmp_path):
    fig, group = _drawn(tmp_path)
    series = tc.throughput_series(group)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    hidden = tc._hidden_points(series)
    assert "coroutines (blocking)" in hidden  # one request at a time: on top of sequential
    assert not set(hidden) & set(legend)
    assert set(legend) == (set(series) - set(hidden)) | {"ideal (zero-overhead)"}
    note = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "Hidden behind another point" in note and "coroutines (blocking) at 1" in note
    __import__("matplotlib.pyplot").pyplot.close(fig)


def test_coroutines_on_more_loop_threads_are_their_own_series():
    class E:
        model, task_form, pool = "coroutines", "awaitable", None

    one, two = E(), E()
    one.loop_threads, two.loop_threads = 1, 2
    assert tc.series_key(one) == "coroutines (awaitable)"
    assert tc.series_key(two) == "coroutines (awaitable, 2 loop threads)"
