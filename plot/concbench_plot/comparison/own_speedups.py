"""Each machine's speedup over its OWN sequential run, so that machines with different core
counts are compared fairly."""

from __future__ import annotations

from concbench_plot.comparison.pair_comparison import params_key
from concbench_plot.reports.model_names import is_sequential, sequential_model_for
from concbench_plot.reports.report_data import Entry, Report


def sequential_index(report: Report) -> dict:
    """{(sequential model, workload, params_key): its successful entry}: what entry_speedup
    divides by."""
    index = {}
    for e in report.entries:
        if is_sequential(e.model) and not e.failed and e.time_s:
            index.setdefault((e.model, e.workload, params_key(e.params)), e)
    return index


def entry_speedup(e: Entry, sequential: dict) -> float | None:
    """The entry's speedup over its own report's sequential run of the same workload and
    params: the report's own `speedup` when it carries one (from its median row, or from its
    group's sequential median: grouping.py), else recomputed here from the medians (matching
    params without the ephemeral ones, which grouping.py's groups do not)."""
    if e.failed or not e.time_s:
        return None
    if e.speedup is not None:
        return e.speedup
    seq = sequential.get((sequential_model_for(e.model), e.workload, params_key(e.params)))
    if seq is None:
        return None
    return seq.time_s / e.time_s
