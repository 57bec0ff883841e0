"""What a loaded report is: a Report, its Groups of Entries, and an entry's figures.

All times are in seconds (report_loading.py converts every row's own `time_unit`).
"""

from __future__ import annotations

import dataclasses
import statistics

from concbench_plot.reports.naming import machine_label


@dataclasses.dataclass
class Entry:
    """One benchmark entry (one run_name): its rows and what the chart shows of it."""

    run_name: str
    workload: str
    model: str
    workers: int
    workers_label: str
    loop_threads: int | None
    inflight: int | None
    pool: str | None
    task_form: str | None
    tasks: int | None
    params: dict
    iterations: list = dataclasses.field(default_factory=list)  # iteration rows, in order
    aggregates: dict = dataclasses.field(default_factory=dict)  # aggregate_name -> row
    # Computed by finish_entry / compute_speedups:
    failed: bool = False
    error_message: str = ""
    failed_repetitions: int = 0
    times_s: list = dataclasses.field(default_factory=list)  # successful iteration times
    median_s: float | None = None
    median_source: str = ""  # "aggregate" or "iterations"
    ideal_s: float | None = None
    bound_s: float | None = None
    efficiency: float | None = None
    speedup: float | None = None
    label: str = ""

    @property
    def repetitions(self) -> int:
        return len(self.iterations)


@dataclasses.dataclass
class Group:
    """Entries of one workload with the same params: one tutorial chart."""

    workload: str
    params: dict
    entries: list  # sorted for display
    slug: str = ""

    @property
    def tasks(self) -> int | None:
        for e in self.entries:
            if e.tasks is not None:
                return e.tasks
        return None


@dataclasses.dataclass
class Report:
    path: str
    context: dict
    complete: bool
    entries: list
    groups: list

    @property
    def machine_label(self) -> str:
        return machine_label(self.context)


def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def entry_figure(e: Entry, field: str) -> float | None:
    """An entry's figure (a counter on its rows, e.g. `round_trip_p50_ns`): its median row's,
    else the median of its successful repetitions'; None when no row has it."""
    row = e.aggregates.get("median")
    if row is not None and is_number(row.get(field)) and not row.get("error_occurred"):
        return float(row[field])
    values = [r[field] for r in e.iterations if not r.get("error_occurred") and is_number(r.get(field))]
    return float(statistics.median(values)) if values else None
