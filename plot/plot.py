#!/usr/bin/python3
"""Draw concbench's charts from one or more reports.

    plot/plot.py results/report.json --out charts/

For now: the tutorial chart, one per (workload, params) group in each report — one bar per
entry (sequential, threads, thread-per-task, coroutines, processes …), the bar its median
time per batch, dots for the repetitions, a tick for the ideal, and its speedup and
efficiency beside it. Each chart is written as PNG and SVG; the paths written are printed,
one per line.

Bad input gives one line on stderr starting `plot.py: ` and exit status 2, and nothing is
written. Runs on /usr/bin/python3 (Debian's matplotlib and numpy), headless.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report_loading import (  # noqa: E402
    Report,
    ReportError,
    format_efficiency,
    format_speedup,
    format_time,
    load_report,
    machine_slug,
    params_title,
    pick_unit,
    slugify,
)



from throughput_chart import draw_throughput_chart, wants_throughput_chart


def pyplot():
    """matplotlib's pyplot, headless. Imported only once the input is known to be good:
    importing it takes most of a second, and bad input should be answered at once."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "concbench"  # stable SVG ids between runs
    return plt


PROG = "plot.py"
EXIT_BAD_INPUT = 2

# One colour per model, the same in every chart (and later across machines). The Python
# reference runs get the light shade of their C++ counterpart.
MODEL_COLOURS = {
    "sequential": "#7f7f7f",
    "threads": "#1f77b4",
    "threads-asio": "#9467bd",
    "thread-per-task": "#17becf",
    "coroutines": "#2ca02c",
    "processes-fork": "#ff7f0e",
    "processes-spawn": "#d62728",
    "python-sequential": "#c7c7c7",
    "python-threads": "#aec7e8",
    "python-thread-per-task": "#9edae5",
    "python-coroutines": "#98df8a",
    "python-asyncio": "#98df8a",
    "python-processes-fork": "#ffbb78",
    "python-processes-spawn": "#ff9896",
}
SPARE_COLOURS = ["#8c564b", "#e377c2", "#bcbd22", "#c49c94", "#f7b6d2", "#dbdb8d"]
IDEAL_COLOUR = "#111111"
FAILED_COLOUR = "#b00020"


def model_colour(model: str) -> str:
    """The model's fixed colour; an unknown model gets a stable one from its name."""
    if model in MODEL_COLOURS:
        return MODEL_COLOURS[model]
    return SPARE_COLOURS[zlib.crc32(model.encode()) % len(SPARE_COLOURS)]


# ---------------------------------------------------------------------------------------
# The tutorial chart


def chart_title(report: Report, group) -> str:
    head = f"{group.workload}: {params_title(group.workload, group.params, group.tasks)}"
    if not report.complete:
        head += " (incomplete run)"
    return head + "\n" + report.machine_label


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
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

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


# ---------------------------------------------------------------------------------------
# Command line


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        fail(f"{message} (see {PROG} -h)")


def fail(message: str, status: int = EXIT_BAD_INPUT):
    print(f"{PROG}: " + " ".join(message.split()), file=sys.stderr)
    sys.exit(status)


def parse_args(argv):
    parser = _Parser(
        prog=PROG,
        description="Draw concbench's tutorial chart (one per workload and params) from "
                    "one or more reports, as PNG and SVG.",
        epilog="Exit status: 0 on success, 2 on bad input (nothing is written then).",
    )
    parser.add_argument("reports", nargs="+", metavar="REPORT.json",
                        help="concbench report(s); several: each report's charts get its "
                             "machine as a file-name prefix")
    parser.add_argument("--out", "-o", required=True, metavar="DIR",
                        help="directory for the charts (created if missing)")
    return parser.parse_args(argv)


def output_names(reports: list) -> list:
    """[(report, group, chart kind, base file name)]; with several reports a machine prefix
    per report."""
    prefixes = [""] * len(reports)
    if len(reports) > 1:
        machines = [machine_slug(r.context, r.path) for r in reports]
        prefixes = list(machines)
        for i, p in enumerate(machines):
            if machines.count(p) > 1:  # the same machine twice: tell them by file name
                stem = slugify(os.path.splitext(os.path.basename(reports[i].path))[0])
                prefixes[i] = f"{p}-{stem}"
        for i, p in enumerate(list(prefixes)):
            if prefixes[:i].count(p):
                prefixes[i] = f"{p}-{i + 1}"
        prefixes = [p + "_" for p in prefixes]
    charts = []
    for r, prefix in zip(reports, prefixes):
        for g in r.groups:
            charts.append((r, g, "tutorial", f"{prefix}tutorial-{g.slug}"))
            if wants_throughput_chart(g):
                charts.append((r, g, "throughput", f"{prefix}throughput-{g.slug}"))
    return charts


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    out_dir = args.out
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        fail(f"--out {out_dir}: exists and is not a directory")

    reports = []
    for path in args.reports:  # every input is validated before anything is written
        try:
            reports.append(load_report(path))
        except ReportError as e:
            fail(str(e))
    for r in reports:
        if not r.complete:
            print(f"{PROG}: warning: {r.path}: incomplete run (\"complete\": false): drawing the "
                  f"{len(r.entries)} entries written so far", file=sys.stderr)

    created = not os.path.isdir(out_dir)
    try:
        os.makedirs(out_dir, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".plot-", dir=out_dir)
    except OSError as e:
        fail(f"--out {out_dir}: cannot create: {e.strerror or e}")

    plt = pyplot()
    written = []
    try:
        staged = []
        for report, group, kind, base in output_names(reports):
            if kind == "throughput":
                fig = draw_throughput_chart(plt, report, group, chart_title(report, group), model_colour)
            else:
                fig = draw_tutorial_chart(report, group)
            try:
                for ext in ("png", "svg"):
                    name = f"{base}.{ext}"
                    fig.savefig(os.path.join(staging, name), dpi=110 if ext == "png" else None,
                                bbox_inches="tight", metadata={"Date": None} if ext == "svg" else None)
                    staged.append(name)
            finally:
                plt.close(fig)
        for name in staged:
            final = os.path.join(out_dir, name)
            os.replace(os.path.join(staging, name), final)
            written.append(final)
    except OSError as e:
        for path in written:  # all or nothing
            os.unlink(path)
        written.clear()
        fail(f"--out {out_dir}: cannot write: {e.strerror or e}", status=1)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not written and os.path.isdir(out_dir) and not os.listdir(out_dir):
            os.rmdir(out_dir)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
