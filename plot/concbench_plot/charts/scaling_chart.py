"""Speedup and efficiency against W: does adding workers help, and where does it stop?

One line per way of running a model (threads with a cold pool, processes-fork with a warm
one, …) that the group measured at two or more W. The speedup panel draws each point's
ideal speedup (sequential time over the entry's zero-overhead time) and its bound (no
schedule beats it); the efficiency panel draws the ideal at 1 and the bound's ceiling
(ideal / bound). A vertical line marks P, where CPU-bound work stops scaling.
"""

from __future__ import annotations

from concbench_plot.charts.chart_style import (BOUND_COLOUR, FAILED_COLOUR, IDEAL_COLOUR, interval_bars, model_colour,
                                               pyplot, tidy_axes, workers_tick_labels)
from concbench_plot.charts.throughput_chart import series_key
from concbench_plot.reports.formatting import format_efficiency, format_speedup_interval
from concbench_plot.reports.standings import TIED, entry_speedup_standing, names


IDEAL_LABEL = "ideal (zero overhead)"
BOUND_LABEL = "bound (no schedule beats it)"


def scaling_series(group) -> dict:
    """{series: [(W, entry)]} sorted by W, for series with at least two distinct W."""
    series: dict = {}
    for e in group.entries:
        if e.failed or not e.time_s or (e.speedup is None and e.efficiency is None):
            continue
        if e.loop_threads is not None:
            continue  # an event loop's concurrency is K and its loop threads, not a W of workers
        series.setdefault(series_key(e), []).append((e.workers, e))
    result = {}
    for name, points in series.items():
        if len({w for w, _ in points}) >= 2:
            result[name] = sorted(points, key=lambda p: (p[0], p[1].time_s))
    return result


def wants_scaling_chart(group) -> bool:
    return bool(scaling_series(group))


def _ideal_speedup(e, time_s):
    if e.speedup is None or not time_s:
        return None
    return e.speedup * e.time_s / time_s  # sequential time / ideal (or bound) time


def _reference(series: dict, time_of) -> list:
    """[(W, speedup)] of the ideal (or bound) if every series agrees on it (within 2 %),
    else [] (each series then draws its own)."""
    per_w: dict = {}
    for points in series.values():
        for w, e in points:
            value = _ideal_speedup(e, time_of(e))
            if value is not None:
                per_w.setdefault(w, []).append(value)
    if any(max(v) > min(v) * 1.02 for v in per_w.values()):
        return []
    return sorted((w, v[0]) for w, v in per_w.items())


def _style(name: str) -> str:
    return "--" if "warm" in name or "blocking" in name else "-"


