"""Reading a report's sibling timeline file: which worker ran which task, when.

The file (`<report>.timelines.json`, named by the report's `timelines_file`) holds, per
entry name, parallel columns `task`, `worker`, `start_ns`, `end_ns` of one batch, stamped
from the batch's start, plus `tasks`, `workers`, `interval_ns`, and `downsampled` (with
`downsample_stride`: every k-th task kept above ~10,000 tasks), and — in newer files —
`repetition_ns` (the drawn batch's own time: one of the entry's timed repetitions) and
`median_ns` (the entry's median), so a chart can say how typical the drawn batch is. It is
optional and may be
absent, empty or damaged: none of that is bad input to plot.py — the timelines are skipped
with a note instead. Kept apart from report_loading.py, which reads the report itself.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os

from concbench_plot.reports import json_file


@dataclasses.dataclass
class Timeline:
    run_name: str
    tasks: int  # tasks in the batch (more than len(task) when downsampled)
    workers: int
    interval_s: float | None  # the batch's measured interval
    downsampled: bool
    stride: int
    task: list
    worker: list
    start_s: list
    end_s: list
    repetition_s: float | None = None  # the drawn batch's time, when the file says
    median_s: float | None = None  # the entry's median, when the file says

    @property
    def span_s(self) -> float:
        ends = max(self.end_s, default=0.0)
        return max(ends, self.interval_s or 0.0)

    def mean_in_flight(self) -> float | None:
        """Σ task time / batch interval: tasks running (or waiting) at once, on average —
        1 for sequential, about W for a busy pool, up to K for coroutines awaiting I/O."""
        span = self.interval_s or max(self.end_s, default=0.0)
        if not span or self.downsampled:
            return None
        return sum(e - s for s, e in zip(self.start_s, self.end_s)) / span


def timelines_path(report) -> str:
    """The report's `timelines_file` beside it (beside what a link to it points at), else
    `<stem>.timelines.json`."""
    name = None
    try:
        name = _read(report.path).get("timelines_file")
    except (OSError, ValueError, AttributeError, RecursionError, json_file.JsonFileError):
        pass
    # Beside the file the report is: a link given for it is followed, as both writers put
    # the timeline file beside what their --out link pointed at.
    folder = os.path.dirname(os.path.realpath(report.path))
    if isinstance(name, str) and name:
        return os.path.join(folder, os.path.basename(name))
    return os.path.splitext(os.path.realpath(report.path))[0] + ".timelines.json"


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def parse_entry(run_name: str, raw) -> Timeline | None:
    """One entry's columns, rows with a missing or non-finite stamp dropped; None when the
    entry is not a usable timeline."""
    if not isinstance(raw, dict):
        return None
    cols = [raw.get(k) for k in ("task", "worker", "start_ns", "end_ns")]
    if not all(isinstance(c, list) for c in cols) or len({len(c) for c in cols}) != 1:
        return None
    rows = [(t, w, s, e) for t, w, s, e in zip(*cols)
            if _number(s) and _number(e) and isinstance(w, int) and w >= 0 and e >= s]
    if not rows:
        return None
    interval = raw.get("interval_ns")
    workers = raw.get("workers")
    tasks = raw.get("tasks")
    stride = raw.get("downsample_stride")
    repetition = raw.get("repetition_ns")
    median = raw.get("median_ns")
    return Timeline(
        run_name=run_name,
        tasks=tasks if isinstance(tasks, int) else len(rows),
        workers=workers if isinstance(workers, int) and workers > 0 else 1 + max(r[1] for r in rows),
        interval_s=interval * 1e-9 if _number(interval) and interval > 0 else None,
        downsampled=bool(raw.get("downsampled", False)),
        stride=stride if isinstance(stride, int) and stride > 0 else 1,
        task=[r[0] for r in rows],
        worker=[r[1] for r in rows],
        start_s=[r[2] * 1e-9 for r in rows],
        end_s=[r[3] * 1e-9 for r in rows],
        repetition_s=repetition * 1e-9 if _number(repetition) and repetition > 0 else None,
        median_s=median * 1e-9 if _number(median) and median > 0 else None,
    )


def load_timelines(report) -> tuple:
    """({run_name: Timeline}, note or None). The note says why there are none."""
    path = timelines_path(report)
    shown = os.path.basename(path)
    try:
        data = _read(path)
    except FileNotFoundError:
        return {}, f"no timeline file {shown} beside {os.path.basename(report.path)}: task timelines not drawn"
    except (OSError, ValueError, json_file.JsonFileError) as e:
        return {}, f"timeline file {shown} is unreadable ({' '.join(str(e).split())[:80]}): task timelines not drawn"
    except RecursionError:
        return {}, f"timeline file {shown} is unreadable ({json_file.too_deep()}): task timelines not drawn"
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        return {}, f"timeline file {shown} has no 'entries' object: task timelines not drawn"
    result = {}
    for name, raw in entries.items():
        timeline = parse_entry(name, raw)
        if timeline is not None:
            result[name] = timeline
    return result, None


def _read(path: str):
    """The parsed file: a regular file only, bounded in size and depth (json_file.py), so a
    fifo or /dev/zero put where the timeline file goes is a note, not a hang."""
    data = json.loads(json_file.read_bytes(path).decode("utf-8"))
    json_file.check_nesting(data)
    return data


def pack_rows(starts: list, ends: list) -> tuple:
    """Sub-row of each task so that tasks overlapping on one worker (coroutines awaiting)
    do not hide each other: first fit in start order. Returns (rows, number of rows)."""
    order = sorted(range(len(starts)), key=lambda i: (starts[i], ends[i]))
    row_end: list = []
    rows = [0] * len(starts)
    for i in order:
        for r, end in enumerate(row_end):
            if end <= starts[i]:
                rows[i] = r
                row_end[r] = ends[i]
                break
        else:
            rows[i] = len(row_end)
            row_end.append(ends[i])
    return rows, max(len(row_end), 1)
