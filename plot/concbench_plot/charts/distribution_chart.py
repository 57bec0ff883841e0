"""Distributions of repetitions: how much does each entry's time move between batches?

One box per entry of a group, drawn as each repetition's deviation from the entry's own
median (in %), so a 10 ms coroutine batch and a 1 s sequential one share one readable
axis — on an axis of absolute times their spreads would vanish. Every repetition is a dot
over its box; the median time and the coefficient of variation are written on the right.
A wide box means the tutorial chart's median should be read with care; the comparison
tool's significance test rests on exactly these samples.
"""

from __future__ import annotations

import statistics

from concbench_plot.charts.chart_style import FAILED_COLOUR, model_colour, pyplot, tidy_axes
from concbench_plot.reports.formatting import format_time


def coefficient_of_variation(times: list) -> float | None:
    if len(times) < 2:
        return None
    mean = statistics.fmean(times)
    return statistics.stdev(times) / mean if mean > 0 else None


def wants_distribution_chart(group) -> bool:
    """Only where some entry has two or more successful repetitions."""
    return any(len(e.times_s) >= 2 for e in group.entries)


def deviations(e) -> list:
    """Each successful repetition's deviation from the entry's median, in %."""
    if not e.times_s:
        return []
    median = statistics.median(e.times_s)
    return [(t / median - 1) * 100 for t in e.times_s] if median > 0 else []


def draw_distribution_chart(group, title: str):
    plt = pyplot()
    entries = group.entries
    n = len(entries)
    data = [deviations(e) for e in entries]
    reach = max([abs(d) for ds in data for d in ds] + [0.5]) * 1.12
    fig, ax = plt.subplots(figsize=(10.0, 1.8 + 0.32 * n))
    ys = list(range(n))
    with_boxes = [i for i, d in enumerate(data) if len(d) >= 2]
    boxes = ax.boxplot([data[i] for i in with_boxes], positions=with_boxes, vert=False,
                       widths=0.6, patch_artist=True, showfliers=False, whis=(0, 100),
                       medianprops={"color": "black", "linewidth": 1.2})
    for patch, i in zip(boxes["boxes"], with_boxes):
        patch.set_facecolor(model_colour(entries[i].model))
        patch.set_alpha(0.6)
    for y, d in zip(ys, data):
        ax.plot(d, [y] * len(d), linestyle="none", marker="o", markersize=3,
                markerfacecolor="white", markeredgecolor="#222222", markeredgewidth=0.7, zorder=4)
    ax.axvline(0, color="#555555", linewidth=0.8)
    for y, e in zip(ys, entries):
        cv = coefficient_of_variation(e.times_s)
        if e.failed:
            text, colour = "failed", FAILED_COLOUR
        else:
            text = f"{format_time(statistics.median(e.times_s))}"
            text += f", cv {cv * 100:.1f} %" if cv is not None else f", {len(e.times_s)} rep."
            colour = "black"
        ax.annotate(text, xy=(1.0, y), xycoords=("axes fraction", "data"), xytext=(8, 0),
                    textcoords="offset points", va="center", fontsize=8, color=colour,
                    annotation_clip=False)
    ax.annotate("median, cv", xy=(1.0, -0.9), xycoords=("axes fraction", "data"), xytext=(8, 0),
                textcoords="offset points", va="center", fontsize=8, fontweight="bold",
                annotation_clip=False)
    ax.set_yticks(ys)
    ax.set_yticklabels([e.label for e in entries], fontsize=8.5)
    for tick, e in zip(ax.get_yticklabels(), entries):
        if e.failed:
            tick.set_color(FAILED_COLOUR)
    ax.set_ylim(n - 0.5, -1.3)
    ax.set_xlim(-reach, reach)
    reps = sorted({len(e.times_s) for e in entries if e.times_s})
    rep_text = f"{reps[-1]} repetitions" if len(reps) == 1 else f"{reps[0]}–{reps[-1]} repetitions"
    ax.set_xlabel(f"deviation from the entry's median time (%) — {rep_text} each; "
                  f"box: quartiles, whiskers: min–max", fontsize=9)
    ax.set_title(title, loc="left", fontsize=11)
    ax.grid(axis="x", color="#e4e4e4", linewidth=0.6)
    tidy_axes(ax)
    fig.tight_layout()
    return fig


def distribution_reading(group) -> str:
    cvs = [(coefficient_of_variation(e.times_s), e) for e in group.entries]
    cvs = [(cv, e) for cv, e in cvs if cv is not None]
    if not cvs:
        return "no entry has two repetitions"
    worst_cv, worst = max(cvs, key=lambda p: p[0])
    median_cv = statistics.median(cv for cv, _ in cvs)
    return (f"median cv {median_cv * 100:.1f} % across {len(cvs)} entries; "
            f"widest: {worst.label} (cv {worst_cv * 100:.1f} %)")
