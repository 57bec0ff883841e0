"""A report's entries in groups (one workload with the same params: one tutorial chart), in
display order, labelled from their fields (never by parsing their names), with the speedup
over the group's sequential entry where the report gave none."""

from __future__ import annotations

import math

from concbench_plot.reports.estimates import ratio_interval, speedup_interval_note
from concbench_plot.reports.model_names import is_sequential, model_rank, sequential_model_for
from concbench_plot.reports.naming import assign_slugs, canonical_params
from concbench_plot.reports.report_data import Entry, Group

POOL_ORDER = {"cold": 0, "warm": 1, "per-task": 2}
FORM_ORDER = {"awaitable": 0, "blocking": 1}  # coroutines: the proper form, then the stalling variant


def compute_speedups(entries: list) -> None:
    """Speedup where the report gave none: the group's sequential time over this one's (the
    lead estimates), with its interval from both entries' repetitions when the report has
    intervals (schema 3).

    Only where a successful sequential entry of the same workload and params exists (for the
    CPython reference's models, python-sequential).
    """
    bases = {}
    for e in entries:
        if is_sequential(e.model) and not e.failed and e.time_s and e.model not in bases:
            bases[e.model] = e
    for e in entries:
        base = bases.get(sequential_model_for(e.model))
        if base and e.speedup is None and not e.failed and e.time_s:
            e.speedup = base.time_s / e.time_s
            if e.interval_level is not None and e.speedup_interval is None:
                e.speedup_interval = ratio_interval(base.times_s, e.times_s, e.lead_quantile, e.interval_level)
                if e.speedup_interval is None:
                    e.speedup_interval_note = speedup_interval_note(len(e.times_s), len(base.times_s), base.run_name,
                                                                    e.lead_name, e.lead_quantile, e.interval_level)


def sort_key(e: Entry) -> tuple:
    return (
        model_rank(e.model),
        e.workers,
        POOL_ORDER.get(e.pool, 9) if e.pool is not None else -1,
        FORM_ORDER.get(e.task_form, 9) if e.task_form is not None else -1,
        e.loop_threads if e.loop_threads is not None else 0,
        e.inflight if e.inflight is not None else math.inf,  # null = all in flight: last
        e.run_name,
    )


def display_label(e: Entry, full: bool = False) -> str:
    """The bar label, from fields: `threads W=2 (cold pool)`, `coroutines (blocking, K=4)`.

    W is shown for every model but sequential and coroutines (whose concurrency is its loop
    threads and K). The task form is shown where it is not the model's usual one. `full`
    shows every set field, to tell apart entries the short label would merge.
    """
    text = e.model
    extras = []
    event_loop = e.model == "coroutines" or e.model.endswith("asyncio")
    if not is_sequential(e.model) and not event_loop or full:
        text += f" W={e.workers_label}"
    if e.pool is not None and (full or not is_sequential(e.model) and e.model != "thread-per-task"):
        extras.append(f"{e.pool} pool")
    if e.task_form is not None and (full or event_loop or e.task_form != "blocking"):
        extras.append(e.task_form)
    if e.loop_threads is not None and (full or e.loop_threads != 1):
        extras.append(f"{e.loop_threads} loop thread" + ("s" if e.loop_threads != 1 else ""))
    if e.inflight is not None:
        extras.append(f"K={e.inflight}")
    if extras:
        text += " (" + ", ".join(extras) + ")"
    return text


def label_after_model(e: Entry) -> str:
    """The entry's label without its model, where the model is named already: `W=2 (warm
    pool)`, `(awaitable, K=17)`."""
    return e.label[len(e.model):].strip() if e.label.startswith(e.model) else e.label


def group_entries(entries: list) -> list:
    """Entries grouped by (workload, params), in order of first appearance; sorted inside."""
    groups: dict[tuple, Group] = {}
    for e in entries:
        key = (e.workload, canonical_params(e.params))
        if key not in groups:
            groups[key] = Group(workload=e.workload, params=e.params, entries=[])
        groups[key].entries.append(e)
    result = list(groups.values())
    for g in result:
        g.entries.sort(key=sort_key)
        compute_speedups(g.entries)
        labels = [display_label(e) for e in g.entries]
        for e, label in zip(g.entries, labels):
            e.label = display_label(e, full=True) if labels.count(label) > 1 else label
        seen: dict[str, int] = {}
        for e in g.entries:  # still equal: number them rather than merge them
            n = seen.get(e.label, 0) + 1
            seen[e.label] = n
            if n > 1:
                e.label += f" #{n}"
    assign_slugs(result)
    return result
