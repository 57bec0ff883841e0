"""Reading one concbench report: the file, every row checked, the rows made into entries.

A concbench report is a superset of Google Benchmark's JSON (docs/design.md "The report").
Everything here is plain data and numpy-free arithmetic, so the charts, the comparison and
the tables share one reading of the format and tests can check it without drawing anything.
Bad input is a ReportError: one line naming the file, the row and the problem.

All times are converted to seconds on the way in: every row carries its own `time_unit`.
"""

from __future__ import annotations

import json
import statistics
from typing import Any

from concbench_plot.reports import json_file
from concbench_plot.reports.estimates import quantile_estimate
from concbench_plot.reports.grouping import group_entries
from concbench_plot.reports.model_names import KNOWN_MODELS
from concbench_plot.reports.report_data import Entry, Report, is_number

# 2 added the context's report_writer and fork_server_lost (optional): 1 and 2 read alike.
# 3 added the lead estimator (context.lead_estimator, its aggregate row) and 95 % intervals on
# the median and lead rows (interval_low/high/level or interval_note, speedup_interval,
# efficiency_interval, measurement_error, half_width_pct, imprecise), context.precision and
# each iteration row's `round`. Older reports are read, without intervals: LACKS says so.
# 4 added speedup_interval_note (why a speedup has no interval); a 3 gets a general one here.
SCHEMA_VERSION = 4
LACKS = {
    1: "schema 1: no intervals and no lead estimator; figures shown as medians, without intervals",
    2: "schema 2: no intervals and no lead estimator; figures shown as medians, without intervals",
}

TIME_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}

# Fields every row (iteration and aggregate) must carry: Google Benchmark's, then concbench's.
REQUIRED_FIELDS = {
    "name": str,
    "run_name": str,
    "run_type": str,
    "workload": str,
    "model": str,
    "workers": int,
    "params": dict,
}
# Fields that may be absent (or null where noted); when present they must have this type.
OPTIONAL_FIELDS = {
    "real_time": (int, float),  # required unless the row failed
    "cpu_time": (int, float),
    "aggregate_name": str,  # required on aggregate rows
    "aggregate_unit": str,  # "percentage" (cv): a plain fraction, no time_unit (as Google Benchmark)
    "time_unit": str,  # required on every row that holds a time
    "error_occurred": bool,
    "error_message": str,
    "workers_label": str,
    "loop_threads": (int, type(None)),
    "inflight": (int, type(None)),
    "pool": (str, type(None)),
    "task_form": (str, type(None)),
    "tasks": int,
    "ideal": (int, float),
    "bound": (int, float),
    "efficiency": (int, float),
    "speedup": (int, float),
    "repetition_index": int,
    # schema 3
    "interval_low": (int, float),
    "interval_high": (int, float),
    "interval_level": (int, float),
    "interval_note": str,
    "speedup_interval": list,
    "speedup_interval_note": str,  # schema 4
    "efficiency_interval": list,
    "measurement_error": str,
    "half_width_pct": (int, float),
    "imprecise": bool,
    "round": int,
    "run_position": int,
}
INTERVAL_FIELDS = ("speedup_interval", "efficiency_interval")
# Rows of one entry must agree on these.
ENTRY_FIELDS = ("workload", "model", "workers", "params")
# What a time may be, in seconds, once converted from its row's time_unit. Above MAX_TIME_S
# (1e6 s, 11.6 days; 1e15 ns) is not a measurement: no concbench batch runs near it (an entry
# is stopped by its time-out within minutes, and the slowest CPython batch the reference
# allows is ~6 minutes), and beyond it lie values (1e308) whose ratios, logs and axis limits
# overflow. Below MIN_TIME_S (a picosecond) no clock concbench reads resolves: a successful
# batch took at least a nanosecond, and smaller values underflow to 0 on the way to seconds.
MAX_TIME_S = 1e6
MIN_TIME_S = 1e-12
# Times that must be positive on a successful row (a batch took time); zero is possible
# on a failed row (Google Benchmark writes 0), on a stddev row, in cpu_time (the measuring
# thread may only wait) and in ideal or bound (0: none stated).
TIME_FIELDS = ("real_time", "cpu_time", "ideal", "bound", "interval_low", "interval_high")
DISPERSION_AGGREGATES = ("stddev",)
# Ratios a row may state: a speedup is at most about the task count (at most 1e6 in any
# suite), an efficiency about 1; beyond 1e9 either is corrupt.
MAX_RATIO = 1e9
RATIO_FIELDS = ("efficiency", "speedup")
# Any other number directly on a row is a count, nanoseconds or bytes: 1e18 ns is 31 years,
# 1e18 bytes an exabyte. Numbers inside `params` are not limited (a seed may be any 64-bit value).
MAX_ROW_NUMBER = 1e18
# Counts that are at least 1 when present as integers: W, loop threads, tasks in flight, tasks.
AT_LEAST_ONE = ("workers", "loop_threads", "inflight", "tasks")
_OWN_LIMITS = ("params",) + TIME_FIELDS + RATIO_FIELDS


