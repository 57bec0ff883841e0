"""What does each model cost per task? The `empty` workload's dispatch cost, model by model,
against the floor (sequential) and the peer (threads against threads-asio).

An `empty` task does nothing, so an entry's `dispatch_ns_per_task` — the batch from its
first task's start to its last task's end, over N: start-up and tear-down left out — is
what the model itself costs per task. One row per model, one entry each, picked to be
comparable: warm pools before cold ones, the W most pool entries share (W=2 in the
suites), a coroutine's usual form (awaitable, one loop thread, all in flight), the
largest N; the row's label says which. The x axis is logarithmic (ns to tens of µs), each
dot carries its value and its ratio to the floor, and threads also its ratio to
threads-asio. Where the entries carry `startup_ns` and `teardown_ns`, a second panel
shows where each whole batch went: start-up, dispatch, tear-down, as shares of their sum.

Given several reports, a machines-overhead chart puts the machines side by side: one dot
per machine per model, each machine's own floor, ratios over that machine's floor.
"""

from __future__ import annotations

import math

from concbench_plot.charts.chart_style import (IDEAL_COLOUR, estimate_words, interval_bars, machine_and_report,
                                               machine_colour, model_colour, pyplot,
                                               tidy_axes, title_with_machine)
from concbench_plot.reports.formatting import format_time
from concbench_plot.reports.model_names import is_sequential, model_rank, sequential_model_for
from concbench_plot.reports.report_data import entry_figure, figure_interval

WORKLOAD = "empty"
FIGURE = "dispatch_ns_per_task"
# A model held against a well-kept peer of its own kind: {model: (peer, the most the model
# may cost per task as a fraction of the peer's cost: BENCHMARKS.md's target)}.
PEERS = {"threads": ("threads-asio", 0.7)}
POOL_PREFERENCE = {"warm": 0, None: 1, "cold": 2, "per-task": 3}
SPLIT = (("startup_ns", "start-up", "#c9c9c9"), ("dispatch", "dispatch", "#4f6d8f"),
         ("teardown_ns", "tear-down", "#e3b877"))
QUESTION = "What does each model cost per task?"


def candidates(report) -> list:
    """Successful `empty` entries that carry a dispatch cost per task."""
    return [e for e in report.entries
            if e.workload == WORKLOAD and not e.failed and (entry_figure(e, FIGURE) or 0) > 0]


def wants_overhead_chart(report) -> bool:
    return bool(candidates(report))


def _preferred_workers(entries: list):
    """The W that most pool entries (several models) share: the comparable setting."""
    counts: dict = {}
    for e in entries:
        if e.pool in ("cold", "warm") and not is_sequential(e.model):
            counts.setdefault(e.workers, set()).add(e.model)
    if not counts:
        return None
    return min(counts, key=lambda w: (-len(counts[w]), w))


def _preference(e, workers) -> tuple:
    usual_form = "awaitable" if e.model == "coroutines" or e.model.endswith("asyncio") else "blocking"
    all_in_flight = e.inflight is None or e.inflight == e.tasks
    return (POOL_PREFERENCE.get(e.pool, 9),
            0 if workers is None or e.workers == workers or e.pool not in ("cold", "warm") else 1,
            0 if e.task_form in (None, usual_form) else 1,
            0 if e.loop_threads in (None, 1) else 1,
            0 if all_in_flight else 1,
            -(e.tasks or 0),
            abs(e.workers - (workers or e.workers)),
            e.run_name)


