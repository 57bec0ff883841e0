"""Task timelines: who ran which task, when — one panel per model, one lane per worker.

Drawn for each workload's headline group, one entry per model: the entry at W = P if there
is one, else the model's fastest. The headline group is chosen the same way on every
machine: the group most reports have, then the one with most entries, then the fewest
tasks (drawn whole, not downsampled). Each panel says how typical its batch is: the batch's
time (the timeline file's `repetition_ns`: the timed repetition nearest the median; in older
files some batch's interval) against the report's median and range of repetitions. The bars show where the time
went that the tutorial chart only totals: idle workers, a straggler at the end, a loop
thread holding a hundred awaiting tasks at once, processes starting late. Tasks
overlapping on one worker are stacked inside its lane rather than drawn over each other.
"""

from __future__ import annotations

from concbench_plot.charts.chart_style import model_colour, pyplot, tidy_axes
from concbench_plot.reports.formatting import format_time, pick_unit
from concbench_plot.reports.model_names import model_rank
from concbench_plot.reports.naming import canonical_params, params_slug
from concbench_plot.reports.timeline_data import pack_rows

MAX_LABELLED_TASKS = 40  # task numbers written in the bars up to this many tasks


def _group_key(group) -> tuple:
    return (group.workload, params_slug(group.workload, group.params))


def headline_groups(report, reports: list | None = None) -> list:
    """Per workload, one group: the one the most of `reports` (default: this one alone) have,
    then the one with the most entries (in any report), then the fewest tasks, then by
    params. So every machine draws the same workload and batch when it has it, whatever
    order its report lists the groups in."""
    reports = reports or [report]
    present: dict = {}
    entries: dict = {}
    for r in reports:
        for key in {_group_key(g) for g in r.groups}:
            present[key] = present.get(key, 0) + 1
        for g in r.groups:
            entries[_group_key(g)] = max(entries.get(_group_key(g), 0), len(g.entries))

    def rank(g):
        key = _group_key(g)
        return (-present.get(key, 0), -entries.get(key, 0), g.tasks or 0, canonical_params(g.params))

    best: dict = {}
    for g in report.groups:
        if g.workload not in best or rank(g) < rank(best[g.workload]):
            best[g.workload] = g
    return list(best.values())


def pick_entries(report, group, timelines: dict) -> list:
    """[(entry, timeline)] one per model in display order: W = P preferred, then fastest."""
    p = report.context.get("usable_cpus")
    by_model: dict = {}
    for e in group.entries:
        if e.failed or e.run_name not in timelines:
            continue
        key = (0 if e.workers == p else 1, e.median_s or float("inf"))
        if e.model not in by_model or key < by_model[e.model][0]:
            by_model[e.model] = (key, e)
    models = sorted(by_model, key=model_rank)
    return [(by_model[m][1], timelines[by_model[m][1].run_name]) for m in models]


def lane_noun(model: str, count: int = 1) -> str:
    """What a lane is: a coroutine's `worker` is its in-flight slot (up to K), not a thread."""
    if "coroutines" in model or model.endswith("asyncio"):
        noun = "coroutine"
    elif "processes" in model:
        return "process" if count == 1 else "processes"
    else:
        noun = "thread"
    return noun if count == 1 else noun + "s"


def panel_text(entry, timeline) -> str:
    """Two lines: what ran on what, then this batch's time against the entry's median."""
    lanes = len(set(timeline.worker))
    text = f"{entry.label} — {timeline.tasks} tasks"
    if timeline.downsampled:
        text += f" (downsampled: 1 in {timeline.stride} shown, {len(timeline.task)})"
    text += f" on {lanes} {lane_noun(entry.model, lanes)}"
    if "coroutines" in entry.model and entry.loop_threads:
        text += f" ({entry.loop_threads} loop thread{'s' if entry.loop_threads != 1 else ''})"
    flight = timeline.mean_in_flight()
    if flight is not None:
        text += f", {flight:.1f} tasks in flight on average"
    return text + "\n" + batch_text(entry, timeline)


def _relative(batch: float, median: float) -> str:
    change = (batch / median - 1) * 100
    return "±0 %" if abs(change) < 0.05 else f"{change:+.1f} %" if abs(change) < 10 else f"{change:+.0f} %"


def time_range(lo: float, hi: float) -> str:
    """`20.4–31.1 ms`; `950 µs–1.2 ms` across units; `402 ms each` when they read alike."""
    a, b = format_time(lo), format_time(hi)
    if a == b:
        return f"{a} each"
    if a.split(" ")[1] == b.split(" ")[1]:
        return f"{a.split(' ')[0]}–{b}"
    return f"{a}–{b}"


