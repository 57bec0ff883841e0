"""CPython against C++: the tutorial's batch in both languages, each model's fastest entry.

Given a CPython report (concbench_python.py's: every model `python-…`) and a C++ report,
the groups both ran (same workload and headline params) are drawn model by model: each C++
model beside its CPython twin (model_names.py's CPYTHON_TWINS: python-threads ~ threads,
python-asyncio ~ coroutines, …). Two panels share the rows: the speedup over each
language's OWN sequential entry (linear, the same scale for both languages: the GIL shows
as threads staying at 1×), and the time per batch on a log axis (C++'s milliseconds and
CPython's seconds both readable). Models without a twin are named under the chart.
"""

from __future__ import annotations

import math
import os

from concbench_plot.charts.chart_style import (FAILED_COLOUR, IDEAL_COLOUR, estimate_words, flag_text, group_head,
                                               interval_bars, machine_and_report, pyplot, tidy_axes)
from concbench_plot.charts.machines_chart import fastest_per_model
from concbench_plot.reports.formatting import format_speedup, format_speedup_interval, format_time, format_time_interval
from concbench_plot.reports.grouping import label_after_model
from concbench_plot.reports.model_names import CPYTHON_TWINS, is_cpython_report, is_sequential, model_rank
from concbench_plot.reports.naming import params_slug

CPP_COLOUR = "#3b6ea5"
CPYTHON_COLOUR = "#e08a2c"
QUESTION = "Do threads speed up CPU work in C++ and in CPython?"


def same_machine(a, b) -> bool:
    keys = ("host_name", "cpu_model", "usable_cpus")
    return all(a.context.get(k) == b.context.get(k) for k in keys)


def cpython_pairs(reports: list) -> list:
    """[(CPython report, C++ report)]: each CPython report with the C++ reports of its own
    machine (host, CPU, P), or with every C++ report when none is of its machine."""
    cpython = [r for r in reports if is_cpython_report(r)]
    cpp = [r for r in reports if not is_cpython_report(r)]
    pairs = []
    for py in cpython:
        mine = [c for c in cpp if same_machine(py, c)] or cpp
        pairs += [(py, c) for c in mine]
    return pairs


def twin_groups(py_report, cpp_report) -> list:
    """[(C++ group, CPython group)] of the same workload and headline params."""
    cpp = {(g.workload, params_slug(g.workload, g.params)): g for g in reversed(cpp_report.groups)}
    result = []
    for g in py_report.groups:
        twin = cpp.get((g.workload, params_slug(g.workload, g.params)))
        if twin is not None and fastest_per_model(g) and fastest_per_model(twin):
            result.append((twin, g))
    return result


def twin_rows(cpp_group, py_group) -> tuple:
    """([(C++ model, C++ entry or None, CPython model, CPython entry or None)], the models
    left out for want of a twin: (C++ models, CPython models)). A row per twin pair with at
    least one side measured, in the C++ display order; each side its model's fastest entry."""
    cpp_best = fastest_per_model(cpp_group)
    py_best = fastest_per_model(py_group)
    rows = []
    for py_model, cpp_model in CPYTHON_TWINS.items():
        if cpp_model in cpp_best or py_model in py_best:
            rows.append((cpp_model, cpp_best.get(cpp_model), py_model, py_best.get(py_model)))
    rows.sort(key=lambda r: model_rank(r[0]))
    paired_cpp = {r[0] for r in rows}
    paired_py = {r[2] for r in rows}
    alone = (sorted((m for m in cpp_best if m not in paired_cpp), key=model_rank),
             sorted((m for m in py_best if m not in paired_py), key=model_rank))
    return rows, alone


def language(report) -> str:
    if not is_cpython_report(report):
        return "C++"
    build = report.context.get("build") if isinstance(report.context.get("build"), dict) else {}
    version = build.get("python_version")
    return f"CPython {version}" if version else "CPython"