def pick_entries(report) -> dict:
    """{model: entry}, one comparable entry per model, in the charts' model order."""
    entries = candidates(report)
    workers = _preferred_workers(entries)
    picked: dict = {}
    for e in entries:
        if e.model not in picked or _preference(e, workers) < _preference(picked[e.model], workers):
            picked[e.model] = e
    # A model and its peer are run the same way (pool, W, N) where the report allows it:
    # the best such pair, else each its own best (and then no ratio between them).
    for model, (peer, _) in PEERS.items():
        ours = [e for e in entries if e.model == model]
        theirs = [e for e in entries if e.model == peer]
        pairs = [(a, b) for a in ours for b in theirs if (a.pool, a.workers) == (b.pool, b.workers)]
        if pairs:
            a, b = min(pairs, key=lambda ab: (_preference(ab[0], workers), ab[0].tasks != ab[1].tasks,
                                              _preference(ab[1], workers)))
            picked[model], picked[peer] = a, b
    return dict(sorted(picked.items(), key=lambda kv: model_rank(kv[0])))


def cost_ns(e) -> float:
    return entry_figure(e, FIGURE)


def cost_interval(e) -> tuple | None:
    """The dispatch cost's interval at the lead's quantile, from the repetitions' costs (the
    report states intervals for times only)."""
    return figure_interval(e, FIGURE)


def floor_of(picked: dict, model: str):
    """The entry whose cost is `model`'s floor: its sequential (CPython's for CPython's)."""
    return picked.get(sequential_model_for(model))


def peer_of(picked: dict, model: str):
    """(peer entry, limit) when `model` has a comparable peer in `picked`, else None."""
    if model not in PEERS or PEERS[model][0] not in picked:
        return None
    peer = picked[PEERS[model][0]]
    e = picked[model]
    if (peer.pool, peer.workers) != (e.pool, e.workers):
        return None  # not the same way of running: no ratio
    return peer, PEERS[model][1]


def format_ns(ns: float) -> str:
    return format_time(ns * 1e-9)


def format_ratio(r: float) -> str:
    """`1.64×`, `38.8×`, `388×`, `1,210×`; two significant figures below 1 (`0.16×`)."""
    if r >= 1000:
        return f"{r:,.0f}×"
    return f"{r:.3g}×" if r >= 1 else f"{r:.2g}×"


def settings_text(e) -> str:
    """Which entry a row shows: `W=2, warm pool, N=10,000`."""
    parts = []
    if e.model == "thread-per-task":
        parts.append("a thread per task")
    elif e.model == "coroutines" or e.model.endswith("asyncio"):
        lt = e.loop_threads or 1
        parts.append(f"{lt} loop thread" + ("s" if lt != 1 else ""))
        if e.inflight is not None and e.inflight != e.tasks:
            parts.append(f"K={e.inflight}")
        if e.task_form not in (None, "awaitable"):
            parts.append(e.task_form)
    elif not is_sequential(e.model):
        parts.append(f"W={e.workers_label}")
        if e.pool == "per-task":
            parts.append("a process per task")
        elif e.pool:
            parts.append(f"{e.pool} pool")
    if e.tasks:
        parts.append(f"N={e.tasks:,}")
    return ", ".join(parts)


def annotation(picked: dict, model: str) -> str:
    """`125 ns · 1.64× floor · 0.16× threads-asio (≤ 0.7×)`."""
    e = picked[model]
    cost = cost_ns(e)
    parts = [format_ns(cost)]
    floor = floor_of(picked, model)
    if floor is e:
        parts.append("the floor")
    elif floor is not None:
        parts.append(f"{format_ratio(cost / cost_ns(floor))} floor")
    peer = peer_of(picked, model)
    if peer is not None:
        p, limit = peer
        parts.append(f"{format_ratio(cost / cost_ns(p))} {p.model} (goal ≤ {limit:g}×)")
    return "  ·  ".join(parts)


def split_of(e) -> dict | None:
    """{startup_ns, dispatch, teardown_ns} of one batch (medians), or None if incomplete."""
    startup, teardown = entry_figure(e, "startup_ns"), entry_figure(e, "teardown_ns")
    if startup is None or teardown is None or not e.tasks:
        return None
    return {"startup_ns": startup, "dispatch": cost_ns(e) * e.tasks, "teardown_ns": teardown}


