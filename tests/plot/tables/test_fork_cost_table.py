"""The fork-cost ratio table (fork_cost_table.py) on a real
fork-cost report of the default suite, and table.py's tables of it."""

from concbench_plot.reports.report_loading import load_report
from concbench_plot.tables.fork_cost_table import ratio_table
from plot_support import FORK_COST_REPORT, REPORT, run_table


def test_table_lists_the_entries():
    completed = run_table(FORK_COST_REPORT)
    assert completed.returncode == 0, completed.stderr
    assert "fork-cost: 20 tasks, parent rss mb 1000, start posix_spawn" in completed.stdout
    assert "| per start | fastest start | parent RSS |" in completed.stdout


def test_the_ratio_table_has_a_row_per_size_and_fork_grows_against_its_smallest():
    lines = ratio_table(load_report(str(FORK_COST_REPORT)))
    assert lines[0] == ("| parent RSS asked (measured) | fork | fork-exec | posix_spawn | fork ÷ posix_spawn |"
                        " fork ÷ fork at 10 MiB |")
    rows = lines[2:]
    assert [r.split(" ")[1] for r in rows] == ["10", "100", "1000"]
    assert rows[0].endswith("| 1.0× (1.0×) |")
    assert ratio_table(load_report(str(REPORT))) == []
