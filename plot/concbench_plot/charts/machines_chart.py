"""The same questions across machines: given several reports, which machine runs each
model fastest, and does each machine scale the same way with W?

Groups are matched across reports by workload and headline params (never by the http
server's ephemeral URL). Each machine keeps one colour in every chart and is named in the
legend with its CPU model, P, and the report file (two runs of one machine differ only by
the file). Speedups are each machine's own: over that machine's sequential run.
"""

from __future__ import annotations

import math

from concbench_plot.charts.chart_style import (FAILED_COLOUR, IDEAL_COLOUR, estimate_words, flag_text, interval_bars,
                                               machine_and_report, machine_colour, pyplot, tidy_axes,
                                               workers_tick_labels)
from concbench_plot.charts.scaling_chart import scaling_series
from concbench_plot.reports.formatting import format_speedup_interval, format_time_interval, pick_unit
from concbench_plot.reports.standings import TIED, entry_speedup_standing, entry_time_standing, names
from concbench_plot.reports.grouping import label_after_model
from concbench_plot.reports.model_names import is_sequential, model_rank
from concbench_plot.reports.naming import params_slug


def matched_groups(reports: list) -> list:
    """[(key, [group or None per report])] for groups present in two or more reports."""
    keys: dict = {}
    for i, r in enumerate(reports):
        for g in r.groups:
            key = (g.workload, params_slug(g.workload, g.params))
            keys.setdefault(key, [None] * len(reports))
            if keys[key][i] is None:
                keys[key][i] = g
    return [(k, gs) for k, gs in keys.items() if sum(g is not None for g in gs) >= 2]


def fastest_per_model(group) -> dict:
    best: dict = {}
    for e in group.entries if group else []:
        if not e.failed and e.time_s and (e.model not in best or e.time_s < best[e.model].time_s):
            best[e.model] = e
    return best


def draw_machines_tutorial(reports: list, groups: list, title: str):
    """Per model, one bar per machine: the model's fastest entry on that machine."""
    plt = pyplot()
    from matplotlib.patches import Patch

    best = [fastest_per_model(g) for g in groups]
    models = sorted({m for b in best for m in b}, key=model_rank)
    k = len(reports)
    slot = 0.8 / k
    extent = max(max(e.time_s, e.interval[1] if e.interval else 0) for b in best for e in b.values())
    unit, factor = pick_unit(extent)
    fig, ax = plt.subplots(figsize=(11.0, 1.9 + len(models) * (0.2 + 0.3 * k)))
    for row, model in enumerate(models):
        for i, b in enumerate(best):
            y = row - 0.4 + slot * (i + 0.5)
            e = b.get(model)
            if e is None:
                ax.annotate("not measured", xy=(0, y), xytext=(4, 0), textcoords="offset points",
                            va="center", fontsize=7, color="#777777", style="italic")
                continue
            ax.barh(y, e.time_s / factor, height=slot * 0.9, color=machine_colour(i),
                    edgecolor="#333333", linewidth=0.5)
            interval_bars(ax, [(y, e.time_s, e.interval)], horizontal=True, scale=factor, capsize=2.5,
                          elinewidth=1.1)
            text = "  ".join(t for t in (format_time_interval(e.time_s, e.interval), label_after_model(e)) if t)
            if e.speedup is not None and not is_sequential(e.model):
                text += f", {format_speedup_interval(e.speedup, e.speedup_interval)}"
            if flag_text(e):
                text += f"  {flag_text(e)}"
            right = max(e.time_s, e.interval[1] if e.interval else 0)
            ax.annotate(text, xy=(right / factor, y), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=7.5, color=FAILED_COLOUR if e.measurement_error else "black")
    ax.set_yticks(range(len(models)))
    ax.set_yticklabels(models, fontsize=9)
    ax.set_ylim(len(models) - 0.5, -0.5)
    ax.set_xlim(0, extent / factor * 1.7)
    words = estimate_words([e for b in best for e in b.values()])
    ax.set_xlabel(f"time per batch ({unit}; {words}) — each model's fastest entry per machine; "
                  f"speedup over that machine's sequential; shorter is better", fontsize=8.5)
    ax.grid(axis="x", color="#e4e4e4", linewidth=0.6)
    tidy_axes(ax)
    handles = [Patch(color=machine_colour(i), label=machine_and_report(r)) for i, r in enumerate(reports)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1 if len(models) > 4 else -0.2),
              fontsize=8, frameon=False, ncol=1)
    ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout()
    return fig


def machines_tutorial_reading(reports: list, groups: list) -> str:
    """Per machine its fastest entry, or the entries tied for it (intervals overlap)."""
    parts = []
    for r, g in zip(reports, groups):
        b = fastest_per_model(g)
        if not b:
            continue
        top = entry_time_standing(list(b.values()))
        if not top.leaders:
            continue
        if top.tied:
            parts.append(f"{machine_and_report(r)}: {names([e.label for e in top.leaders])} {TIED}")
            continue
        e = top.best
        part = f"{machine_and_report(r)}: {e.label} {format_time_interval(e.time_s, e.interval)}"
        if e.speedup is not None:
            part += f" ({format_speedup_interval(e.speedup, e.speedup_interval)})"
        parts.append(part)
    return "fastest on each: " + "; ".join(parts)


