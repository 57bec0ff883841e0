"""The tutorial chart: one bar per entry of a (workload, params) group — which model wins,
by how much, and how far each is from its ideal. The chart the Python tutorials draw, with
the repetitions, the ideal and the speedup beside every bar.
"""

from __future__ import annotations

from concbench_plot.charts.chart_style import (FAILED_COLOUR, IDEAL_COLOUR, INTERVAL_COLOUR, estimate_words, flag_text,
                                               group_head, interval_bars, model_colour, pyplot, tidy_axes,
                                               title_with_machine)
from concbench_plot.reports.formatting import (format_efficiency, format_speedup_interval, format_time_interval,
                                               pick_unit)
from concbench_plot.reports.model_names import is_sequential
from concbench_plot.reports.report_data import Report
from concbench_plot.reports.standings import TIED, entry_time_standing, names

REPETITIONS_COLOUR = "#777777"


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
    extent = max([e.time_s for e in ok] + [t for e in ok for t in e.times_s]
                 + [e.interval[1] for e in ok if e.interval] + [e.ideal_s for e in ok if e.ideal_s] + [0.0])
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
        ax.barh(y, e.time_s / factor, height=bar_h, color=colour, edgecolor="#333333",
                linewidth=0.6, zorder=2)
        right = e.time_s
        # The repetitions a little below the bar's middle, the interval on it: both readable.
        rep_y = y + bar_h * 0.22
        if len(e.times_s) > 1:
            lo, hi = min(e.times_s), max(e.times_s)
            ax.plot([lo / factor, hi / factor], [rep_y, rep_y], color=REPETITIONS_COLOUR, linewidth=0.8,
                    zorder=3, solid_capstyle="butt")
            right = max(right, hi)
        if e.times_s:
            ax.plot([t / factor for t in e.times_s], [rep_y] * len(e.times_s), linestyle="none",
                    marker="o", markersize=2.8, markerfacecolor="white",
                    markeredgecolor=REPETITIONS_COLOUR, markeredgewidth=0.7, zorder=4)
        if e.interval is not None:
            right = max(right, e.interval[1])
        if e.ideal_s is not None:
            ax.plot([e.ideal_s / factor] * 2, [y - bar_h / 2 - 0.06, y + bar_h / 2 + 0.06],
                    color=IDEAL_COLOUR, linewidth=2.4, zorder=5, solid_capstyle="butt")
            right = max(right, e.ideal_s)
        text = format_time_interval(e.time_s, e.interval)
        flag = flag_text(e)
        if flag:
            text += f"  {flag}"
        if e.failed_repetitions:
            text += f"  ({e.failed_repetitions} of {e.repetitions} repetitions failed)"
        ax.annotate(text, xy=(right / factor, y), xytext=(5, 0), textcoords="offset points",
                    va="center", ha="left", fontsize=8.5, zorder=6,
                    color=FAILED_COLOUR if e.measurement_error else "black")
    intervals = interval_bars(ax, [(y, e.time_s, e.interval) for y, e in zip(ys, entries) if not e.failed],
                              horizontal=True, scale=factor)

    # Speedup and efficiency: a small table right of the plot, one row per bar.
    column = ("axes fraction", "data")
    columns = (112, 240)  # right edges: room for `19.8× [19.7, 19.9]` and `98 % of ideal`
    for x_pt, header in zip(columns, ("speedup", "efficiency")):
        ax.annotate(header, xy=(1.0, -0.75), xycoords=column, xytext=(x_pt, 0),
                    textcoords="offset points", ha="right", va="center", fontsize=8.5,
                    fontweight="bold", annotation_clip=False)
    for y, e in zip(ys, entries):
        if e.failed:
            cells = ("failed", "")
        else:
            cells = (format_speedup_interval(e.speedup, e.speedup_interval) if e.speedup is not None else "–",
                     format_efficiency(e.efficiency) if e.efficiency is not None else "–")
        for x_pt, cell in zip(columns, cells):
            ax.annotate(cell, xy=(1.0, y), xycoords=column, xytext=(x_pt, 0),
                        textcoords="offset points", ha="right", va="center", fontsize=8.5,
                        color=FAILED_COLOUR if e.failed or e.measurement_error else "black",
                        annotation_clip=False)

    ax.set_yticks(ys)
    ax.set_yticklabels([e.label for e in entries], fontsize=9)
    for tick, e in zip(ax.get_yticklabels(), entries):
        if e.failed:
            tick.set_color(FAILED_COLOUR)
    ax.set_ylim(n - 0.5, -1.2)  # first entry on top; room for the table header
    # Room for the time and its interval right of the longest bar, before the table.
    ax.set_xlim(0, (extent / factor if extent > 0 else 1.0) * (1.55 if intervals is not None else 1.2))
    ax.grid(axis="x", color="#dddddd", linewidth=0.7, zorder=0)
    ax.set_axisbelow(True)
    tidy_axes(ax)

    reps = sorted({e.repetitions for e in ok})
    rep_text = estimate_words(ok)
    if len(reps) == 1:
        rep_text = rep_text.replace("the repetitions", f"{reps[0]} repetition{'s' if reps[0] != 1 else ''}")
    ax.set_xlabel(f"time per batch ({unit}) — {rep_text}; shorter is better", fontsize=9)
    ax.set_title(chart_title(report, group), loc="left", fontsize=11)

    handles = [
        Line2D([], [], color=IDEAL_COLOUR, linewidth=2.4, label="ideal (zero-overhead)"),
        Line2D([], [], color=REPETITIONS_COLOUR, linewidth=0.8, marker="o", markersize=2.8,
               markerfacecolor="white", markeredgecolor=REPETITIONS_COLOUR,
               label="repetitions (line: min–max)"),
    ]
    if intervals is not None:
        level = next(e.interval_level for e in ok if e.interval is not None)
        handles.append(Line2D([], [], color=INTERVAL_COLOUR, linewidth=1.4, marker="|", markersize=7,
                              label=f"{level * 100:.0f} % interval of the {ok[0].lead_name}"))
    below = mtransforms.offset_copy(ax.transAxes, fig=fig, x=0, y=-34, units="points")
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 0), bbox_transform=below,
              ncol=len(handles), frameon=False, fontsize=8.5)
    fig.tight_layout()
    return fig