def batch_text(entry, timeline) -> str:
    """`the repetition nearest the median: this batch 22.9 ms; the entry's median 22.7 ms
    (+0.9 %), its 7 repetitions 20.4–31.1 ms`. Newer timeline files draw the timed repetition
    whose batch is nearest the median of the repetitions' batches (`repetition_ns`); older ones
    some batch, whose interval is set against the report's median and range of the entry's
    repetitions, and flagged when it lies outside that range."""
    chosen = bool(timeline.repetition_s)
    batch = timeline.repetition_s or timeline.interval_s or timeline.span_s
    text = ("the repetition nearest the median: " if chosen else "") + f"this batch {format_time(batch)}"
    median = entry.median_s or timeline.median_s
    if not median:
        return text
    text += f"; the entry's median {format_time(median)} ({_relative(batch, median)}"
    times = entry.times_s
    if len(times) > 1:
        lo, hi = min(times), max(times)
        text += f"), its {len(times)} repetitions {time_range(lo, hi)}"
        if batch < lo * 0.995 or batch > hi * 1.005:
            text += ": outside that range, not a typical batch"
    else:
        text += ")"
    return text


def _draw_panel(ax, entry, timeline) -> None:
    unit, factor = pick_unit(timeline.span_s or 1.0)
    colour = model_colour(entry.model)
    workers = sorted(set(timeline.worker))
    lanes = list(range(max(timeline.workers, workers[-1] + 1))) if workers[-1] < 2000 else workers
    lane_of = {w: i for i, w in enumerate(lanes)}
    few = len(timeline.task) <= 200 and len(lanes) <= 30  # white gaps only where bars are thick
    for w in workers:
        idx = [i for i, x in enumerate(timeline.worker) if x == w]
        starts = [timeline.start_s[i] for i in idx]
        ends = [timeline.end_s[i] for i in idx]
        rows, nrows = pack_rows(starts, ends)
        h = 0.8 / nrows
        for r in range(nrows):
            mine = sorted((k for k in range(len(idx)) if rows[k] == r), key=lambda k: starts[k])
            spans = [(starts[k] / factor, (ends[k] - starts[k]) / factor) for k in mine]
            shades = [colour if (n + lane_of[w]) % 2 == 0 else _lighter(colour) for n in range(len(mine))]
            ax.broken_barh(spans, (lane_of[w] - 0.4 + r * h, h), facecolors=shades,
                           edgecolors="white" if few else "none", linewidth=0.5 if few else 0)
            if len(timeline.task) <= MAX_LABELLED_TASKS and nrows <= 2:
                for k, (x, width) in zip(mine, spans):
                    if width >= 0.035 * timeline.span_s / factor:
                        ax.text(x + width / 2, lane_of[w] - 0.4 + (r + 0.5) * h,
                                str(timeline.task[idx[k]]), ha="center", va="center",
                                fontsize=6.5, color="black")
    if timeline.interval_s:
        ax.axvline(timeline.interval_s / factor, color="#444444", linewidth=0.9, linestyle="--")
    ax.set_xlim(0, max(timeline.span_s / factor, 1e-9) * 1.02)
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    if len(lanes) <= 12:
        ax.set_yticks(range(len(lanes)))
        ax.set_yticklabels([str(w) for w in lanes], fontsize=7.5)
    else:
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.tick_params(axis="y", labelsize=7.5)
    ax.set_ylabel(lane_noun(entry.model), fontsize=8)
    ax.set_xlabel(f"time since the batch started ({unit})", fontsize=8)
    ax.tick_params(axis="x", labelsize=7.5)
    ax.set_title(panel_text(entry, timeline), loc="left", fontsize=8.5)
    ax.grid(axis="x", color="#e4e4e4", linewidth=0.6)
    tidy_axes(ax)


def _lighter(colour: str) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{int(c + (255 - c) * 0.45):02x}" for c in (r, g, b))


def panel_height(timeline) -> float:
    lanes = max(timeline.workers, 1 + max(timeline.worker))
    return 1.1 + 0.16 * min(lanes, 14)  # the two-line panel title included


def draw_timeline_chart(title: str, picked: list):
    """One panel per (entry, timeline), stacked; each panel keeps its own time axis (a
    sequential batch can be a hundred times longer than a coroutine one)."""
    plt = pyplot()
    heights = [panel_height(t) for _, t in picked]
    fig, axes = plt.subplots(len(picked), 1, figsize=(10.5, 1.0 + sum(heights)),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, (entry, timeline) in zip(axes[:, 0], picked):
        _draw_panel(ax, entry, timeline)
    height = 1.0 + sum(heights)
    fig.suptitle(title, x=0.01, y=1 - 0.08 / height, ha="left", va="top", fontsize=11)
    if all(t.repetition_s for _, t in picked):
        which = "One timed repetition of each entry (its time against the entry's median above each panel)."
    else:
        which = "One batch of each entry, not necessarily a typical one (above each panel: its time against the entry's)."
    fig.text(0.01, 0.04 / height, f"{which} Shades alternate between consecutive tasks; numbers: task index; "
             "dashed line: the batch's end.", ha="left", va="bottom", fontsize=7.5, color="#555555")
    fig.tight_layout(rect=(0, 0.22 / height, 1, 1))  # room for the note (tight_layout minds the title)
    return fig


def timeline_reading(picked: list) -> str:
    parts, thinned = [], []
    for entry, timeline in picked:
        flight = timeline.mean_in_flight()
        if flight is not None:
            parts.append(f"{entry.label} {flight:.1f}")
        else:
            thinned.append(entry.label)
    text = "tasks in flight on average: " + ", ".join(parts) if parts else "no in-flight averages"
    if thinned:
        text += f" (downsampled, not averaged: {', '.join(thinned)})"
    return text
