"""Reports of every schema read alike: 1 and 2 without intervals (and say so in one line), 3
with the lead estimator's figures and their intervals, 4 also with a note on each speedup
that has no interval; a newer schema is refused."""

import json

import pytest

from concbench_plot.reports.estimates import (min_samples_for_interval, overlap, quantile_estimate,
                                              quantile_interval, ratio_interval)
from concbench_plot.reports.report_loading import SCHEMA_VERSION, ReportError, load_report
from plot_support import REPORT, REPORT_V2, REPORT_V3, REPORT_V4, entry, load_data

SEQ = "cpu/sequential/scale:1"
W2 = "cpu/threads/W:2/pool:cold/scale:1"
PER_TASK = "cpu/thread-per-task/scale:1"


def test_the_loader_reads_up_to_schema_4():
    assert SCHEMA_VERSION == 4


@pytest.mark.parametrize("path, version", [(REPORT, 1), (REPORT_V2, 2)])
def test_older_schemas_read_as_medians_and_say_what_they_lack(path, version):
    report = load_report(str(path))
    assert report.schema_version == version
    assert report.lead_name == "median"
    assert report.lacks.startswith(f"schema {version}: no intervals")
    assert "\n" not in report.lacks
    e = entry(report, W2)
    assert e.time_s == e.median_s == pytest.approx(18.61e-3)
    assert e.interval is None and e.speedup_interval is None and e.interval_level is None
    assert not e.interval_note and not e.measurement_error


def test_schema_3_reads_the_lead_row_and_its_intervals():
    report = load_report(str(REPORT_V3))
    assert report.schema_version == 3 and report.lead_name == "p25" and report.lacks == ""
    data = json.loads(REPORT_V3.read_text())
    row = next(r for r in data["benchmarks"] if r["name"] == f"{W2}_p25")
    e = entry(report, W2)
    assert e.lead_name == "p25"
    assert e.time_s == pytest.approx(row["real_time"] * 1e-3)
    assert e.time_s != e.median_s
    assert e.interval == pytest.approx((row["interval_low"] * 1e-3, row["interval_high"] * 1e-3))
    assert e.interval[0] <= e.time_s <= e.interval[1]
    assert e.speedup == pytest.approx(row["speedup"])
    assert e.speedup_interval == pytest.approx(tuple(row["speedup_interval"]))
    assert e.efficiency_interval == pytest.approx(tuple(row["efficiency_interval"]))
    assert e.half_width_pct == pytest.approx(row["half_width_pct"])
    assert e.imprecise  # above the fixture's 1 % target


def test_schema_3_notes_and_errors_are_kept():
    report = load_report(str(REPORT_V3))
    blocking = entry(report, "cpu/coroutines/form:blocking/scale:1")
    assert blocking.interval is None
    assert blocking.interval_note == "7 repetitions cannot give a 95 % interval for p25: 11 are needed"
    per_task = entry(report, PER_TASK)
    assert "measurement error" in per_task.measurement_error
    single = entry(report, "cpu/sequential/scale:100")
    assert single.interval is None and "1 repetition" in single.interval_note


def test_schema_4_says_why_a_speedup_has_no_interval():
    report = load_report(str(REPORT_V4))
    assert report.schema_version == 4 and report.lead_name == "p25" and report.lacks == ""
    e = entry(report, "cpu/threads/W:2/pool:warm/scale:0.1")
    assert e.speedup is not None and e.speedup_interval is None
    assert e.speedup_interval_note == ("6 repetitions of this entry and 6 of cpu/sequential/scale:0.1 cannot give a "
                                       "95 % interval for the speedup of p25: each side needs 13")


def test_a_schema_3_speedup_without_interval_or_note_gets_a_general_note(tmp_path):
    data = json.loads(REPORT_V4.read_text())
    data["context"]["concbench_schema_version"] = 3
    for row in data["benchmarks"]:
        row.pop("speedup_interval_note", None)
    e = entry(load_data(tmp_path, data), "cpu/threads/W:2/pool:warm/scale:0.1")
    assert e.speedup_interval is None
    assert e.speedup_interval_note.startswith("the report gives no interval for this speedup")