def chart_title(py_report, cpp_report, group) -> str:
    return (f"The tutorial's batch in C++ and in CPython — {group_head(group)}: each model's fastest entry\n"
            f"C++: {machine_and_report(cpp_report)}   vs   "
            f"{language(py_report)}: {machine_and_report(py_report)}")


def draw_cpython_chart(py_report, cpp_report, cpp_group, py_group, title: str):
    """Two panels sharing the rows: speedup over own sequential, and time per batch (log)."""
    plt = pyplot()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    rows, (cpp_alone, py_alone) = twin_rows(cpp_group, py_group)
    bar_h = 0.36
    ys, labels, colours, entries = [], [], [], []
    for i, (cpp_model, cpp_e, py_model, py_e) in enumerate(rows):
        for offset, model, e, colour in ((-0.2, cpp_model, cpp_e, CPP_COLOUR), (0.2, py_model, py_e, CPYTHON_COLOUR)):
            ys.append(i + offset)
            labels.append(model)
            colours.append(colour)
            entries.append(e)
    height = 2.3 + 0.78 * len(rows)
    fig, (ax_s, ax_t) = plt.subplots(1, 2, figsize=(13.0, height), sharey=True,
                                     gridspec_kw={"width_ratios": [1.25, 1.0]})

    # Speedup over the language's own sequential entry.
    top = max([max(e.speedup, e.speedup_interval[1] if e.speedup_interval else 0)
               for e in entries if e is not None and e.speedup is not None]
              + [r.context.get("usable_cpus") or 1 for r in (py_report, cpp_report)] + [1.0])
    for y, e, colour in zip(ys, entries, colours):
        if e is None:
            ax_s.annotate("not measured", xy=(0, y), xytext=(4, 0), textcoords="offset points",
                          va="center", fontsize=7.5, color="#777777", style="italic")
            continue
        if e.speedup is None:
            ax_s.annotate("no sequential entry: no speedup", xy=(0, y), xytext=(4, 0), textcoords="offset points",
                          va="center", fontsize=7.5, color="#777777", style="italic")
            continue
        ax_s.barh(y, e.speedup, height=bar_h, color=colour, edgecolor="#333333", linewidth=0.5, zorder=2)
        text = format_speedup_interval(e.speedup, e.speedup_interval)
        how = label_after_model(e)
        if how and not is_sequential(e.model):
            text += f"  {how}"
        if flag_text(e):
            text += f"  {flag_text(e)}"
        right = e.speedup_interval[1] if e.speedup_interval else e.speedup
        ax_s.annotate(text, xy=(right, y), xytext=(4, 0), textcoords="offset points", va="center",
                      fontsize=8, zorder=3, color=FAILED_COLOUR if e.measurement_error else "black")
    interval_bars(ax_s, [(y, e.speedup, e.speedup_interval) for y, e in zip(ys, entries) if e is not None],
                  horizontal=True, capsize=3)
    p_of = {}  # P -> whose machine, named only when the two machines' P differ
    for r in (cpp_report, py_report):
        p = r.context.get("usable_cpus")
        if p is not None:
            p_of.setdefault(p, []).append("C++" if r is cpp_report else "CPython")
    def whose(p):
        return f" on {' and '.join(p_of[p])}'s machine" if len(p_of) > 1 else ""

    ax_s.axvline(1.0, color=IDEAL_COLOUR, linewidth=1.0, linestyle=":", zorder=1)
    references = [Line2D([], [], color=IDEAL_COLOUR, linewidth=1.0, linestyle=":",
                         label="1× = sequential" + (f", and P = 1{whose(1)}" if 1 in p_of else ""))]
    for p in sorted(p_of):
        if p != 1:
            ax_s.axvline(p, color="#888888", linewidth=1.0, linestyle=(0, (1, 2)), zorder=1)
            ax_s.annotate(f"P = {p}", xy=(p, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -2),
                          textcoords="offset points", va="top", fontsize=7.5, color="#444444")
            references.append(Line2D([], [], color="#888888", linewidth=1.0, linestyle=(0, (1, 2)),
                                     label=f"P = {p}{whose(p)}: the most CPU work can gain"))
    ax_s.set_xlim(0, top * 1.55)
    ax_s.set_xlabel("speedup over the same language's sequential entry (×; higher is better)", fontsize=8.5)
    ax_s.set_title("speedup (each language against its own sequential)", loc="left", fontsize=9.5)

    # Time per batch, log: milliseconds and seconds on one axis.
    times = [e.time_s for e in entries if e is not None]
    low, high = min(times), max(times)
    floor = 10 ** math.floor(math.log10(low) - 0.3)
    for y, e, colour in zip(ys, entries, colours):
        if e is None:
            continue
        ax_t.barh(y, e.time_s - floor, left=floor, height=bar_h, color=colour, edgecolor="#333333",
                  linewidth=0.5, zorder=2)
        ax_t.annotate(format_time_interval(e.time_s, e.interval), xy=(e.interval[1] if e.interval else e.time_s, y),
                      xytext=(4, 0), textcoords="offset points", va="center", fontsize=8, zorder=3)
    interval_bars(ax_t, [(y, e.time_s, e.interval) for y, e in zip(ys, entries) if e is not None],
                  horizontal=True, capsize=3)
    ax_t.set_xscale("log")
    ax_t.set_xlim(floor, high * 6)
    ax_t.xaxis.set_major_locator(LogLocator(base=10))
    ax_t.xaxis.set_minor_formatter(NullFormatter())
    ax_t.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_time(v)))
    ax_t.set_xlabel(f"time per batch ({estimate_words(entries)}; log scale; shorter is better)", fontsize=8.5)
    ax_t.set_title("time per batch", loc="left", fontsize=9.5)

    for ax in (ax_s, ax_t):
        ax.grid(axis="x", which="major", color="#e4e4e4", linewidth=0.6, zorder=0)
        tidy_axes(ax)
    ax_s.set_yticks(ys)
    ax_s.set_yticklabels(labels, fontsize=9)
    for tick, colour in zip(ax_s.get_yticklabels(), colours):
        tick.set_color("#1d3d63" if colour == CPP_COLOUR else "#8a4a0c")
    ax_s.set_ylim(len(rows) - 0.5, -0.5)

    handles = [Patch(color=CPP_COLOUR, label=f"C++ · {os.path.basename(cpp_report.path)}"),
               Patch(color=CPYTHON_COLOUR, label=f"{language(py_report)} · {os.path.basename(py_report.path)}")]
    handles += references
    notes = []
    if cpp_alone:
        notes.append("C++ " + ", ".join(cpp_alone))
    if py_alone:
        notes.append("CPython " + ", ".join(py_alone))
    footer = "Each bar: the model's fastest entry in its report (any W, pool, form)."
    if notes:
        footer += " Not drawn (no twin in the other language): " + "; ".join(notes) + "."
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0.62 / height, 1, 1))
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, 0.24 / height), ncol=len(handles),
               frameon=False, fontsize=8.5)
    fig.text(0.01, 0.08 / height, footer, ha="left", va="bottom", fontsize=7.5, color="#555555")
    return fig


def cpython_reading(cpp_group, py_group) -> str:
    """`speedup over own sequential, C++ vs CPython: threads 1.91× vs 0.87×, …; sequential
    38.8 ms vs 3.58 s`."""
    rows, _ = twin_rows(cpp_group, py_group)
    parts, seq = [], ""
    for cpp_model, cpp_e, py_model, py_e in rows:
        if cpp_e is None or py_e is None:
            continue
        if is_sequential(cpp_model):
            seq = f"sequential {format_time(cpp_e.time_s)} vs {format_time(py_e.time_s)}"
        elif cpp_e.speedup is not None and py_e.speedup is not None:
            parts.append(f"{cpp_model} {format_speedup(cpp_e.speedup)} vs {format_speedup(py_e.speedup)}")
    text = "speedup over own sequential, C++ vs CPython: " + (", ".join(parts) if parts else "none to compare")
    return text + (f"; {seq}" if seq else "")
