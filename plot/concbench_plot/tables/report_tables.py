"""A report as Markdown tables, one per workload and batch: each entry's median time, speedup
over sequential, efficiency (ideal / measured), ideal and bound. BENCHMARKS.md is made of
these, so its figures come from a report, never typed by hand.

Usage: /usr/bin/python3 plot/table.py REPORT.json
Exit status 2, one line on stderr, for a report it cannot read.
"""

import argparse
import sys

from concbench_plot.charts import fork_cost_chart
from concbench_plot.reports.formatting import format_time
from concbench_plot.reports.model_names import model_rank
from concbench_plot.reports.naming import machine_label, params_title
from concbench_plot.reports.report_loading import ReportError, load_report


def format_optional(value, formatter) -> str:
    return formatter(value) if value is not None else "–"


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


def figure(entry, field):
    """The entry's figure from its median row (else its first iteration), if it has one."""
    for row in [entry.aggregates.get("median"), *entry.iterations[:1]]:
        if row is not None and isinstance(row.get(field), (int, float)):
            return row[field]
    return None


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
        *[format_optional(figure(entry, field), fmt) for field, _, fmt in figures],
    ]) + " |"


def tables(report) -> str:
    out = [f"Machine: {machine_label(report.context)}; "
           f"command: `{' '.join(report.context.get('command_line', []))}`", ""]
    for group in report.groups:
        tasks = next((e.tasks for e in group.entries if e.tasks is not None), None)
        # Time per task is a dispatch cost only where tasks do nothing.
        figures = [f for f in FIGURES if (f[0] != "dispatch_ns_per_task" or group.workload == "empty")
                   and any(figure(e, f[0]) is not None for e in group.entries)]
        out.append(f"**{group.workload}: {params_title(group.workload, group.params, tasks)}**")
        out.append("")
        out.append("| entry | median | speedup | efficiency | ideal | bound |" + "".join(f" {h} |" for _, h, _ in figures))
        out.append("| --- | ---: | ---: | ---: | ---: | ---: |" + " ---: |" * len(figures))
        out.extend(entry_row(e, figures) for e in group.entries)
        out.append("")
    ratios = fork_cost_chart.ratio_table(report)
    if ratios:
        out += ["**fork-cost: time to start and reap one child, median start of a batch (fastest)**", "", *ratios, ""]
    return "\n".join(out)


PINNING_HEADS = (("none", "unpinned"), ("same-cpu", "one CPU"), ("cross-cpu", "two CPUs"))


def messaging_tables(report) -> str:
    """The messaging scenario as one table per message size: a row per transport and model,
    round-trip p50 (p99) and streamed messages/s per CPU placement side by side — the view
    BENCHMARKS.md "Process messaging" shows. Empty when the report has no messaging entry."""
    entries = [e for e in report.entries if e.workload == "messaging"]
    out = []
    for size in sorted({e.params.get("message_bytes") for e in entries}):
        found = {(e.params.get("transport"), e.model, e.params.get("mode"), e.params.get("pinning")): e
                 for e in entries if e.params.get("message_bytes") == size}
        order = ["pipe", "socket", "shared-memory"]  # then any other (CPython's queue), by name
        rows = sorted({(t, m) for t, m, _, _ in found},
                      key=lambda tm: (order.index(tm[0]) if tm[0] in order else len(order), tm[0],
                                      model_rank(tm[1])))
        out.append(f"**messaging: {size:,}-byte messages — round trip p50 (p99); streamed messages/s**")
        out.append("")
        out.append("| transport | model |" + "".join(f" round trip, {h} |" for _, h in PINNING_HEADS)
                   + "".join(f" stream, {h} |" for _, h in PINNING_HEADS))
        out.append("| --- | --- |" + " ---: |" * (2 * len(PINNING_HEADS)))
        for transport, model in rows:
            cells = []
            for mode in ("round_trip", "stream"):
                for pinning, _ in PINNING_HEADS:
                    e = found.get((transport, model, mode, pinning))
                    if e is None:
                        cells.append("–")
                    elif e.failed:
                        cells.append("failed")
                    elif mode == "round_trip":
                        p50, p99 = figure(e, "round_trip_p50_ns"), figure(e, "round_trip_p99_ns")
                        cells.append(f"{format_time(p50 * 1e-9)} ({format_time(p99 * 1e-9)})"
                                     if p50 is not None and p99 is not None else "–")
                    else:
                        rate = figure(e, "messages_per_second")
                        cells.append(f"{rate:,.0f}" if rate is not None else "–")
            out.append(f"| {transport} | {model} | " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    args = parser.parse_args(argv)
    try:
        report = load_report(args.report)
    except ReportError as error:
        print(f"table.py: {error}", file=sys.stderr)
        return 2
    print(tables(report))
    extra = messaging_tables(report)
    if extra:
        print(extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
