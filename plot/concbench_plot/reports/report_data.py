"""What a loaded report is: a Report, its Groups of Entries, and an entry's figures.

All times are in seconds (report_loading.py converts every row's own `time_unit`).
"""

from __future__ import annotations

import dataclasses
import statistics

from concbench_plot.reports.estimates import quantile_interval
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
    # The time the tools show: the lead estimator's (context.lead_estimator, schema 3), else
    # the median; with its interval (seconds) when the report states one.
    lead_name: str = "median"
    lead_quantile: float = 0.5
    lead_s: float | None = None
    interval: tuple | None = None  # (low_s, high_s) of lead_s
    interval_level: float | None = None
    interval_note: str = ""  # why the report gives no interval (too few repetitions)
    speedup_interval: tuple | None = None
    speedup_interval_note: str = ""  # why a speedup has no interval (too few repetitions on a side)
    efficiency_interval: tuple | None = None
    measurement_error: str = ""  # a figure no measurement can reach: read it as an error
    half_width_pct: float | None = None
    imprecise: bool = False  # the precision target was set and not reached
    ideal_s: float | None = None
    bound_s: float | None = None
    efficiency: float | None = None
    speedup: float | None = None
    label: str = ""

    @property
    def repetitions(self) -> int:
        return len(self.iterations)

    @property
    def time_s(self) -> float | None:
        """The entry's time as every tool shows it: the lead estimate, else the median."""
        return self.lead_s if self.lead_s is not None else self.median_s


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
    schema_version: int = 1
    lead_name: str = "median"  # the estimator every time, speedup and efficiency is read with
    lacks: str = ""  # what an older schema cannot give, one line ("" for the current one)

    @property
    def machine_label(self) -> str:
        return machine_label(self.context)


def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def entry_figure(e: Entry, field: str) -> float | None:
    """An entry's figure (a counter on its rows, e.g. `round_trip_p50_ns`): its lead row's
    (the median row's before schema 3), else the median of its successful repetitions'; None
    when no row has it."""
    row = e.aggregates.get(e.lead_name) or e.aggregates.get("median")
    if row is not None and is_number(row.get(field)) and not row.get("error_occurred"):
        return float(row[field])
    values = [r[field] for r in e.iterations if not r.get("error_occurred") and is_number(r.get(field))]
    return float(statistics.median(values)) if values else None


def figure_interval(e: Entry, field: str) -> tuple | None:
    """The interval of an entry's figure at the lead's quantile, from its repetitions' values
    (the report states intervals for times only); None before schema 3 (no interval level),
    or when the repetitions are too few."""
    if e.interval_level is None:
        return None
    values = [r[field] for r in e.iterations if not r.get("error_occurred") and is_number(r.get(field))]
    return quantile_interval(values, e.lead_quantile, e.interval_level)
