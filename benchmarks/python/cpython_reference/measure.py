"""Measuring one entry as the C++ side does with Google Benchmark (benchmarks/entries/).

- repetitions (default 5), each one sample of `iterations` batches (one batch per iteration);
- the time of a sample is the runners' own intervals around the batch only (pool start-up
  and shutdown included for cold pools, verification not), averaged over its iterations;
- every batch is verified outside its interval: every task has a result and every result is
  right; the first failure makes the repetition an error row (`error_occurred`, with a message
  naming task, workload and model), never a number;
- aggregate rows mean / median / stddev / cv over the successful repetitions, as Google
  Benchmark computes them (sample standard deviation, cv a fraction with no time unit),
  only when at least two repetitions succeeded.

A task workload's sample runs its batches through models.run_batch and verifies them task by
task (task_sample); a scenario (messaging) runs and verifies each whole batch itself and hands
back its interval, CPU and figures, which become the row's counters averaged over the
sample's batches (scenario_sample, as C++'s scenario_entry). Rows, errors and
aggregates are built the same way for both.
"""

from __future__ import annotations

import math
import statistics
import time

from cpython_reference import models

TIME_UNIT = "ms"
NS_PER_UNIT = 1e6


def batch_error(work, batch, outcome, model: str) -> str | None:
    """The first failure of a batch, naming the task and the model; None if all verified."""
    error = outcome.first_error()
    if error:
        return error
    if len(outcome.tasks) != len(batch):
        return f"{work.name} under {model}: {len(outcome.tasks)} results for {len(batch)} tasks"
    for spec, task in zip(batch, outcome.tasks):
        wrong = work.verify(spec, task.value)
        if wrong:
            return f"task {spec.index} of {work.name} under {model}: wrong result: {wrong}"
    return None


def peak_concurrency(outcome) -> float:
    events = []
    for t in outcome.tasks:
        if t.error is None:
            events.append((t.start_ns, 1))
            events.append((t.end_ns, -1))
    events.sort(key=lambda e: (e[0], e[1]))  # an end before a start at the same instant
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return float(peak)


def timeline_columns(batch, outcome) -> dict:
    return {"tasks": len(batch), "workers": outcome.workers, "interval_ns": outcome.interval_ns,
            "downsampled": False,
            "task": [spec.index for spec in batch],
            "worker": [t.worker for t in outcome.tasks],
            "start_ns": [t.start_ns for t in outcome.tasks],
            "end_ns": [t.end_ns for t in outcome.tasks]}


def _base_row(plan, family_index: int, repetitions: int) -> dict:
    return {"name": plan.name, "family_index": family_index, "per_family_instance_index": 0,
            "run_name": plan.name, "repetitions": repetitions, "threads": 1}


class EntryResult:
    """The rows of one entry (without derived fields) and the timeline of its last batch."""

    def __init__(self):
        self.rows: list = []
        self.timeline: dict | None = None
        self.error: str | None = None


class Sample:
    """One repetition: `iterations` batches, their summed interval and CPU, the row's counters
    and the timeline of the last batch; or the first error (then nothing else counts)."""

    def __init__(self):
        self.interval_ns = 0
        self.cpu_ns = 0
        self.counters: dict = {}
        self.timeline: dict | None = None
        self.error: str | None = None


def task_sample(plan, batch) -> Sample:
    """A workload's batches of independent tasks, run by models.run_batch and verified task
    by task; counters from the last batch (its peak concurrency and work rate)."""
    work, settings, model = plan.work, plan.settings, plan.settings.model
    sample = Sample()
    last = None
    for _ in range(plan.iterations):
        try:
            outcome = models.run_batch(work, batch, settings)
        except Exception as exc:  # the model itself failed (e.g. its pool could not start)
            sample.error = f"{work.name} under {model}: could not run the batch: {type(exc).__name__}: {exc}"
            return sample
        sample.error = batch_error(work, batch, outcome, model)
        if sample.error:
            return sample
        sample.interval_ns += outcome.interval_ns
        sample.cpu_ns += outcome.cpu_ns
        last = outcome
    sample.counters["peak_concurrency"] = peak_concurrency(last)
    if hasattr(work, "work_rate_counters"):
        sample.counters.update(work.work_rate_counters(batch, [t.end_ns - t.start_ns for t in last.tasks]))
    sample.timeline = timeline_columns(batch, last)
    return sample


