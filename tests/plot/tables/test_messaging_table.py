"""The messaging scenario's tables (messaging_table.py): the CPU
placements side by side, a row per transport and model."""

from concbench_plot.reports.report_loading import load_report
from concbench_plot.tables.messaging_table import messaging_tables
from plot_support import REPORT, messaging_report, write_report


def test_messaging_pivot_puts_placements_side_by_side(tmp_path):
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