def draw_scaling_chart(report, group, title: str):
    plt = pyplot()
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator, ScalarFormatter

    series = scaling_series(group)
    has_speedup = any(e.speedup is not None for pts in series.values() for _, e in pts)
    fig, axes = plt.subplots(1, 2 if has_speedup else 1, figsize=(12.5 if has_speedup else 7.5, 5.4),
                             squeeze=False)
    axes = list(axes[0])
    ws = sorted({w for pts in series.values() for w, _ in pts})
    p = report.context.get("usable_cpus")
    wide = max(ws) / min(ws) > 16
    named = workers_tick_labels(e for pts in series.values() for _, e in pts)  # 6 (py-default)
    note = "py-default = Python's default pool size" if any(
        "py-default" in label for label in named.values()) else ""
    panels = (["speedup"] if has_speedup else []) + ["efficiency"]
    for ax, panel in zip(axes, panels):
        for name, points in series.items():
            model = points[0][1].model
            pts = [(w, e.speedup if panel == "speedup" else e.efficiency) for w, e in points]
            pts = [(w, v) for w, v in pts if v is not None]
            if not pts:
                continue
            xs, ys = [w for w, _ in pts], [v for _, v in pts]
            ax.plot(xs, ys, _style(name), marker="o", markersize=4, color=model_colour(model), label=name)
            field = "speedup_interval" if panel == "speedup" else "efficiency_interval"
            interval_bars(ax, [(w, e.speedup if panel == "speedup" else e.efficiency, getattr(e, field))
                               for w, e in points], horizontal=False, colour=model_colour(model),
                          elinewidth=1.1, capsize=3)
            wrong = [(w, e.speedup if panel == "speedup" else e.efficiency) for w, e in points
                     if e.measurement_error]
            for w, v in wrong:
                if v is None:
                    continue
                ax.plot([w], [v], "x", color=FAILED_COLOUR, markersize=9, markeredgewidth=2, zorder=7,
                        label="measurement error (not a result)")
                ax.annotate("measurement error", xy=(w, v), xytext=(5, 5), textcoords="offset points",
                            fontsize=7.5, color=FAILED_COLOUR)
        if panel == "speedup":
            for time_of, colour, style, label in ((lambda e: e.ideal_s, IDEAL_COLOUR, ":", IDEAL_LABEL),
                                                   (lambda e: e.bound_s, BOUND_COLOUR, "-.", BOUND_LABEL)):
                shared = _reference(series, time_of)
                if shared:
                    ax.plot([w for w, _ in shared], [v for _, v in shared], style, color=colour,
                            linewidth=1.6, label=label)
                else:
                    for name, points in series.items():
                        pts = [(w, _ideal_speedup(e, time_of(e))) for w, e in points]
                        pts = [(w, v) for w, v in pts if v is not None]
                        ax.plot([w for w, _ in pts], [v for _, v in pts], style, linewidth=1.0,
                                color=model_colour(points[0][1].model),
                                label=f"{label}: {name}")
            ax.set_ylabel("speedup = sequential time / time (×; higher is better)")
            if not wide:
                ax.set_ylim(bottom=0)
            ax.set_title("speedup against W", loc="left", fontsize=10)
        else:
            ax.axhline(1.0, color=IDEAL_COLOUR, linestyle=":", linewidth=1.6, label=IDEAL_LABEL)
            ceiling = sorted({(w, e.ideal_s / e.bound_s) for pts in series.values() for w, e in pts
                              if e.ideal_s and e.bound_s})
            if ceiling and any(abs(c - 1) > 1e-3 for _, c in ceiling):
                best = {}
                for w, c in ceiling:
                    best[w] = max(best.get(w, 0), c)
                ax.plot(sorted(best), [best[w] for w in sorted(best)], "-.", color=BOUND_COLOUR,
                        linewidth=1.6, label=BOUND_LABEL)
            ax.set_ylabel("efficiency = ideal time / measured time (1 = no overhead)")
            ax.set_title("efficiency against W", loc="left", fontsize=10)
            top = max([1.05] + [e.efficiency * 1.05 for pts in series.values() for _, e in pts
                                if e.efficiency is not None] + [c * 1.05 for _, c in ceiling])
            ax.set_ylim(0, top)
        if p:
            ax.axvline(p, color="#888888", linewidth=1.0, linestyle=(0, (1, 2)))
            ax.annotate(f"P = {p}", xy=(p, 0.0), xycoords=("data", "axes fraction"), xytext=(3, 4),
                        textcoords="offset points", fontsize=8, color="#555555")
        if wide:  # log-log: linear scaling stays a straight line
            ax.set_xscale("log", base=2)
            if panel == "speedup":
                ax.set_yscale("log", base=2)
                ax.yaxis.set_major_formatter(ScalarFormatter())
        else:
            ax.set_xlim(0, max(ws) * 1.05)
        ax.xaxis.set_major_locator(FixedLocator(ws))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: named.get(int(round(v)), f"{v:g}")))
        ax.set_xlabel(f"W: workers (threads or processes{'; ' + note if note else ''})")
        ax.grid(True, color="#e4e4e4", linewidth=0.7)
        tidy_axes(ax)
    handles = {}
    for ax in axes:  # one legend for both panels
        for h, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, h)
    axes[-1].legend(handles.values(), handles.keys(), fontsize=7.5, frameon=False, loc="center left",
                    bbox_to_anchor=(1.01, 0.5))
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout()
    return fig


def scaling_reading(report, group) -> str:
    """`peak speedup 1.85× [1.81, 1.89]: threads (cold pool) at W=2, …`; tied peaks (their
    intervals overlap) are named together; a measurement error is named apart, never the peak."""
    series = scaling_series(group)
    points = [(name, w, e) for name, pts in series.items() for w, e in pts]
    name_of = {id(e): name for name, _, e in points}
    with_speedup = [p for p in points if p[2].speedup is not None]
    standing = entry_speedup_standing([e for _, _, e in with_speedup])
    errors = [f"{name_of[id(e)]} at W={e.workers_label}: measurement error, not a result "
              f"({format_speedup_interval(e.speedup, e.speedup_interval)})" for e in standing.errors]
    if standing.tied:
        e = standing.best
        text = (f"peak speedup: {names([f'{name_of[id(x)]} at W={x.workers_label}' for x in standing.leaders])} "
                f"{TIED}: " + ", ".join(format_speedup_interval(x.speedup, x.speedup_interval)
                                        for x in standing.leaders))
    elif standing.leaders:
        e = standing.best
        text = (f"peak speedup {format_speedup_interval(e.speedup, e.speedup_interval)}: "
                f"{name_of[id(e)]} at W={e.workers_label}")
    else:
        name, w, e = max(points, key=lambda p: p[2].efficiency or 0)
        text = f"no sequential entry; highest efficiency: {name} at W={e.workers_label}"
    if e.efficiency is not None and not standing.tied:
        text += f", {format_efficiency(e.efficiency)}"
    p = report.context.get("usable_cpus")
    at_p = [x for x in with_speedup if x[1] == p and not x[2].measurement_error]
    if at_p and p is not None:
        name_p, _, e_p = max(at_p, key=lambda x: x[2].speedup)
        text += f"; at W=P={p}: {format_speedup_interval(e_p.speedup, e_p.speedup_interval)} ({name_p})"
    return "; ".join([text] + errors)
