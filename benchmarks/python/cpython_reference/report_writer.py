"""The report and its timeline file, in concbench's format (reports/report_document.cpp).

A superset of Google Benchmark's JSON: `context`, `benchmarks` (rows), `complete` and
`timelines_file`. Derived fields are computed at write time from all rows so far, as the
C++ report document does: `ideal` and `bound` on every row with a time unit; `efficiency`
(ideal / time) and `speedup` (the python-sequential entry of the same workload and params:
an iteration row against its median, an aggregate against the same aggregate) on iteration,
mean and median rows that did not fail. No number is ever NaN or infinite (they become null).

While the run goes on, the rows so far are in NAME.partial.json (and its own timeline file),
rewritten after every entry with `complete` false; the destination (NAME.json and
NAME.timelines.json) is written once, at the end (or at Ctrl-C), and the partial files are
then removed: as the C++ side does, so an older report at the destination stays whole until
this run's replaces it. Every file is written through a temporary file beside it (beside a
link's final target: report_destination.py) and a rename, so a reader never sees half a
file. A write that fails (a full disk, a file size limit) removes its temporary file and
leaves the file it was for as it was; the caller stops the run. Files get the umask's mode
(0644 by default), as open(2) would give them.
"""

from __future__ import annotations

import errno
import json
import math
import os
import statistics
import tempfile

from cpython_reference import report_destination
from cpython_reference.measure import NS_PER_UNIT

MAX_TIMELINE_TASKS = 10_000


# Where the files go (the C++ side's names), for the callers of this module too.
timelines_path_for = report_destination.timelines_path_for
partial_path_for = report_destination.partial_path_for


def replace_non_finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: replace_non_finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_non_finite(v) for v in value]
    return value


