"""Charts of schema-3 reports draw each figure's 95 % interval as error bars (checked on the
artists: the ErrorbarContainer's segments, not pixels), none for an entry without an interval,
and mark measurement errors; readings name a winner only when its interval is clear."""

import pytest

from concbench_plot.charts import cpython_chart, machines_chart, overhead_chart, scaling_chart, sweep_chart
from concbench_plot.charts.chart_style import pyplot
from concbench_plot.charts.tutorial_chart import draw_tutorial_chart, tutorial_reading
from concbench_plot.reports.formatting import pick_unit
from concbench_plot.reports.report_loading import load_report
from plot_support import EMPTY_V3, PYTHON_V3, REPORT, REPORT_V3, SWEEP_V3


def _containers(fig):
    from matplotlib.container import ErrorbarContainer

    return [c for ax in fig.axes for c in ax.containers if isinstance(c, ErrorbarContainer)]


def _segments(container):
    """[((x0, y0), (x1, y1))] of the container's bar lines."""
    (lines,) = container.lines[2]
    return [tuple(map(tuple, seg)) for seg in lines.get_segments()]


@pytest.fixture(scope="module")
def v3():
    return load_report(str(REPORT_V3))


def _group(report, workload, scale=None):
    return next(g for g in report.groups if g.workload == workload
                and (scale is None or g.params.get("scale") == scale))


def test_tutorial_bars_span_each_entrys_interval(v3):
    group = _group(v3, "cpu", 1)
    fig = draw_tutorial_chart(v3, group)
    try:
        (bars,) = _containers(fig)
        segments = _segments(bars)
        with_interval = [(y, e) for y, e in enumerate(group.entries) if not e.failed and e.interval]
        assert len(segments) == len(with_interval)  # coroutines (blocking): none; the failed entry: none
        for ((x0, y0), (x1, y1)), (y, e) in zip(segments, with_interval):
            assert y0 == y1 == y
            assert (x0, x1) == pytest.approx((e.interval[0] * 1e3, e.interval[1] * 1e3))  # in ms
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert "14.1 ms [14.1, 14.2]  ⚠ measurement error" in texts
        assert "34.3 ms  no interval" in texts
    finally:
        pyplot().close(fig)


def test_a_schema_1_tutorial_draws_no_bars():
    report = load_report(str(REPORT))
    fig = draw_tutorial_chart(report, report.groups[0])
    try:
        assert _containers(fig) == []
    finally:
        pyplot().close(fig)


def test_scaling_bars_are_the_speedup_and_efficiency_intervals(v3):
    group = _group(v3, "cpu", 1)
    fig = scaling_chart.draw_scaling_chart(v3, group, "t")
    try:
        speedup, efficiency = _containers(fig)
        points = scaling_chart.scaling_series(group)["threads (cold pool)"]
        for (w, e), ((x0, y0), (x1, y1)) in zip(points, _segments(speedup)):
            assert x0 == x1 == w and (y0, y1) == pytest.approx(e.speedup_interval)
        for (w, e), ((_, y0), (_, y1)) in zip(points, _segments(efficiency)):
            assert (y0, y1) == pytest.approx(e.efficiency_interval)
    finally:
        pyplot().close(fig)


def test_machines_cpython_sweep_and_overhead_charts_draw_intervals(v3):
    python = load_report(str(PYTHON_V3))
    cpp_group, py_group = cpython_chart.twin_groups(python, v3)[0]
    figures = [cpython_chart.draw_cpython_chart(python, v3, cpp_group, py_group, "t"),
               machines_chart.draw_machines_tutorial([v3, v3], [_group(v3, "sleep")] * 2, "t"),
               machines_chart.draw_machines_scaling([v3, v3], [_group(v3, "sleep")] * 2, "t")]
    sweep = load_report(str(SWEEP_V3))
    (_, _, series), = sweep_chart.find_sweeps(sweep)
    figures.append(sweep_chart.draw_sweep_chart(series, "t"))
    empty = load_report(str(EMPTY_V3))
    figures.append(overhead_chart.draw_overhead_chart(empty, "t"))
    try:
        for fig in figures:
            assert _containers(fig), fig
        # The sweep's bars are the time intervals of each point, in the chart's unit.
        sweep_fig = figures[3]
        name, points = next(iter(series.items()))
        first = _segments(_containers(sweep_fig)[0])
        lows = sorted(seg[0][1] for seg in first)
        _, factor = pick_unit(max(e.time_s for pts in series.values() for _, e in pts))
        assert lows == pytest.approx(sorted(e.interval[0] / factor for _, e in points))
    finally:
        for fig in figures:
            pyplot().close(fig)


def test_readings_name_ties_and_measurement_errors(v3):
    sleep = tutorial_reading(_group(v3, "sleep"))
    assert sleep.startswith("thread-per-task W=20 and coroutines (awaitable) are tied (intervals overlap, or one has none): ")
    cpu = tutorial_reading(_group(v3, "cpu", 1))
    # coroutines (blocking) has no interval (7 repetitions): nothing can be said to beat it.
    assert cpu.startswith("threads W=2 (cold pool) and coroutines (blocking) are tied (intervals overlap, or one has "
                          "none): 18.3 ms [18.1, 18.7]")
    assert "thread-per-task W=17: measurement error, not a result" in cpu
    scaling = scaling_chart.scaling_reading(v3, _group(v3, "cpu", 1))
    assert scaling.startswith("peak speedup 1.85× [1.81, 1.89]: threads (cold pool) at W=2")
