"""A report as Markdown tables, one per workload and batch: each entry's median time, speedup
over sequential, efficiency (ideal / measured), ideal and bound, and the figures its rows
carry beyond the time (counters). BENCHMARKS.md is made of these, so its figures come from a
report, never typed by hand.
"""

from __future__ import annotations

from concbench_plot.reports.formatting import format_time
from concbench_plot.reports.naming import machine_label, params_title
from concbench_plot.reports.report_data import entry_figure
from concbench_plot.tables.fork_cost_table import ratio_table


def tables(report) -> str:
    out = [f"Machine: {machine_label(report.context)}; "
           f"command: `{' '.join(report.context.get('command_line', []))}`", ""]
    for group in report.groups:
        tasks = next((e.tasks for e in group.entries if e.tasks is not None), None)
        # Time per task is a dispatch cost only where tasks do nothing.
        figures = [f for f in FIGURES if (f[0] != "dispatch_ns_per_task" or group.workload == "empty")
                   and any(entry_figure(e, f[0]) is not None for e in group.entries)]
        out.append(f"**{group.workload}: {params_title(group.workload, group.params, tasks)}**")
        out.append("")
        out.append("| entry | median | speedup | efficiency | ideal | bound |" + "".join(f" {h} |" for _, h, _ in figures))
        out.append("| --- | ---: | ---: | ---: | ---: | ---: |" + " ---: |" * len(figures))
        out.extend(entry_row(e, figures) for e in group.entries)
        out.append("")
    ratios = ratio_table(report)
    if ratios:
        out += ["**fork-cost: time to start and reap one child, median start of a batch (fastest)**", "", *ratios, ""]
    return "\n".join(out)


# Figures an entry may carry beyond its time (counters on its rows), shown as extra columns
# when some entry of the table has them: (field, heading, format).
FIGURES = [
    ("dispatch_ns_per_task", "per task", lambda v: format_time(v * 1e-9)),
    ("lost_updates", "lost updates", lambda v: f"{v:,.0f}"),
    ("items_per_second", "items/s", lambda v: f"{v:,.0f}"),
    ("round_trip_p50_ns", "round trip p50", lambda v: format_time(v * 1e-9)),
    ("round_trip_p99_ns", "round trip p99", lambda v: format_time(v * 1e-9)),
    ("messages_per_second", "messages/s", lambda v: f"{v:,.0f}"),
    ("task_p99_ns", "task p99", lambda v: format_time(v * 1e-9)),
    ("bytes_per_task", "bytes/task", lambda v: f"{v:,.0f}"),
    ("ns_per_start_median", "per start", lambda v: format_time(v * 1e-9)),
    ("ns_per_start_min", "fastest start", lambda v: format_time(v * 1e-9)),
    ("parent_rss_bytes", "parent RSS", lambda v: f"{v / 2**20:,.0f} MiB"),
]


def entry_row(entry, figures) -> str:
    if entry.failed:
        return f"| {entry.label} | failed: {entry.error_message} |" + " |" * (4 + len(figures))
    return "| " + " | ".join([
        entry.label,
        format_optional(entry.median_s, format_time),
        format_optional(entry.speedup, lambda s: f"{s:.2f}×"),
        format_optional(entry.efficiency, lambda e: f"{e:.2f}"),
        format_optional(entry.ideal_s, format_time),
        format_optional(entry.bound_s, format_time),
        *[format_optional(entry_figure(entry, field), fmt) for field, _, fmt in figures],
    ]) + " |"


def format_optional(value, formatter) -> str:
    return formatter(value) if value is not None else "–"