def shared_series(groups: list) -> list:
    names: list = []
    for g in groups:
        if g is None:
            continue
        for name, points in scaling_series(g).items():
            if name not in names and any(e.speedup is not None for _, e in points):
                names.append(name)
    return names


def draw_machines_scaling(reports: list, groups: list, title: str):
    """One panel per way of running (threads cold pool, …): speedup against W, one line per
    machine, each machine's ideal dotted and its P marked."""
    plt = pyplot()
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, NullLocator

    names = shared_series(groups)
    cols = min(3, len(names))
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols + 0.6, 3.5 * rows + 1.6), squeeze=False,
                             sharey=True)
    per_machine = [scaling_series(g) if g is not None else {} for g in groups]
    all_w = [w for series in per_machine for pts in series.values() for w, _ in pts]
    wide = max(all_w) / min(all_w) > 16
    for n, name in enumerate(names):
        ax = axes[n // cols][n % cols]
        ws = set()
        for i, (r, series) in enumerate(zip(reports, per_machine)):
            pts = [(w, e) for w, e in series.get(name, []) if e.speedup is not None]
            if not pts:
                continue
            ws.update(w for w, _ in pts)
            ax.plot([w for w, _ in pts], [e.speedup for _, e in pts], "-", marker="o", markersize=4,
                    color=machine_colour(i))
            interval_bars(ax, [(w, e.speedup, e.speedup_interval) for w, e in pts], horizontal=False,
                          colour=machine_colour(i), elinewidth=1.1, capsize=3)
            for w, e in pts:
                if e.measurement_error:
                    ax.plot([w], [e.speedup], "x", color=FAILED_COLOUR, markersize=9, markeredgewidth=2, zorder=7)
            ideal = [(w, e.speedup * e.time_s / e.ideal_s) for w, e in pts if e.ideal_s]
            if ideal:
                ax.plot(*zip(*ideal), ":", color=machine_colour(i), linewidth=1.2)
            p = r.context.get("usable_cpus")
            if p:
                ax.axvline(p, color=machine_colour(i), linewidth=0.9, linestyle=(0, (1, 3)))
        if wide:
            ax.set_xscale("log", base=2)
        else:
            ax.set_xlim(0, max(ws) * 1.05)
            ax.set_ylim(bottom=0)
        ax.set_xticks(sorted(ws))
        ax.xaxis.set_minor_locator(NullLocator())
        named = workers_tick_labels(e for series in per_machine for w, e in series.get(name, []))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _, named=named: named.get(int(round(v)), f"{v:g}")))
        ax.set_title(name, loc="left", fontsize=9.5)
        py_default = any("py-default" in label for label in named.values())
        ax.set_xlabel("W (workers" + ("; py-default = Python's default pool size)" if py_default else ")"), fontsize=8.5)
        ax.set_ylabel("speedup over own sequential (×)", fontsize=8.5)
        ax.tick_params(labelsize=8)
        ax.grid(True, color="#e4e4e4", linewidth=0.6)
        tidy_axes(ax)
    for n in range(len(names), rows * cols):
        axes[n // cols][n % cols].set_visible(False)
    handles = [Line2D([], [], color=machine_colour(i), marker="o", label=machine_and_report(r))
               for i, r in enumerate(reports)]
    handles.append(Line2D([], [], color=IDEAL_COLOUR, linestyle=":", label="ideal speedup (in each machine's colour)"))
    handles.append(Line2D([], [], color=IDEAL_COLOUR, linestyle=(0, (1, 3)), label="P of each machine"))
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0.35 / (3.5 * rows + 1.6) * math.ceil(len(handles) / 2), 1, 1))
    fig.legend(handles=handles, loc="lower left", fontsize=8, frameon=False, ncol=2)
    return fig


def machines_scaling_reading(reports: list, groups: list) -> str:
    parts = []
    for r, g in zip(reports, groups):
        if g is None:
            continue
        named = {id(e): name for name, ps in scaling_series(g).items() for _, e in ps}
        top = entry_speedup_standing([e for ps in scaling_series(g).values() for _, e in ps if e.speedup is not None])
        if not top.leaders:
            continue
        if top.tied:
            parts.append(f"{machine_and_report(r)}: "
                         f"{names([f'{named[id(e)]}, W={e.workers_label}' for e in top.leaders])} {TIED}")
        else:
            e = top.best
            parts.append(f"{machine_and_report(r)}: {format_speedup_interval(e.speedup, e.speedup_interval)} "
                         f"({named[id(e)]}, W={e.workers_label})")
    return "peak speedup on each: " + "; ".join(parts)
