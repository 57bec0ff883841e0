"""What every chart module shares: headless pyplot, the fixed colours, titles and labels,
and Chart, one entry of the plan (chart_plan.py) of what to draw."""

from __future__ import annotations

import dataclasses
import os
import zlib
from typing import Callable

from concbench_plot.reports.naming import params_title


def pyplot():
    """matplotlib's pyplot, headless. Imported only once the input is known to be good:
    importing it takes most of a second, and bad input should be answered at once."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "concbench"  # stable SVG ids between runs
    return plt


# One colour per model, the same in every chart (and across machines). The Python
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
# Charts across machines colour by machine (report order), never by model.
MACHINE_COLOURS = ["#3b6ea5", "#e08a2c", "#4a9a5b", "#c0413b", "#7d62a8", "#8a6d5a", "#d16fb0"]
IDEAL_COLOUR = "#111111"
BOUND_COLOUR = "#9a1f40"
FAILED_COLOUR = "#b00020"


def model_colour(model: str) -> str:
    """The model's fixed colour; an unknown model gets a stable one from its name."""
    if model in MODEL_COLOURS:
        return MODEL_COLOURS[model]
    return SPARE_COLOURS[zlib.crc32(model.encode()) % len(SPARE_COLOURS)]


def machine_colour(index: int) -> str:
    return MACHINE_COLOURS[index % len(MACHINE_COLOURS)]


def report_name(report) -> str:
    return os.path.basename(report.path)


def machine_and_report(report) -> str:
    """`AMD EPYC, P=2 (vm) · default-final.json`: a legend entry that tells apart two runs
    of one machine as well as two machines."""
    return f"{report.machine_label} · {report_name(report)}"


def title_with_machine(report, head: str) -> str:
    """Every chart names its machine on the title's second line."""
    if not report.complete:
        head += " (incomplete run)"
    return f"{head}\n{report.machine_label}"


def tidy_axes(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_axisbelow(True)


@dataclasses.dataclass
class Chart:
    """One chart to draw: where it goes, what it is called, its one-line reading, and how
    to draw it (`draw()` returns the figure; called only when the charts are written)."""

    base: str  # file name without extension
    kind: str  # tutorial, throughput, timeline, scaling, sweep, distribution, fork-cost, machines-…
    heading: str  # the question it answers, for the summary
    reading: str  # one line computed from the data
    draw: Callable
    section: str = ""  # the summary section (a report, or "across machines")


def workers_tick_labels(entries) -> dict:
    """{W: tick label} for the W values a named W stands for: `6 (py-default)` where the
    entry's workers_label is not the number itself (Python's default pool size)."""
    labels = {}
    for e in entries:
        label = getattr(e, "workers_label", None)
        if label and label != str(e.workers) and label != "all":
            labels[e.workers] = f"{e.workers} ({label})"
    return labels


def group_head(group) -> str:
    """`cpu: 17 tasks, scale 1`: the group as titles and the summary name it."""
    return f"{group.workload}: {params_title(group.workload, group.params, group.tasks)}"


INTERVAL_COLOUR = "#000000"


def estimate_words(entries) -> str:
    """What a chart's figures are: `p25 of the repetitions; bars: 95 % interval` (schema 3) or
    `median of the repetitions`."""
    entries = [e for e in entries if e is not None]
    name = next((e.lead_name for e in entries), "median")
    level = next((e.interval_level for e in entries if e.interval_level is not None), None)
    if level is None:
        return f"{name} of the repetitions"
    return f"{name} of the repetitions; bars: {level * 100:.0f} % interval"


def interval_bars(ax, points, horizontal: bool, colour: str = INTERVAL_COLOUR, scale: float = 1.0, **style):
    """Error bars for [(position, value, (low, high) or None)] in one errorbar call (points
    without an interval get none); returns the ErrorbarContainer, or None when no point has an
    interval. `scale` divides values and bounds (a display unit)."""
    shown = [(p, v, i) for p, v, i in points if v is not None and i is not None]
    if not shown:
        return None
    positions = [p for p, _, _ in shown]
    values = [v / scale for _, v, _ in shown]
    below = [max(0.0, (v - i[0]) / scale) for _, v, i in shown]
    above = [max(0.0, (i[1] - v) / scale) for _, v, i in shown]
    options = dict(fmt="none", ecolor=colour, elinewidth=1.4, capsize=3.5, capthick=1.4, zorder=6)
    options.update(style)
    if horizontal:
        return ax.errorbar(values, positions, xerr=[below, above], **options)
    return ax.errorbar(positions, values, yerr=[below, above], **options)


def flag_text(e) -> str:
    """What a chart writes beside an entry's figure about its interval: `⚠ measurement error`,
    `≈ imprecise`, `no interval`; "" for none of them."""
    if e is None or e.failed:
        return ""
    if e.measurement_error:
        return "⚠ measurement error"
    if e.imprecise:
        return "≈ imprecise"
    if e.interval_note and e.interval_level is not None:
        return "no interval"
    return ""