def downsampled(timeline: dict) -> dict:
    """Every k-th task, so that a timeline keeps at most MAX_TIMELINE_TASKS tasks."""
    n = len(timeline["task"])
    if n <= MAX_TIMELINE_TASKS:
        return timeline
    stride = -(-n // MAX_TIMELINE_TASKS)
    kept = dict(timeline)
    for column in ("task", "worker", "start_ns", "end_ns"):
        kept[column] = timeline[column][::stride]
    kept["downsampled"] = True
    kept["downsample_stride"] = stride
    return kept


def write_json_atomically(path: str, document, indent: int | None = 1, what: str = "the file") -> None:
    """`document` as JSON at `path` (a regular file or nothing: the caller resolved links),
    whole or not at all. Raises OSError, after removing its temporary file."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=directory)
    try:
        os.fchmod(fd, report_destination.file_mode())
        with os.fdopen(fd, "w") as f:
            json.dump(document, f, indent=indent, allow_nan=False)
            f.write("\n")
        report_destination.recheck_before_rename(path, what)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


class WriteError(Exception):
    """A write of the report or its timeline file failed (`what` names which, `path` as given)."""

    def __init__(self, what: str, path: str, cause: str):
        self.what = what
        self.path = path
        self.cause = cause
        super().__init__(f"cannot write {what} {path}: {cause}")


class _Entry:
    def __init__(self, plan, rows, timeline, ideal_ns, bound_ns):
        self.plan = plan
        self.rows = rows
        self.timeline = timeline
        self.ideal_ns = ideal_ns
        self.bound_ns = bound_ns

    def statistic_ms(self, statistic: str) -> float | None:
        """This entry's aggregate row of that name, else computed from its iteration rows."""
        times = []
        for row in self.rows:
            if row.get("error_occurred") or "time_unit" not in row:
                continue
            if row["run_type"] == "aggregate" and row["aggregate_name"] == statistic:
                return row["real_time"]
            if row["run_type"] == "iteration":
                times.append(row["real_time"])
        if not times:
            return None
        return statistics.median(times) if statistic == "median" else statistics.fmean(times)


class ReportDocument:
    def __init__(self, context: dict, report_path: str, targets: dict | None = None):
        """`report_path` names the destination (a link already followed: the timeline and
        partial files go beside what it points at, as the C++ side does) and, from it, the
        other three files (FILES). `targets`: where each of them is written, when a check
        (report_destination.check_destinations) followed a link; by default the paths."""
        self.context = context
        self.report_path = report_path
        self.timelines_path = timelines_path_for(report_path)
        self.partial_path = partial_path_for(report_path)
        self.paths = {"the report": report_path, "the timeline file": self.timelines_path,
                      "the partial report": self.partial_path,
                      "the partial report's timeline file": timelines_path_for(self.partial_path)}
        self.targets = {what: (targets or {}).get(what, path) for what, path in self.paths.items()}
        self.entries: list = []

    def add_entry(self, plan, rows: list, timeline: dict | None, ideal_ns: float | None, bound_ns: float | None):
        self.entries.append(_Entry(plan, rows, timeline, ideal_ns, bound_ns))

    def _sequential_for(self, entry: _Entry) -> _Entry | None:
        for other in self.entries:
            if other.plan.is_sequential and other.plan.comparison_key == entry.plan.comparison_key:
                return other
        return None

    def _derived(self, entry: _Entry, row: dict) -> dict:
        out = dict(row)
        if "time_unit" not in row:  # cv: a fraction, no times to compare with
            return out
        if entry.ideal_ns is not None:
            out["ideal"] = entry.ideal_ns / NS_PER_UNIT
        if entry.bound_ns is not None:
            out["bound"] = entry.bound_ns / NS_PER_UNIT
        statistic = "iteration" if row["run_type"] == "iteration" else row["aggregate_name"]
        if statistic not in ("iteration", "mean", "median") or row.get("error_occurred"):
            return out
        time = row["real_time"]
        if time > 0 and entry.ideal_ns:
            out["efficiency"] = entry.ideal_ns / NS_PER_UNIT / time
        sequential = self._sequential_for(entry)
        if sequential is not None and time > 0:
            base = sequential.statistic_ms("median" if statistic == "iteration" else statistic)
            if base is not None:
                out["speedup"] = base / time
        return out

    def report(self, complete: bool, timelines_name: str | None = None) -> dict:
        rows = [self._derived(e, r) for e in self.entries for r in e.rows]
        return replace_non_finite({"context": self.context, "complete": complete,
                                   "timelines_file": timelines_name or os.path.basename(self.timelines_path),
                                   "benchmarks": rows})

    def timelines(self, report_name: str | None = None) -> dict:
        entries = {e.plan.name: downsampled(e.timeline) for e in self.entries if e.timeline is not None}
        return replace_non_finite({"report": report_name or os.path.basename(self.report_path), "entries": entries})

    def write(self, complete: bool) -> None:
        """The destination: the timeline file first, then the report that names it. Raises
        WriteError; the file that failed is then as it was (and so is the report, when the
        timeline file failed)."""
        self._write_pair("the report", "the timeline file", complete)

    def write_partial(self) -> None:
        """The rows so far, in NAME.partial.json and its own timeline file (`complete`: false,
        each naming the other), while the destination is left as it was until the end."""
        self._write_pair("the partial report", "the partial report's timeline file", False)

    def remove_partial(self) -> None:
        for what in ("the partial report's timeline file", "the partial report"):
            try:
                os.unlink(self.targets[what])
            except OSError:
                pass  # the report is written: a partial file left over is only clutter

    def _write_pair(self, report: str, timelines: str, complete: bool) -> None:
        report_name = os.path.basename(self.paths[report])
        timelines_name = os.path.basename(self.paths[timelines])
        for what, document, indent in ((timelines, self.timelines(report_name), None),
                                       (report, self.report(complete, timelines_name), 1)):
            try:
                write_json_atomically(self.targets[what], document, indent=indent, what=what)
            except OSError as e:
                cause = e.strerror or str(e)
                if e.errno == errno.EFBIG:
                    cause += " (a file size limit: ulimit -f)"
                raise WriteError(what, self.paths[what], cause) from None
