"""The fork-cost scenario as a Markdown table: per parent size, each way of starting's time
per start, fork over posix_spawn, and fork's growth against its smallest parent."""

from __future__ import annotations

from concbench_plot.reports.fork_cost_figures import START_ORDER, by_size, format_start_time


def ratio_table(report) -> list:
    """Markdown lines: per parent size, each start's median (fastest) time per start, fork
    over posix_spawn, and fork over fork at the smallest size, each as the ratio of medians
    (of fastest starts); [] without fork-cost entries."""
    sizes = by_size(report)
    if not sizes:
        return []
    starts = [s for s in START_ORDER if any(s in row for row in sizes.values())]
    smallest_fork = next((row["fork"] for row in sizes.values() if "fork" in row), None)
    smallest_mb = next((mb for mb, row in sizes.items() if "fork" in row), None)
    lines = ["| parent RSS asked (measured) |" + "".join(f" {s} |" for s in starts)
             + " fork ÷ posix_spawn |" + f" fork ÷ fork at {smallest_mb} MiB |",
             "| --- |" + " ---: |" * (len(starts) + 2)]
    for mb, row in sizes.items():
        measured = max(r for r, _, _ in row.values())
        cells = []
        for s in starts:
            if s in row:
                _, median, fastest = row[s]
                cells.append(format_start_time(median) + (f" ({format_start_time(fastest)})" if fastest else ""))
            else:
                cells.append("–")
        fork_over_spawn = _ratio(row.get("fork"), row.get("posix_spawn"))
        fork_growth = _ratio(row.get("fork"), smallest_fork)
        lines.append(f"| {mb} MiB ({measured:.0f} MiB) | " + " | ".join(cells) + f" | {fork_over_spawn} | {fork_growth} |")
    return lines


def _ratio(top, bottom) -> str:
    """`20.8× (71.8×)`: the ratio of the medians, then of the fastest starts (steadier when
    other work competes for the CPUs); – when either side is missing."""
    if not top or not bottom:
        return "–"
    text = f"{top[1] / bottom[1]:.1f}×"
    if top[2] and bottom[2]:
        text += f" ({top[2] / bottom[2]:.1f}×)"
    return text