class ReportError(Exception):
    """Bad input: the message names the file and what is wrong, on one line."""

    def __init__(self, path: str, what: str):
        self.path = path
        self.what = " ".join(str(what).split())  # one line, whatever the cause said
        super().__init__(f"{path}: {self.what}")


def load_report(path: str) -> Report:
    """Read and validate one report; every problem is a ReportError naming the file."""
    data = read_json(path)
    if not isinstance(data, dict):
        raise ReportError(path, f"not a concbench report: the top level is {_type_name(type(data))}, "
                                "not an object")
    benchmarks = data.get("benchmarks")
    if not isinstance(benchmarks, list):
        raise ReportError(path, "not a concbench report: no 'benchmarks' list")
    context = data.get("context")
    if not isinstance(context, dict) or "concbench_schema_version" not in context:
        raise ReportError(path, "not a concbench report: no context.concbench_schema_version "
                                "(a plain Google Benchmark report?)")
    version = context["concbench_schema_version"]
    if not _has_type(version, int):
        raise ReportError(path, f"context.concbench_schema_version should be an integer, "
                                f"not {json.dumps(version)[:40]}")
    if version > SCHEMA_VERSION:
        raise ReportError(path, f"schema version {version} is newer than this plot.py reads "
                                f"({SCHEMA_VERSION}): update concbench's plot/")
    if version < 1:
        raise ReportError(path, f"unknown concbench_schema_version {version} (versions start at 1; "
                                f"this plot/ reads 1 to {SCHEMA_VERSION})")
    lead = lead_estimator(path, context, version)
    complete = data.get("complete", True)
    if not isinstance(complete, bool):
        raise ReportError(path, f"field 'complete' should be true or false, not {json.dumps(complete)[:40]}")
    if not benchmarks:
        raise ReportError(path, "no benchmark entries at all (did the run stop before its first entry?)")
    for i, row in enumerate(benchmarks):
        validate_row(path, i, row)
    entries = build_entries(path, benchmarks, lead)
    if not entries:
        raise ReportError(path, "no benchmark entries at all")
    groups = group_entries(entries)
    if lead[2] is not None:
        flag_measurement_errors(entries, context.get("usable_cpus"))
    return Report(path=path, context=context, complete=complete, entries=entries, groups=groups,
                  schema_version=version, lead_name=lead[0], lacks=LACKS.get(version, ""))


def lead_estimator(path: str, context: dict, version: int) -> tuple:
    """(name, quantile, interval level or None) the report's figures are read with: its
    context.lead_estimator and interval_level from schema 3, the median without intervals
    before."""
    if version < 3:
        return "median", 0.5, None
    lead = context.get("lead_estimator", {"name": "median", "quantile": 0.5})
    if (not isinstance(lead, dict) or not isinstance(lead.get("name"), str) or not lead["name"]
            or not _has_type(lead.get("quantile"), (int, float)) or not 0 < lead["quantile"] < 1):
        raise ReportError(path, "context.lead_estimator should be an object with a name and a quantile "
                                f"between 0 and 1, not {json.dumps(lead)[:60]}")
    level = context.get("interval_level", 0.95)
    if not _has_type(level, (int, float)) or not 0 < level < 1:
        raise ReportError(path, f"context.interval_level should be between 0 and 1, not {json.dumps(level)[:40]}")
    return lead["name"], float(lead["quantile"]), float(level)


