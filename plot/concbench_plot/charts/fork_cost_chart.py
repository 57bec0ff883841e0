"""Time to start a child against the parent's resident memory (log–log), one line per way of
starting: the fork-cost scenario, and why concbench forks from a small fork server.

A fork copies the parent's page tables, so its line climbs with the parent's size (a slope of
1 on log–log: proportional); posix_spawn copies none, so its line stays flat. x is the
parent's measured resident memory (`parent_rss_bytes`, the median repetition's), y the median
start of a batch (`ns_per_start_median`, median over repetitions); the dotted line of the same
colour is the fastest start (`ns_per_start_min`), the least disturbed by other work.
"""

from __future__ import annotations

from concbench_plot.charts.chart_style import MODEL_COLOURS, pyplot, tidy_axes
from concbench_plot.reports.fork_cost_figures import fork_cost_series, format_start_time

# Colours follow the model each start belongs to (processes-fork: fork; processes-spawn: the
# two that run a new program), told apart by line style.
START_STYLE = {
    "fork": (MODEL_COLOURS["processes-fork"], "-", "o"),
    "fork-exec": (MODEL_COLOURS["processes-spawn"], "--", "s"),
    "posix_spawn": (MODEL_COLOURS["processes-spawn"], "-", "^"),
}


def wants_fork_cost_chart(report) -> bool:
    return any(len(points) >= 1 for points in fork_cost_series(report).values())


def _unit(seconds_max: float) -> tuple:
    return ("ms", 1e6) if seconds_max >= 1e6 else ("µs", 1e3)


def draw_fork_cost_chart(report, title: str):
    plt = pyplot()
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    series = fork_cost_series(report)
    unit, factor = _unit(max(m for pts in series.values() for _, m, _ in pts))
    fig, ax = plt.subplots(figsize=(9, 5.5))
    for name, points in series.items():
        colour, style, marker = START_STYLE.get(name.split(" ")[0], ("#8c564b", "-", "o"))
        ax.plot([r for r, _, _ in points], [m / factor for _, m, _ in points], style, marker=marker,
                color=colour, label=f"{name} (median start)")
        fastest = [(r, f / factor) for r, _, f in points if f]
        if fastest:
            ax.plot(*zip(*fastest), ":", color=colour, linewidth=1.0, alpha=0.8)
    ax.plot([], [], ":", color="#555555", linewidth=1.0, label="dotted: fastest start")
    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        axis.set_minor_formatter(NullFormatter())
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
    ax.set_xlabel("parent's resident memory (MiB, measured VmRSS)")
    ax.set_ylabel(f"time to start and reap one child ({unit})")
    ax.set_title(title, loc="left")
    ax.grid(True, which="both", color="#e8e8e8", linewidth=0.6)
    tidy_axes(ax)
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    fig.tight_layout()
    return fig


def fork_cost_reading(report) -> str:
    """`fork: 0.58 ms at 13 MiB → 52 ms at 1003 MiB (×90); posix_spawn: …; at 1003 MiB fork
    takes ×100 posix_spawn`."""
    series = fork_cost_series(report)
    parts = []
    for name, points in series.items():
        (r0, m0, _), (r1, m1, _) = points[0], points[-1]
        if len(points) >= 2:
            parts.append(f"{name}: {format_start_time(m0)} at {r0:.0f} MiB → {format_start_time(m1)} at {r1:.0f} MiB (×{m1 / m0:.2g})")
        else:
            parts.append(f"{name}: {format_start_time(m0)} at {r0:.0f} MiB")
    fork, spawn = series.get("fork"), series.get("posix_spawn")
    if fork and spawn:
        fork_top, spawn_top = fork[-1], spawn[-1]
        parts.append(f"at {fork_top[0]:.0f} MiB a fork takes ×{fork_top[1] / spawn_top[1]:.2g} a posix_spawn")
    return "; ".join(parts)