def what_was_picked(report, picked: dict) -> str:
    """The subtitle's account of the choice, two lines: `one entry per model: warm pool at
    W=2, the largest N each model ran …` and `not drawn: 1 entry at a smaller N, 4 cold-pool
    entries`."""
    pools = sorted({e.pool for e in picked.values() if e.pool in ("cold", "warm")}, key=POOL_PREFERENCE.get)
    ws = sorted({e.workers for e in picked.values() if e.pool in ("cold", "warm")})
    text = "one entry per model: "
    if pools:
        text += f"{' and '.join(pools)} pool{'s' if len(pools) > 1 else ''} at W={', '.join(map(str, ws))}, "
    text += "the largest N each model ran (under its name)"
    left_out: dict = {}
    chosen = {id(e) for e in picked.values()}
    for e in candidates(report):
        if id(e) in chosen:
            continue
        p = picked[e.model]
        why = (f"{e.pool}-pool" if e.pool != p.pool and e.pool else
               "at another W" if e.workers != p.workers else
               "at a smaller N" if (e.tasks or 0) < (p.tasks or 0) else "in another form")
        left_out[why] = left_out.get(why, 0) + 1
    if left_out:
        text += "\nnot drawn: " + ", ".join(
            f"{n} {why} entr{'y' if n == 1 else 'ies'}" if why.endswith("pool") else
            f"{n} entr{'y' if n == 1 else 'ies'} {why}" for why, n in left_out.items())
    return text


def _log_limits(values: list) -> tuple:
    lo = 10 ** math.floor(math.log10(min(values) * 0.7))
    hi = 10 ** math.ceil(math.log10(max(values) * 1.4))
    return lo, hi


def _ns_axis(ax, lo, hi, label):
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ax.xaxis.set_major_locator(LogLocator(base=10))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_ns(v)))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(label, fontsize=9)
    ax.grid(axis="x", which="major", color="#dddddd", linewidth=0.7)
    ax.grid(axis="x", which="minor", color="#f0f0f0", linewidth=0.5)
    tidy_axes(ax)