def tutorial_reading(group) -> str:
    """`threads W=2 (cold pool) is fastest (18.3 ms [18.1, 18.7]): 1.85× [1.81, 1.89] faster than
    sequential, 100 % of ideal`, or `… and … are tied (intervals overlap)` when the fastest
    entry's interval overlaps another's; measurement errors are named apart, never fastest."""
    ok = [e for e in group.entries if not e.failed and e.time_s]
    if not ok:
        return "every entry failed: nothing to compare"
    standing = entry_time_standing(ok)
    if not standing.leaders:
        text = "no entry to rank"
    elif standing.tied:
        text = (f"{names([e.label for e in standing.leaders])} {TIED}: "
                + ", ".join(format_time_interval(e.time_s, e.interval) for e in standing.leaders))
    else:
        best = standing.best
        text = f"{best.label} is fastest ({format_time_interval(best.time_s, best.interval)})"
        sequential = [e for e in ok if is_sequential(e.model)]
        if is_sequential(best.model):
            text += ": no model beats sequential"
        elif best.speedup is not None and sequential:
            text += f": {format_speedup_interval(best.speedup, best.speedup_interval)} faster than sequential"
        if best.efficiency is not None:
            text += f", {format_efficiency(best.efficiency)}"
    for e in standing.errors:
        text += f"; {e.label}: measurement error, not a result ({e.measurement_error})"
    failed = len(group.entries) - len(ok)
    if failed:
        text += f"; {failed} entr{'y' if failed == 1 else 'ies'} failed"
    return text