def read_json(path: str) -> Any:
    """The parsed file, or ReportError saying why it cannot be read. Only a regular file is
    read, at most json_file.MAX_BYTES of it, nested at most json_file.MAX_DEPTH deep: a fifo,
    /dev/zero or `[` x 100000 is one line, not a hang, a memory blow-up or a traceback."""
    try:
        raw = json_file.read_bytes(path)
    except FileNotFoundError:
        raise ReportError(path, "no such file") from None
    except IsADirectoryError:
        raise ReportError(path, "is a directory, not a report file") from None
    except json_file.JsonFileError as e:
        raise ReportError(path, str(e)) from None
    except OSError as e:
        raise ReportError(path, f"cannot read: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ReportError(path, f"not JSON: not UTF-8 text (byte {e.start})") from None
    if not text.strip():
        raise ReportError(path, "not JSON: the file is empty (was the run interrupted before writing?)")
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        # A report is written whole (temporary file, then rename): one that stops early was
        # cut by a copy or a full disk. Say so, rather than only "Expecting ','".
        cut = " (the file ends early: truncated?)" if _ends_early(text, e) else ""
        # json's own messages sometimes end in "at" ("Unterminated string starting at").
        at = " " if e.msg.endswith(" at") else " at "
        raise ReportError(path, f"not JSON: {e.msg}{at}line {e.lineno}, column {e.colno}{cut}") from None
    except ValueError as e:
        raise ReportError(path, f"not a concbench report: {e}") from None
    except RecursionError:  # the parser's own guard, far beyond MAX_DEPTH
        raise ReportError(path, f"not a concbench report: {json_file.too_deep()}") from None
    try:
        json_file.check_nesting(data)
    except json_file.JsonFileError as e:
        raise ReportError(path, f"not a concbench report: {e}") from None
    return data


def _reject_constant(token: str):
    raise ValueError(f"non-finite number {token} (reports hold finite numbers only)")


def _ends_early(text: str, error: json.JSONDecodeError) -> bool:
    """Does the parse fail because the text stops, not because of a wrong character? An
    unterminated string, array or object; or the error at the very end; or only the start of
    a literal (`tru`, `nul`, a lone `-`) left after it."""
    if error.msg.startswith("Unterminated"):
        return True
    rest = text[error.pos:].strip()
    return rest == "" or any(word.startswith(rest) and word != rest for word in ("true", "false", "null", "-1"))


def validate_row(path: str, index: int, row: Any) -> None:
    where = _row_id(index, row)
    if not isinstance(row, dict):
        raise ReportError(path, f"{where} is {_type_name(type(row))}, not an object")
    for key, types in REQUIRED_FIELDS.items():
        if key not in row:
            raise ReportError(path, f"{where}: missing required field '{key}'")
        if not _has_type(row[key], types):
            raise ReportError(path, f"{where}: field '{key}' should be {_type_name(types)}, "
                                    f"not {json.dumps(row[key])[:40]}")
    for key, types in OPTIONAL_FIELDS.items():
        if key in row and not _has_type(row[key], types):
            raise ReportError(path, f"{where}: field '{key}' should be {_type_name(types)}, "
                                    f"not {json.dumps(row[key])[:40]}")
    if row["run_type"] not in ("iteration", "aggregate"):
        raise ReportError(path, f"{where}: run_type should be \"iteration\" or \"aggregate\", "
                                f"not {json.dumps(row['run_type'])[:40]}")
    if row["run_type"] == "aggregate" and "aggregate_name" not in row:
        raise ReportError(path, f"{where}: missing required field 'aggregate_name' (an aggregate row)")
    for key in ("workload", "model"):
        if not row[key]:
            raise ReportError(path, f"{where}: field '{key}' is empty")
    if row["model"] not in KNOWN_MODELS:
        raise ReportError(path, f"{where}: unknown model {json.dumps(row['model'])[:40]} (this plot/ knows "
                                f"{', '.join(KNOWN_MODELS)}: a newer concbench? update plot/)")
    for key in AT_LEAST_ONE:
        value = row.get(key)
        if _has_type(value, int) and value < 1:
            raise ReportError(path, f"{where}: field '{key}' is {value}: it counts, so it is at least 1")
    for key, value in row.items():
        if key not in _OWN_LIMITS and is_number(value) and abs(value) > MAX_ROW_NUMBER:
            raise ReportError(path, f"{where}: field '{key}' is {value:.3g}: beyond any count, time or size "
                                    f"a row holds (|x| <= {MAX_ROW_NUMBER:g})")
    for key in RATIO_FIELDS:
        if key in row and not 0 <= row[key] <= MAX_RATIO:
            raise ReportError(path, f"{where}: field '{key}' is {row[key]:.6g}: a ratio between 0 and "
                                    f"{MAX_RATIO:g}")
    check_intervals(path, where, row)
    if row.get("aggregate_unit") == "percentage" and row["run_type"] == "iteration":
        raise ReportError(path, f"{where}: an iteration row holds a time, not a percentage (aggregate_unit)")
    if row.get("aggregate_unit") == "percentage":  # a fraction (cv): nothing here is a time
        for key in TIME_FIELDS:
            if key in row and not 0 <= row[key] <= MAX_ROW_NUMBER:
                raise ReportError(path, f"{where}: field '{key}' is {row[key]:.3g}: a fraction (cv) is "
                                        f"between 0 and {MAX_ROW_NUMBER:g}")
        return
    if "time_unit" not in row:
        raise ReportError(path, f"{where}: missing required field 'time_unit'")
    if row["time_unit"] not in TIME_UNITS:
        raise ReportError(path, f"{where}: time_unit should be one of {', '.join(TIME_UNITS)}, "
                                f"not {json.dumps(row['time_unit'])[:40]}")
    if not row.get("error_occurred", False) and "real_time" not in row:
        raise ReportError(path, f"{where}: missing required field 'real_time'")
    check_times(path, where, row)


def check_intervals(path: str, where: str, row: dict) -> None:
    """Schema 3's intervals: [low, high] pairs of ratios, a level between 0 and 1, a time
    interval whose low is not above its high."""
    for key in INTERVAL_FIELDS:
        if key not in row:
            continue
        pair = row[key]
        if (len(pair) != 2 or not all(is_number(v) for v in pair)
                or not 0 <= pair[0] <= pair[1] <= MAX_RATIO):
            raise ReportError(path, f"{where}: field '{key}' should be [low, high], two ratios with "
                                    f"0 <= low <= high, not {json.dumps(pair)[:40]}")
    if "interval_level" in row and not 0 < row["interval_level"] < 1:
        raise ReportError(path, f"{where}: field 'interval_level' is {row['interval_level']:g}: a level "
                                "is between 0 and 1")
    if ("interval_low" in row) != ("interval_high" in row):
        raise ReportError(path, f"{where}: interval_low and interval_high come together")
    if "interval_low" in row and row["interval_low"] > row["interval_high"]:
        raise ReportError(path, f"{where}: interval_low ({row['interval_low']:g}) is above interval_high "
                                f"({row['interval_high']:g})")
    if "half_width_pct" in row and row["half_width_pct"] < 0:
        raise ReportError(path, f"{where}: field 'half_width_pct' is negative")


def _row_id(index: int, row: dict) -> str:
    name = row.get("name") if isinstance(row, dict) else None
    return f"benchmarks[{index}]" + (f" ({name})" if isinstance(name, str) else "")


def _type_name(types) -> str:
    if not isinstance(types, tuple):
        types = (types,)
    names = {int: "an integer", float: "a number", str: "a string", dict: "an object",
             bool: "true or false", type(None): "null", list: "a list"}
    if int in types and float in types:
        types = tuple(t for t in types if t not in (int, float)) + (float,)
    return " or ".join(names.get(t, t.__name__) for t in types)


def _has_type(value, types) -> bool:
    if not isinstance(types, tuple):
        types = (types,)
    if isinstance(value, bool) and bool not in types:
        return False  # JSON true is not a number here
    return isinstance(value, types)


def check_times(path: str, where: str, row: dict) -> None:
    """Every time on a row with a time_unit, in seconds: finite (the parser saw to that), not
    negative, at most MAX_TIME_S; real_time of a successful row at least MIN_TIME_S (a
    stddev may be 0)."""
    unit = row["time_unit"]
    statistic = row.get("aggregate_name", "iteration") if row["run_type"] == "aggregate" else "iteration"
    for key in TIME_FIELDS:
        if key not in row:
            continue
        value = row[key]
        seconds = to_seconds(value, unit)
        if value < 0:
            raise ReportError(path, f"{where}: field '{key}' is negative ({value:g} {unit}): a time is not")
        if seconds > MAX_TIME_S:
            raise ReportError(path, f"{where}: field '{key}' is {value:.3g} {unit}, above {MAX_TIME_S:g} s "
                                    "(11.6 days): not a measurement")
        positive = (key == "real_time" and not row.get("error_occurred", False)
                    and statistic not in DISPERSION_AGGREGATES)
        if positive and seconds < MIN_TIME_S:
            raise ReportError(path, f"{where}: field '{key}' is {value:g} {unit}: a successful batch takes "
                                    f"some time (at least {MIN_TIME_S:g} s)")


def check_duplicates(path: str, rows: list) -> None:
    """A repetition appears once: an iteration row per (name, repetition_index, and
    process_index where rows carry one: a report merging processes), an aggregate row per
    (run_name, aggregate_name). A duplicate would be counted as a repetition of its own
    ("5v10") and narrow every interval built on it: the report is refused as malformed."""
    seen: dict = {}
    for i, row in enumerate(rows):
        if row["run_type"] == "iteration":
            index = row.get("repetition_index")
            if not _has_type(index, int):
                continue
            key = ("iteration", row["name"], index, json.dumps(row.get("process_index")))
            what = f"repetition {index}" + (f" of process {row['process_index']}" if "process_index" in row else "")
        else:
            key = ("aggregate", row["run_name"], row["aggregate_name"])
            what = f"the '{row['aggregate_name']}' aggregate"
        if key in seen:
            raise ReportError(path, f"{_row_id(i, row)} repeats {what} of {row['run_name']} "
                                    f"(benchmarks[{seen[key]}]): a malformed report (duplicated rows would "
                                    "count twice)")
        seen[key] = i


def build_entries(path: str, rows: list, lead: tuple = ("median", 0.5, None)) -> list:
    check_duplicates(path, rows)
    by_name: dict[str, Entry] = {}
    for i, row in enumerate(rows):
        run_name = row["run_name"]
        entry = by_name.get(run_name)
        if entry is None:
            entry = Entry(
                run_name=run_name,
                workload=row["workload"],
                model=row["model"],
                workers=row["workers"],
                workers_label=row.get("workers_label") or str(row["workers"]),
                loop_threads=row.get("loop_threads"),
                inflight=row.get("inflight"),
                pool=row.get("pool"),
                task_form=row.get("task_form"),
                tasks=row.get("tasks"),
                params=row["params"],
            )
            by_name[run_name] = entry
        else:
            for key in ENTRY_FIELDS:
                if row[key] != getattr(entry, key):
                    raise ReportError(path, f"{_row_id(i, row)}: field '{key}' differs from the "
                                            f"entry's earlier rows ({json.dumps(getattr(entry, key))[:40]})")
        if row["run_type"] == "iteration":
            entry.iterations.append(row)
        else:
            entry.aggregates[row["aggregate_name"]] = row
    entries = list(by_name.values())
    for entry in entries:
        finish_entry(entry, lead)
    return entries


def finish_entry(entry: Entry, lead: tuple = ("median", 0.5, None)) -> None:
    """The median, lead estimate, intervals, spread, ideal and efficiency of one entry.

    The median is Google Benchmark's `median` aggregate row when there is one, else the
    median of the successful iteration rows (a run of one repetition has no aggregates). The
    lead estimate is the lead estimator's row (`lead`: its name, quantile and the interval
    level; schema 3), with its interval, else the median without one. Speedup and efficiency
    are the lead row's fields when it has them, else the median row's, else ideal / lead.
    """
    name, quantile, level = lead
    ok = [r for r in entry.iterations if not r.get("error_occurred", False)]
    bad = [r for r in entry.iterations if r.get("error_occurred", False)]
    entry.failed_repetitions = len(bad)
    entry.times_s = [_row_seconds(r) for r in ok]
    if bad:
        entry.error_message = bad[0].get("error_message", "") or "error (no message)"
    median_row = _usable(entry.aggregates.get("median"))
    if median_row is not None:
        entry.median_s = _row_seconds(median_row)
        entry.median_source = "aggregate"
    elif entry.times_s:
        entry.median_s = statistics.median(entry.times_s)
        entry.median_source = "iterations"
    else:
        entry.failed = True
        if not entry.error_message:
            entry.error_message = "no successful repetition"
    lead_row = _usable(entry.aggregates.get(name)) if name != "median" else median_row
    entry.lead_name, entry.lead_quantile, entry.interval_level = name, quantile, level
    if lead_row is not None:
        entry.lead_s = _row_seconds(lead_row)
    elif level is not None and entry.times_s and name != "median":
        # A schema-3 entry without its lead row (a report cut short): the same quantile of
        # the repetitions, without an interval, rather than another estimator's figure.
        entry.lead_s = quantile_estimate(entry.times_s, quantile)
    else:
        entry.lead_s = entry.median_s
    for source in ([median_row] if median_row else []) + ok + entry.iterations:
        if "ideal" in source and entry.ideal_s is None:
            entry.ideal_s = _row_seconds(source, "ideal")
        if "bound" in source and entry.bound_s is None:
            entry.bound_s = _row_seconds(source, "bound")
    if entry.failed:
        return
    figures_row = lead_row if lead_row is not None and level is not None else median_row
    if level is not None:
        read_intervals(entry, lead_row)
    if figures_row is not None and "efficiency" in figures_row:
        entry.efficiency = float(figures_row["efficiency"])
    elif entry.ideal_s and entry.time_s > 0:  # an ideal of 0 (empty, scenarios) states none
        entry.efficiency = entry.ideal_s / entry.time_s
        if entry.interval is not None and entry.interval[0] > 0:
            entry.efficiency_interval = (entry.ideal_s / entry.interval[1], entry.ideal_s / entry.interval[0])
    entry.ideal_s = entry.ideal_s or None
    entry.bound_s = entry.bound_s or None
    if figures_row is not None and "speedup" in figures_row:
        entry.speedup = float(figures_row["speedup"])


def flag_measurement_errors(entries: list, usable_cpus) -> None:
    """What the report's rows did not flag themselves (a speedup computed here): an efficiency
    interval wholly above 1, or a CPU-bound speedup interval wholly above P, is no result but
    a measurement error (the sequential run slowed, the clock misread)."""
    for e in entries:
        if e.measurement_error or e.failed:
            continue
        if e.efficiency_interval is not None and e.efficiency_interval[0] > 1:
            low, high = e.efficiency_interval
            e.measurement_error = (f"efficiency interval [{low:.2f}, {high:.2f}] lies wholly above 1: "
                                   "faster than its ideal, a measurement error")
        elif (e.workload == "cpu" and e.speedup_interval is not None and _has_type(usable_cpus, int)
              and e.speedup_interval[0] > usable_cpus):
            low, high = e.speedup_interval
            e.measurement_error = (f"speedup interval [{low:.2f}, {high:.2f}] lies wholly above P = {usable_cpus} "
                                   "for CPU-bound work: a measurement error")


def read_intervals(entry: Entry, row: dict | None) -> None:
    """A schema-3 lead row's interval (seconds), its note when it has none, the speedup's and
    efficiency's intervals, and its flags."""
    if row is None:
        count = len(entry.times_s)
        entry.interval_note = (f"{count} repetition{'s' if count != 1 else ''} and no {entry.lead_name} row: "
                               "no interval")
        return
    if "interval_low" in row:
        entry.interval = (_row_seconds(row, "interval_low"), _row_seconds(row, "interval_high"))
        entry.interval_level = float(row.get("interval_level", entry.interval_level))
    else:
        entry.interval_note = row.get("interval_note", "") or f"the report gives no interval for {entry.lead_name}"
    for key in ("speedup_interval", "efficiency_interval"):
        if key in row:
            setattr(entry, key, (float(row[key][0]), float(row[key][1])))
    entry.speedup_interval_note = row.get("speedup_interval_note", "")
    if "speedup" in row and "speedup_interval" not in row and not entry.speedup_interval_note:
        entry.speedup_interval_note = ("the report gives no interval for this speedup: too few repetitions of "
                                       "this entry or of its sequential baseline")
    entry.measurement_error = row.get("measurement_error", "")
    entry.imprecise = bool(row.get("imprecise", False))
    if is_number(row.get("half_width_pct")):
        entry.half_width_pct = float(row["half_width_pct"])


def _usable(row: dict | None) -> dict | None:
    return None if row is None or row.get("error_occurred", False) else row


def to_seconds(value: float, unit: str) -> float:
    return float(value) * TIME_UNITS[unit]


def _row_seconds(row: dict, key: str = "real_time") -> float | None:
    if key not in row:
        return None
    return to_seconds(row[key], row["time_unit"])
