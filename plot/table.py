#!/usr/bin/python3
"""A report as Markdown tables, one per workload and batch: each entry's median time, speedup
over sequential, efficiency (ideal / measured), ideal and bound. BENCHMARKS.md is made of
these, so its figures come from a report, never typed by hand.

Usage: /usr/bin/python3 plot/table.py REPORT.json
Exit status 2, one line on stderr, for a report it cannot read.
"""

import argparse
import sys

import report_loading as rl


def format_optional(value, formatter) -> str:
    return formatter(value) if value is not None else "–"


def entry_row(entry) -> str:
    if entry.failed:
        return f"| {entry.label} | failed: {entry.error_message} | | | | |"
    return "| " + " | ".join([
        entry.label,
        format_optional(entry.median_s, rl.format_time),
        format_optional(entry.speedup, lambda s: f"{s:.2f}×"),
        format_optional(entry.efficiency, lambda e: f"{e:.2f}"),
        format_optional(entry.ideal_s, rl.format_time),
        format_optional(entry.bound_s, rl.format_time),
    ]) + " |"


def tables(report) -> str:
    out = [f"Machine: {rl.machine_label(report.context)}; "
           f"command: `{' '.join(report.context.get('command_line', []))}`", ""]
    for group in report.groups:
        tasks = next((e.tasks for e in group.entries if e.tasks is not None), None)
        out.append(f"**{group.workload}: {rl.params_title(group.workload, group.params, tasks)}**")
        out.append("")
        out.append("| entry | median | speedup | efficiency | ideal | bound |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: |")
        out.extend(entry_row(e) for e in group.entries)
        out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    args = parser.parse_args(argv)
    try:
        report = rl.load_report(args.report)
    except rl.ReportError as error:
        print(f"table.py: {error}", file=sys.stderr)
        return 2
    print(tables(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
