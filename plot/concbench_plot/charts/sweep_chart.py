"""Time and memory against task count (log–log): how does each model grow with N?

Drawn where the task count is swept: entries of one workload that run the same way
(model, pool, form, W, K; other params equal) at two or more task counts — including
entries in different groups (sleep N=10 and N=1000 are two groups). A slope of 1 on the
log–log time panel is linear growth; a model whose line bends up pays per task more as N
grows. Memory (`peak_rss_bytes`, `bytes_per_task`) is drawn only when the report has it.
"""

from __future__ import annotations

import math
import statistics

from concbench_plot.charts.chart_style import estimate_words, interval_bars, model_colour, pyplot, tidy_axes
from concbench_plot.charts.throughput_chart import series_key
from concbench_plot.reports.formatting import format_time, pick_unit
from concbench_plot.reports.grouping import sort_key
from concbench_plot.reports.model_names import is_sequential
from concbench_plot.reports.naming import HEADLINE_PARAMS, canonical_params
from concbench_plot.reports.report_data import entry_figure

MEMORY_FIELDS = ("peak_rss_bytes", "bytes_per_task")


def _other_params(e) -> str:
    """The params that must be equal along a sweep: not the task count, nor anything that
    only restates it (a per-task list, `workers` of a startup batch), nor the http URL."""
    headline = HEADLINE_PARAMS.get(e.workload)
    kept = {}
    for k, v in e.params.items():
        if k == "tasks" or (headline is not None and k not in headline):
            continue
        if isinstance(v, list) and len(v) == e.tasks or (not isinstance(v, bool) and v == e.tasks):
            continue
        kept[k] = v
    return canonical_params(kept)


def _sweep_key(e) -> tuple:
    scales_with_n = e.workers == e.tasks or e.workers_label == "all"
    return (e.workload, _other_params(e), series_key(e),
            None if scales_with_n else e.workers_label, e.loop_threads,
            None if e.inflight == e.tasks else e.inflight)


def find_sweeps(report) -> list:
    """[(workload, params key, {series label: [(N, entry)]})], one per swept family."""
    families: dict = {}
    for e in report.entries:
        if e.failed or not e.time_s or not e.tasks:
            continue
        families.setdefault(_sweep_key(e), {})[e.tasks] = e
    sweeps: dict = {}
    for key, by_n in families.items():
        if len(by_n) < 2:
            continue
        points = sorted(by_n.items())
        first = points[0][1]
        label = series_key(first)
        if key[3] is not None and not is_sequential(first.model) and "coroutines" not in first.model:
            label += f" W={first.workers_label}"
        if key[5] is not None:
            label += f" K={first.inflight}"
        sweeps.setdefault((key[0], key[1]), {})[label] = (sort_key(first), points)
    result = []
    for (workload, params), series in sweeps.items():
        ordered = dict(sorted(((k, v[1]) for k, v in series.items()), key=lambda kv: series[kv[0]][0]))
        result.append((workload, params, ordered))
    return result


def has_memory(series: dict) -> list:
    return [f for f in MEMORY_FIELDS if any(entry_figure(e, f) is not None
                                             for pts in series.values() for _, e in pts)]


def draw_sweep_chart(series: dict, title: str):
    plt = pyplot()
    from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter

    memory = has_memory(series)
    ns = sorted({n for pts in series.values() for n, _ in pts})
    panels = ["time"] + memory
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels) + 2.6, 5.2), squeeze=False)
    axes = list(axes[0])
    longest = max(e.time_s for pts in series.values() for _, e in pts)
    unit, factor = pick_unit(longest)
    ideal_drawn = False
    for ax, panel in zip(axes, panels):
        for name, points in series.items():
            colour = model_colour(points[0][1].model)
            if panel == "time":
                pts = [(n, e.time_s / factor) for n, e in points]
                ideal = [(n, e.ideal_s / factor) for n, e in points if e.ideal_s]
                if len(ideal) >= 2:
                    ax.plot(*zip(*ideal), ":", color=colour, linewidth=1.0)
                    ideal_drawn = True
            else:
                pts = [(n, entry_figure(e, panel)) for n, e in points]
                pts = [(n, v / 2**20 if panel == "peak_rss_bytes" else v / 2**10) for n, v in pts
                       if v is not None and v > 0]
            if pts:
                ax.plot(*zip(*pts), "-", marker="o", markersize=4, color=colour, label=name)
            if panel == "time":
                interval_bars(ax, [(n, e.time_s, e.interval) for n, e in points], horizontal=False,
                              colour=colour, scale=factor, elinewidth=1.1, capsize=3)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(FixedLocator(ns))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_minor_formatter(NullFormatter())
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
        ax.set_xlabel("tasks per batch (N)")
        words = estimate_words([e for pts in series.values() for _, e in pts])
        ylabel = {"time": f"time per batch ({unit}; {words})",
                  "peak_rss_bytes": "peak resident memory (MiB)",
                  "bytes_per_task": "memory per task (KiB)"}[panel]
        ax.set_ylabel(ylabel)
        ax.set_title({"time": "time against N" + (" (dotted: ideal)" if ideal_drawn else ""),
                      "peak_rss_bytes": "peak memory against N",
                      "bytes_per_task": "memory per task against N"}[panel], loc="left", fontsize=10)
        ax.grid(True, which="both", color="#e8e8e8", linewidth=0.6)
        tidy_axes(ax)
    axes[-1].legend(fontsize=7.5, frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
    if not memory:
        axes[0].annotate("no memory fields in this report: memory panel not drawn",
                         xy=(0, -0.16), xycoords="axes fraction", fontsize=7.5, color="#666666")
    if len(series) == 1:  # nothing to compare with: say so rather than leave the reader looking
        title += f"\nonly {next(iter(series))} was run at several task counts: this shows how it grows, not a comparison"
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout()
    return fig


def growth_exponent(points: list) -> float | None:
    """The slope of log time against log N (least squares): 1 is linear growth."""
    xs = [math.log(n) for n, e in points]
    ys = [math.log(e.time_s) for n, e in points]
    if len(xs) < 2 or max(xs) == min(xs):
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def sweep_reading(series: dict) -> str:
    parts = [] if len(series) > 1 else [f"only {next(iter(series))} was swept"]
    for name, points in series.items():
        k = growth_exponent(points)
        n, e = points[-1]
        part = f"{name} time ∝ N^{k:.2f} ({format_time(e.time_s)} at N={n})"
        rss = entry_figure(e, "peak_rss_bytes")
        if rss is not None:
            part += f", peak {rss / 2**20:.3g} MiB"
        parts.append(part)
    return "; ".join(parts[:4]) + (f"; … {len(parts) - 4} more" if len(parts) > 4 else "")