def draw_overhead_chart(report, title: str):
    plt = pyplot()
    from matplotlib.patches import Patch

    picked = pick_entries(report)
    models = list(picked)
    splits = {m: split_of(e) for m, e in picked.items()}
    with_split = any(s is not None for s in splits.values())
    fig, axes = plt.subplots(1, 2 if with_split else 1, figsize=(14.5 if with_split else 10.5,
                                                                  1.9 + 0.62 * len(models)),
                             squeeze=False, sharey=True,
                             gridspec_kw={"width_ratios": [2.3, 1]} if with_split else None)
    ax = axes[0][0]
    costs = [cost_ns(e) for e in picked.values()]
    lo, hi = _log_limits(costs)
    hi *= 10  # room for the texts right of the dots
    floors = {id(f) for f in (floor_of(picked, m) for m in models) if f is not None}
    for f in (picked[m] for m in models if id(picked[m]) in floors):
        ax.axvline(cost_ns(f), color=IDEAL_COLOUR, linestyle=":", linewidth=1.4,
                   label=f"floor: {f.model}, {format_ns(cost_ns(f))} per task")
    for row, model in enumerate(models):
        cost = cost_ns(picked[model])
        floor = floor_of(picked, model)
        start = cost_ns(floor) if floor is not None else lo
        ax.plot([start, cost], [row, row], "-", color=model_colour(model), linewidth=2.2, alpha=0.55)
        ax.plot([cost], [row], "o", color=model_colour(model), markersize=8, markeredgecolor="#333333",
                markeredgewidth=0.6)
        interval_bars(ax, [(row, cost, cost_interval(picked[model]))], horizontal=True, capsize=4)
        ax.annotate(annotation(picked, model), xy=(cost, row), xytext=(8, 0), textcoords="offset points",
                    va="center", fontsize=8.5)
    ax.set_yticks(range(len(models)))
    ax.set_yticklabels([f"{m}\n{settings_text(picked[m])}" for m in models], fontsize=8.5)
    for label in ax.get_yticklabels():
        label.set_linespacing(1.35)
    ax.set_ylim(len(models) - 0.5, -0.5)
    _ns_axis(ax, lo, hi, "dispatch cost per empty task: (last task's end − first task's start) / N, "
                         f"start-up and tear-down left out\n(log scale; {estimate_words(picked.values())}; "
                         "lower is better)")
    ax.set_title(what_was_picked(report, picked), loc="left", fontsize=8.5, color="#333333", wrap=True)
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    if with_split:
        sx = axes[0][1]
        for row, model in enumerate(models):
            s = splits[model]
            if s is None:
                sx.annotate("no start-up / tear-down figures", xy=(0, row), xytext=(4, 0),
                            textcoords="offset points", va="center", fontsize=7.5, color="#777777",
                            style="italic")
                continue
            total = sum(s.values())
            left = 0.0
            for key, _, colour in SPLIT:
                share = 100 * s[key] / total if total > 0 else 0.0
                sx.barh(row, share, left=left, height=0.55, color=colour, edgecolor="white", linewidth=0.5)
                if share >= 12:
                    sx.text(left + share / 2, row, f"{share:.0f} %", ha="center", va="center", fontsize=7.5,
                            color="white" if key == "dispatch" else "#222222")
                left += share
            sx.annotate(f"{format_ns(total / picked[model].tasks)}/task", xy=(100, row), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=8, annotation_clip=False)
        sx.set_xlim(0, 100)
        sx.set_xticks([0, 25, 50, 75, 100])
        sx.set_xlabel("where each batch's time went: share (%) of start-up + dispatch + tear-down\n"
                      "(medians); at the right: that sum / N, the whole batch per task", fontsize=9)
        sx.tick_params(axis="y", left=False)
        tidy_axes(sx)
        sx.legend(handles=[Patch(color=c, label=n) for _, n, c in SPLIT], loc="lower left",
                  bbox_to_anchor=(0.0, 1.0), ncol=3, fontsize=7.5, frameon=False, borderaxespad=0.2,
                  handlelength=1.2, columnspacing=1.0)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout()
    return fig


def chart_title(report) -> str:
    return title_with_machine(report, f"{QUESTION} ns of dispatch per empty task, per model")


def overhead_reading(report) -> str:
    """`threads dispatch 125 ns per task, 0.16× threads-asio's (764 ns; goal ≤ 0.7×); floor …`."""
    picked = pick_entries(report)
    parts = []
    for model in picked:
        peer = peer_of(picked, model)
        if peer is None:
            continue
        p, limit = peer
        e = picked[model]
        ratio = cost_ns(e) / cost_ns(p)
        parts.append(f"{model} dispatch {format_ns(cost_ns(e))} per task, {format_ratio(ratio)} {p.model}'s "
                     f"({format_ns(cost_ns(p))}; goal ≤ {limit:g}×: {'met' if ratio <= limit else 'missed'})")
    floors = [m for m in picked if is_sequential(m)]
    for m in floors:
        parts.append(f"floor ({m}) {format_ns(cost_ns(picked[m]))}")
    others = [m for m in picked if not is_sequential(m) and floor_of(picked, m) is not None]
    if others:
        dear = max(others, key=lambda m: cost_ns(picked[m]) / cost_ns(floor_of(picked, m)))
        ratio = cost_ns(picked[dear]) / cost_ns(floor_of(picked, dear))
        parts.append(f"dearest {dear} {format_ns(cost_ns(picked[dear]))}, {format_ratio(ratio)} the floor")
    elif not floors:
        cheap = min(picked, key=lambda m: cost_ns(picked[m]))
        parts.append(f"no sequential entry; cheapest {cheap} {format_ns(cost_ns(picked[cheap]))} per task")
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------
# Across machines


