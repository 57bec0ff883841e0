"""A report as Markdown tables, one per workload and batch: each entry's time (the lead
estimator's, p25 from schema 3, else the median) with its 95 % interval, speedup over
sequential and efficiency (ideal / measured) with theirs, ideal and bound, and the figures its
rows carry beyond the time (counters); under each table which entry is fastest (or which are
tied: intervals that overlap name no winner) and footnotes for the marked rows. BENCHMARKS.md
is made of these, so its figures come from a report, never typed by hand.
"""

from __future__ import annotations

from concbench_plot.reports.formatting import (format_ratio_interval, format_speedup_interval, format_time,
                                               format_time_interval)
from concbench_plot.reports.naming import machine_label, params_title
from concbench_plot.reports.report_data import entry_figure
from concbench_plot.reports.standings import TIED, entry_time_standing, names
from concbench_plot.tables.fork_cost_table import ratio_table


def tables(report) -> str:
    out = [f"Machine: {machine_label(report.context)}; "
           f"command: `{' '.join(report.context.get('command_line', []))}`", ""]
    if report.lacks:
        out += [f"*{report.lacks}.*", ""]
    level = next((e.interval_level for e in report.entries if e.interval_level is not None), None)
    # Schema 3: "p25 [95 % interval]"; before it: "median".
    time_head = report.lead_name + (f" [{level * 100:.0f} % interval]" if level is not None else "")
    for group in report.groups:
        tasks = next((e.tasks for e in group.entries if e.tasks is not None), None)
        # Time per task is a dispatch cost only where tasks do nothing.
        figures = [f for f in FIGURES if (f[0] != "dispatch_ns_per_task" or group.workload == "empty")
                   and any(entry_figure(e, f[0]) is not None for e in group.entries)]
        out.append(f"**{group.workload}: {params_title(group.workload, group.params, tasks)}**")
        out.append("")
        out.append(f"| entry | {time_head} | speedup | efficiency | ideal | bound |"
                   + "".join(f" {h} |" for _, h, _ in figures))
        out.append("| --- | ---: | ---: | ---: | ---: | ---: |" + " ---: |" * len(figures))
        out.extend(entry_row(e, figures) for e in group.entries)
        out.append("")
        out += group_notes(group, report.context)
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


# Row markers, explained in the footnotes under each table.
ERROR_MARK = "⚠"  # a measurement error: the figures are not a result
IMPRECISE_MARK = "≈"  # the precision target was not reached
NO_INTERVAL_MARK = "†"  # too few repetitions for an interval


def marks(entry) -> str:
    if entry.failed:
        return ""
    return "".join(m for m, on in ((ERROR_MARK, entry.measurement_error), (IMPRECISE_MARK, entry.imprecise),
                                   (NO_INTERVAL_MARK, entry.interval_note or entry.speedup_interval_note)) if on)


def group_notes(group, context: dict) -> list:
    """Under a group's table: which entry is fastest (or which are tied), then a footnote per
    marked row."""
    lines = []
    standing = entry_time_standing(group.entries)
    if standing.leaders:
        times = ", ".join(format_time_interval(e.time_s, e.interval) for e in standing.leaders)
        if standing.tied:
            lines.append(f"Fastest: {names([e.label for e in standing.leaders])} {TIED}: {times}.")
        elif standing.has_intervals:
            lines.append(f"Fastest: {standing.best.label} ({times}), its interval clear of every other's.")
        elif context.get("interval_level") is not None:
            # The report states intervals, but none of these entries has one: too few repetitions
            # to tell a win from noise.
            lines.append(f"Lowest {standing.best.lead_name}: {standing.best.label} ({times}); no entry here has an "
                         "interval, so none is shown to be fastest.")
        else:
            lines.append(f"Fastest: {standing.best.label} ({times}).")
    target = (context.get("precision") or {}).get("target_pct") if isinstance(context.get("precision"), dict) else None
    for e in group.entries:
        if e.failed:
            continue
        if e.measurement_error:
            lines.append(f"{ERROR_MARK} {e.label}: {e.measurement_error}; not ranked.")
        if e.imprecise:
            half = f"±{e.half_width_pct:.2g} %" if e.half_width_pct is not None else "its interval"
            lines.append(f"{IMPRECISE_MARK} {e.label}: {half} of its {e.lead_name}, wider than the "
                         f"{target:g} % target." if target is not None else
                         f"{IMPRECISE_MARK} {e.label}: {half}: the precision target was not reached.")
        if e.interval_note:
            lines.append(f"{NO_INTERVAL_MARK} {e.label}: {e.interval_note}.")
        if e.speedup_interval_note and e.speedup is not None:
            lines.append(f"{NO_INTERVAL_MARK} {e.label}: {e.speedup_interval_note}.")
    return [line + "  " if i < len(lines) - 1 else line for i, line in enumerate(lines)] + ([""] if lines else [])


def entry_row(entry, figures) -> str:
    if entry.failed:
        return f"| {entry.label} | failed: {entry.error_message} |" + " |" * (4 + len(figures))
    label = entry.label + (f" {marks(entry)}" if marks(entry) else "")
    return "| " + " | ".join([
        label,
        format_optional(entry.time_s, lambda t: format_time_interval(t, entry.interval)),
        format_optional(entry.speedup, lambda s: format_speedup_interval(s, entry.speedup_interval)),
        format_optional(entry.efficiency, lambda e: format_ratio_interval(e, entry.efficiency_interval)),
        format_optional(entry.ideal_s, format_time),
        format_optional(entry.bound_s, format_time),
        *[format_optional(entry_figure(entry, field), fmt) for field, _, fmt in figures],
    ]) + " |"


def format_optional(value, formatter) -> str:
    return formatter(value) if value is not None else "–"
