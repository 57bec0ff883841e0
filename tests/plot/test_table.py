"""plot/table.py: the Markdown tables BENCHMARKS.md is made of."""

import subprocess

from concbench_plot.reports.report_loading import load_report
from concbench_plot.tables.messaging_table import messaging_tables
from plot_support import PYTHON, REPO, REPORT, write_report

TABLE = REPO / "plot" / "table.py"


def run(*args):
    return subprocess.run([PYTHON, str(TABLE), *args], capture_output=True, text=True, timeout=60)


def test_one_table_per_batch_with_the_reports_figures():
    completed = run(str(REPORT))
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert out.count("| entry | median | speedup | efficiency | ideal | bound |") == 3
    assert "**cpu: 17 tasks, scale 1**" in out
    # Every row of the first table starts with an entry label and has six cells.
    rows = [line for line in out.splitlines() if line.startswith("| sequential")]
    assert rows and all(line.count("|") == 7 for line in rows)
    assert "| sequential | " in out and "1.00×" in out


def test_a_failed_entry_shows_its_error():
    out = run(str(REPORT)).stdout
    assert "failed: " in out


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    completed = run(str(bad))
    assert completed.returncode == 2
    assert completed.stderr.startswith("table.py: ")
    assert len(completed.stderr.strip().splitlines()) == 1


def test_messaging_pivot_puts_placements_side_by_side(tmp_path):
    from test_messaging_chart import messaging_report

    report = load_report(str(write_report(tmp_path / "m.json", messaging_report())))
    text = messaging_tables(report)
    assert "**messaging: 64-byte messages — round trip p50 (p99); streamed messages/s**" in text
    lines = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    assert lines[0].startswith("| transport | model | round trip, unpinned | round trip, one CPU | round trip, two CPUs")
    # transports in their order (pipe, socket, shared-memory), models by rank within each
    assert [tuple(c.strip() for c in line.split("|")[1:3]) for line in lines[1:]] == [
        ("pipe", "threads"), ("pipe", "processes-fork"), ("socket", "processes-fork"),
        ("shared-memory", "threads")]
    assert lines[1].split("|")[3:6] == [" 6 µs (12 µs) ", " – ", " 40 µs (90 µs) "]
    assert lines[3].split("|")[6] == " 250,000 "
    assert messaging_tables(load_report(str(REPORT))) == ""