def test_a_speedup_computed_here_without_an_interval_says_why(tmp_path):
    data = json.loads(REPORT_V4.read_text())
    for row in data["benchmarks"]:
        for key in ("speedup", "speedup_interval", "speedup_interval_note"):
            row.pop(key, None)
    e = entry(load_data(tmp_path, data), "cpu/threads/W:2/pool:warm/scale:0.1")
    assert e.speedup is not None and e.speedup_interval is None
    assert e.speedup_interval_note == ("6 repetitions of this entry and 6 of cpu/sequential/scale:0.1 cannot give a "
                                       "95 % interval for the speedup of p25: each side needs 13")


def test_a_measurement_error_the_rows_do_not_state_is_flagged(tmp_path):
    data = json.loads(REPORT_V3.read_text())
    for row in data["benchmarks"]:
        row.pop("measurement_error", None)
    e = entry(load_data(tmp_path, data), PER_TASK)
    assert e.measurement_error.startswith("efficiency interval [1.2")


def test_a_speedup_without_the_reports_interval_gets_one_from_the_repetitions(tmp_path):
    data = json.loads(REPORT_V3.read_text())
    for row in data["benchmarks"]:
        row.pop("speedup", None)
        row.pop("speedup_interval", None)
    e = entry(load_data(tmp_path, data), W2)
    seq = entry(load_data(tmp_path, data), SEQ)
    assert e.speedup == pytest.approx(seq.time_s / e.time_s)
    low, high = e.speedup_interval
    assert low < e.speedup < high


def test_a_newer_schema_is_still_refused(tmp_path):
    data = json.loads(REPORT_V3.read_text())
    data["context"]["concbench_schema_version"] = 5
    with pytest.raises(ReportError, match="schema version 5 is newer"):
        load_data(tmp_path, data)


@pytest.mark.parametrize("field, value, message", [
    ("speedup_interval", [2.0, 1.0], "should be \\[low, high\\]"),
    ("speedup_interval", [1.0], "should be \\[low, high\\]"),
    ("interval_level", 1.5, "a level is between 0 and 1"),
    ("interval_high", 1e-9, "is above interval_high"),
])
def test_bad_intervals_are_one_line_errors(tmp_path, field, value, message):
    data = json.loads(REPORT_V3.read_text())
    row = next(r for r in data["benchmarks"] if r["name"] == f"{W2}_p25")
    row[field] = value
    with pytest.raises(ReportError, match=message):
        load_data(tmp_path, data)


def test_quantile_intervals_by_hand():
    # p25 at 95 %: 0.75^n <= 0.05 first at n = 11 (the contract's "11 are needed").
    assert min_samples_for_interval(0.25, 0.95) == 11
    assert quantile_interval(range(1, 11), 0.25, 0.95) is None
    low, high = quantile_interval(range(1, 12), 0.25, 0.95)
    # P(1 <= B(11, .25) < 6) = 0.9235 falls short; P(1 <= B < 7) = 0.9502 reaches 95 %.
    assert (low, high) == (1, 7)
    assert quantile_estimate([1, 2, 3, 4], 0.5) == 2.5
    assert quantile_estimate(range(1, 12), 0.25) == 3.5
    # The median of 20 at 95 %: the textbook pair (6, 15).
    assert quantile_interval(range(1, 21), 0.5, 0.95) == (6, 15)
    assert ratio_interval([10] * 20, list(range(1, 21)), 0.5, 0.95)[0] < 10 / 10.5


def test_overlap():
    assert overlap((1, 2), (2, 3)) and overlap((1, 3), (1.5, 2)) and not overlap((1, 2), (2.1, 3))
    assert overlap(None, (1, 2))  # what has no interval cannot be told apart
