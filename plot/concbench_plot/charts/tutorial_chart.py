"""The tutorial chart: one bar per entry of a (workload, params) group — which model wins,
by how much, and how far each is from its ideal. The chart the Python tutorials draw, with
the repetitions, the ideal and the speedup beside every bar.
"""

from __future__ import annotations

from concbench_plot.charts.chart_style import (FAILED_COLOUR, IDEAL_COLOUR, group_head, model_colour, pyplot, tidy_axes,
                                               title_with_machine)
from concbench_plot.reports.formatting import format_efficiency, format_speedup, format_time, pick_unit
from concbench_plot.reports.model_names import is_sequential
from concbench_plot.reports.report_data import Report


def chart_title(report: Report, group) -> str:
    return title_with_machine(report, group_head(group))


def draw_tutorial_chart(report: Report, group):
    """The figure for one group; the caller saves and closes it."""
    plt = pyplot()
    from matplotlib import transforms as mtransforms
    from matplotlib.lines import Line2D

    entries = group.entries
    n = len(entries)
    ok = [e for e in entries if not e.failed]
    extent = max([e.median_s for e in ok] + [t for e in ok for t in e.times_s]
                 + [e.ideal_s for e in ok if e.ideal_s] + [0.0])
    unit, factor = pick_unit(extent if extent > 0 else 1.0)

    bar_h = 0.62
    fig_h = 1.9 + 0.42 * n
    fig, ax = plt.subplots(figsize=(10.0, fig_h))
    ys = list(range(n))

    for y, e in zip(ys, entries):
        if e.failed:
            ax.barh(y, 1.0, height=bar_h, left=0, color="none", edgecolor=FAILED_COLOUR,
                    linestyle=(0, (3, 3)), linewidth=0.9, transform=ax.get_yaxis_transform())
            message = e.error_message if len(e.error_message) <= 90 else e.error_message[:87] + "…"
            ax.annotate(f"failed: {message}", xy=(0, y), xycoords=("axes fraction", "data"),
                        xytext=(6, 0), textcoords="offset points", va="center", ha="left",
                        fontsize=8, color=FAILED_COLOUR, style="italic")
            continue
        colour = model_colour(e.model)
        ax.barh(y, e.median_s / factor, height=bar_h, color=colour, edgecolor="#333333",
                linewidth=0.6, zorder=2)
        right = e.median_s
        if len(e.times_s) > 1:
            lo, hi = min(e.times_s), max(e.times_s)
            ax.plot([lo / factor, hi / factor], [y, y], color="#222222", linewidth=1.0,
                    zorder=3, solid_capstyle="butt")
            right = max(right, hi)
        if e.times_s:
            ax.plot([t / factor for t in e.times_s], [y] * len(e.times_s), linestyle="none",
                    marker="o", markersize=3.2, markerfacecolor="white",
                    markeredgecolor="#222222", markeredgewidth=0.8, zorder=4)
        if e.ideal_s is not None:
            ax.plot([e.ideal_s / factor] * 2, [y - bar_h / 2 - 0.06, y + bar_h / 2 + 0.06],
                    color=IDEAL_COLOUR, linewidth=2.4, zorder=5, solid_capstyle="butt")
            right = max(right, e.ideal_s)
        text = format_time(e.median_s)
        if e.failed_repetitions:
            text += f"  ({e.failed_repetitions} of {e.repetitions} repetitions failed)"
        ax.annotate(text, xy=(right / factor, y), xytext=(5, 0), textcoords="offset points",
                    va="center", ha="left", fontsize=8.5, zorder=6)

    # Speedup and efficiency: a small table right of the plot, one row per bar.
    column = ("axes fraction", "data")
    for x_pt, header in ((52, "speedup"), (150, "efficiency")):
        ax.annotate(header, xy=(1.0, -0.75), xycoords=column, xytext=(x_pt, 0),
                    textcoords="offset points", ha="right", va="center", fontsize=8.5,
                    fontweight="bold", annotation_clip=False)
    for y, e in zip(ys, entries):
        if e.failed:
            cells = ("failed", "")
        else:
            cells = (format_speedup(e.speedup) if e.speedup is not None else "–",
                     format_efficiency(e.efficiency) if e.efficiency is not None else "–")
        for x_pt, cell in zip((52, 150), cells):
            ax.annotate(cell, xy=(1.0, y), xycoords=column, xytext=(x_pt, 0),
                        textcoords="offset points", ha="right", va="center", fontsize=8.5,
                        color=FAILED_COLOUR if e.failed else "black", annotation_clip=False)

    ax.set_yticks(ys)
    ax.set_yticklabels([e.label for e in entries], fontsize=9)
    for tick, e in zip(ax.get_yticklabels(), entries):
        if e.failed:
            tick.set_color(FAILED_COLOUR)
    ax.set_ylim(n - 0.5, -1.2)  # first entry on top; room for the table header
    ax.set_xlim(0, (extent / factor if extent > 0 else 1.0) * 1.2)
    ax.grid(axis="x", color="#dddddd", linewidth=0.7, zorder=0)
    ax.set_axisbelow(True)
    tidy_axes(ax)

    reps = sorted({e.repetitions for e in ok})
    rep_text = (f"median of {reps[0]} repetition{'s' if reps[0] != 1 else ''}"
                if len(reps) == 1 else "median of the repetitions")
    ax.set_xlabel(f"time per batch ({unit}) — {rep_text}; shorter is better", fontsize=9)
    ax.set_title(chart_title(report, group), loc="left", fontsize=11)

    handles = [
        Line2D([], [], color=IDEAL_COLOUR, linewidth=2.4, label="ideal (zero-overhead)"),
        Line2D([], [], color="#222222", linewidth=1.0, marker="o", markersize=3.2,
               markerfacecolor="white", markeredgecolor="#222222",
               label="repetitions (line: min–max)"),
    ]
    below = mtransforms.offset_copy(ax.transAxes, fig=fig, x=0, y=-34, units="points")
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 0), bbox_transform=below,
              ncol=2, frameon=False, fontsize=8.5)
    fig.tight_layout()
    return fig


def tutorial_reading(group) -> str:
    """`threads W=2 (cold pool) is fastest: 1.96× faster than sequential, 98 % of ideal`."""
    ok = [e for e in group.entries if not e.failed and e.median_s]
    if not ok:
        return "every entry failed: nothing to compare"
    best = min(ok, key=lambda e: e.median_s)
    text = f"{best.label} is fastest ({format_time(best.median_s)})"
    sequential = [e for e in ok if is_sequential(e.model)]
    if is_sequential(best.model):
        text += ": no model beats sequential"
    elif best.speedup is not None and sequential:
        text += f": {format_speedup(best.speedup)} faster than sequential"
    if best.efficiency is not None:
        text += f", {format_efficiency(best.efficiency)}"
    failed = len(group.entries) - len(ok)
    if failed:
        text += f"; {failed} entr{'y' if failed == 1 else 'ies'} failed"
    return text