def wants_machines_overhead(reports: list) -> bool:
    return sum(wants_overhead_chart(r) for r in reports) >= 2


def draw_machines_overhead(reports: list, title: str):
    """Per model, one dot per machine (its colour), a stem from that machine's floor."""
    plt = pyplot()
    from matplotlib.lines import Line2D

    picks = [pick_entries(r) for r in reports]
    models = sorted({m for p in picks for m in p}, key=model_rank)
    k = len(reports)
    slot = 0.8 / k
    costs = [cost_ns(e) for p in picks for e in p.values()]
    lo, hi = _log_limits(costs)
    hi *= 8
    fig, ax = plt.subplots(figsize=(11.5, 1.9 + len(models) * (0.25 + 0.32 * k)))
    for i, picked in enumerate(picks):
        colour = machine_colour(i)
        for f in {id(floor_of(picked, m)): floor_of(picked, m) for m in picked if floor_of(picked, m)}.values():
            ax.axvline(cost_ns(f), color=colour, linestyle=":", linewidth=1.3)
        for row, model in enumerate(models):
            y = row - 0.4 + slot * (i + 0.5)
            e = picked.get(model)
            if e is None:
                ax.annotate("not measured", xy=(lo, y), xytext=(4, 0), textcoords="offset points",
                            va="center", fontsize=7, color="#777777", style="italic")
                continue
            cost = cost_ns(e)
            floor = floor_of(picked, model)
            if floor is not None:
                ax.plot([cost_ns(floor), cost], [y, y], "-", color=colour, linewidth=1.8, alpha=0.5)
            ax.plot([cost], [y], "o", color=colour, markersize=6.5, markeredgecolor="#333333", markeredgewidth=0.5)
            interval_bars(ax, [(y, cost, cost_interval(e))], horizontal=True, colour=colour, capsize=3)
            text = format_ns(cost)
            if floor is not None and floor is not e:
                text += f", {format_ratio(cost / cost_ns(floor))} floor"
            peer = peer_of(picked, model)
            if peer is not None:
                text += f", {format_ratio(cost / cost_ns(peer[0]))} {peer[0].model}"
            text += f"  ({settings_text(e)})"
            ax.annotate(text, xy=(cost, y), xytext=(6, 0), textcoords="offset points", va="center", fontsize=7.5)
    ax.set_yticks(range(len(models)))
    ax.set_yticklabels(models, fontsize=9)
    ax.set_ylim(len(models) - 0.5, -0.5)
    _ns_axis(ax, lo, hi, f"dispatch cost per empty task (log scale; {estimate_words(e for p in picks for e in p.values())}; "
                         "lower is better); "
                         "dotted: each machine's floor (its sequential)")
    handles = [Line2D([], [], color=machine_colour(i), marker="o", linestyle="-", label=machine_and_report(r))
               for i, r in enumerate(reports)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.11 if len(models) > 4 else -0.22),
              fontsize=8, frameon=False)
    ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout()
    return fig


def machines_overhead_reading(reports: list) -> str:
    parts = []
    for r in reports:
        picked = pick_entries(r)
        if not picked:
            continue
        bits = []
        for model in picked:
            peer = peer_of(picked, model)
            if peer is not None:
                bits.append(f"{model} {format_ns(cost_ns(picked[model]))} "
                            f"({format_ratio(cost_ns(picked[model]) / cost_ns(peer[0]))} {peer[0].model}'s)")
        for m in picked:
            if is_sequential(m):
                bits.append(f"floor {format_ns(cost_ns(picked[m]))}")
        parts.append(f"{machine_and_report(r)}: " + ", ".join(bits or [
            f"cheapest {min(picked, key=lambda m: cost_ns(picked[m]))}"]))
    return "per task on each: " + "; ".join(parts)
