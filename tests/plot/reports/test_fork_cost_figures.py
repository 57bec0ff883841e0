"""The fork-cost scenario's figures (fork_cost_figures.py) on a real fork-cost report of the
default suite: 10, 100, 1000 MiB; fork, fork-exec, posix_spawn."""

from concbench_plot.reports.fork_cost_figures import fork_cost_series
from concbench_plot.reports.report_loading import load_report
from plot_support import FORK_COST_REPORT


def test_one_line_per_start_kind_over_the_measured_parent_sizes():
    series = fork_cost_series(load_report(str(FORK_COST_REPORT)))
    assert list(series) == ["fork", "fork-exec", "posix_spawn"]
    for name, points in series.items():
        sizes = [rss for rss, _, _ in points]
        assert len(sizes) == 3, name
        # The measured size: at least what was asked for (10, 100, 1000 MiB), in order.
        assert all(measured >= asked for measured, asked in zip(sizes, (10, 100, 1000))), name
        for _, median, fastest in points:
            assert 0 < fastest <= median, name