def scenario_sample(plan, batch) -> Sample:
    """A scenario's batches (messaging): the scenario runs and verifies a whole batch itself;
    its figures are averaged over the sample's batches, as C++'s scenario_entry does.
    No timeline: a scenario's parties are not tasks."""
    sample = Sample()
    sums: dict = {}
    for _ in range(plan.iterations):
        outcome = plan.work.run(plan.settings.model)
        if outcome.error:
            sample.error = outcome.error
            return sample
        sample.interval_ns += outcome.interval_ns
        sample.cpu_ns += outcome.cpu_ns
        for name, value in outcome.figures.items():
            sums[name] = sums.get(name, 0.0) + value
    sample.counters = {name: total / plan.iterations for name, total in sorted(sums.items())}
    return sample


def measure_entry(plan, repetitions: int, family_index: int) -> EntryResult:
    batch = plan.work.make_batch()
    run_sample = scenario_sample if getattr(plan.work, "scenario", False) else task_sample
    result = EntryResult()
    ok_rows = []
    for repetition in range(repetitions):
        row = _base_row(plan, family_index, repetitions)
        row.update({"run_type": "iteration", "repetition_index": repetition, "iterations": plan.iterations})
        sample = run_sample(plan, batch)
        if sample.error:
            row.update({"error_occurred": True, "error_message": sample.error,
                        "real_time": 0.0, "cpu_time": 0.0, "time_unit": TIME_UNIT})
            result.error = result.error or sample.error
        else:
            row.update({"real_time": sample.interval_ns / plan.iterations / NS_PER_UNIT,
                        "cpu_time": sample.cpu_ns / plan.iterations / NS_PER_UNIT, "time_unit": TIME_UNIT})
            row.update(sample.counters)
            if sample.timeline is not None:
                result.timeline = sample.timeline
            ok_rows.append(row)
        result.rows.append(row | plan.fields)
    if len(ok_rows) >= 2:
        result.rows += [r | plan.fields for r in aggregate_rows(plan, family_index, repetitions, ok_rows)]
    return result


COUNTER_EXCLUDE = {"name", "family_index", "per_family_instance_index", "run_name", "repetitions", "threads",
                   "run_type", "repetition_index", "iterations", "real_time", "cpu_time", "time_unit"}


def aggregate_rows(plan, family_index: int, repetitions: int, ok_rows: list) -> list:
    counters = [k for k in ok_rows[0] if k not in COUNTER_EXCLUDE and isinstance(ok_rows[0][k], (int, float))]
    columns = ["real_time", "cpu_time"] + counters

    def mean(v):
        return statistics.fmean(v)

    def stddev(v):
        return statistics.stdev(v) if len(v) > 1 else 0.0

    def cv(v):
        m = mean(v)
        return stddev(v) / m if m != 0 else 0.0

    out = []
    for aggregate, fn in (("mean", mean), ("median", statistics.median), ("stddev", stddev), ("cv", cv)):
        row = _base_row(plan, family_index, repetitions)
        row.update({"name": f"{plan.name}_{aggregate}", "run_type": "aggregate", "iterations": len(ok_rows),
                    "aggregate_name": aggregate, "aggregate_unit": "percentage" if aggregate == "cv" else "time"})
        for column in columns:
            row[column] = float(fn([r[column] for r in ok_rows]))
        if aggregate != "cv":
            row["time_unit"] = TIME_UNIT
        out.append(row)
    return out


def format_seconds(seconds: float) -> str:
    for unit, factor in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= factor:
            return f"{seconds / factor:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def progress_line(plan, result: EntryResult, ideal_ns: float | None, elapsed_s: float) -> str:
    if result.error:
        return f"  {plan.name}: ERROR {result.error}"
    times = [r["real_time"] for r in result.rows if r["run_type"] == "iteration" and not r.get("error_occurred")]
    median_ms = statistics.median(times)
    line = f"  {plan.name}: {format_seconds(median_ms / 1e3)}"
    if hasattr(plan.work, "progress_text"):
        median_row = next((r for r in result.rows if r.get("aggregate_name") == "median"), None)
        line += f", {plan.work.progress_text(median_row or result.rows[0])}"
    if ideal_ns and median_ms > 0 and math.isfinite(ideal_ns):
        line += f", {ideal_ns / 1e6 / median_ms:.0%} of ideal"
    return line + f"  [{elapsed_s:.1f} s]"


def now() -> float:
    return time.monotonic()
