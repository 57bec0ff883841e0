"""table.py with intervals: schema 3's lead estimate and 95 % intervals in every time, speedup
and efficiency cell, the fastest entry named only when its interval is clear, and markers with
footnotes for measurement errors, missed precision targets and entries without an interval;
schemas 1 and 2 read as medians with one line saying what they lack."""

import json

from concbench_plot.reports.formatting import format_ratio_interval, format_speedup_interval, format_time_interval
from concbench_plot.reports.report_loading import load_report
from concbench_plot.tables.report_tables import tables
from plot_support import REPORT, REPORT_V2, REPORT_V3, REPORT_V4, load_data, run_table


def test_interval_formatting():
    assert format_time_interval(24.1e-3, (23.8e-3, 24.6e-3)) == "24.1 ms [23.8, 24.6]"
    assert format_time_interval(20.1e-3, (20.0e-3, 20.3e-3)) == "20.1 ms [20.0, 20.3]"  # decimals kept
    assert format_time_interval(401e-3, (400.2e-3, 402e-3)) == "401 ms [400, 402]"
    assert format_time_interval(24.1e-3, None) == "24.1 ms"
    assert format_speedup_interval(1.9, (1.62, 2.15)) == "1.90× [1.62, 2.15]"
    assert format_speedup_interval(19.8, (19.66, 19.9)) == "19.8× [19.7, 19.9]"
    assert format_speedup_interval(1.9, None) == "1.90×"
    assert format_ratio_interval(0.981, (0.95, 0.99)) == "0.98 [0.95, 0.99]"


def test_schema_3_cells_show_the_lead_estimate_and_its_interval():
    completed = run_table(str(REPORT_V3))
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert out.count("| entry | p25 [95 % interval] | speedup | efficiency | ideal | bound |") == 3
    row = next(line for line in out.splitlines() if line.startswith("| threads W=2 (cold pool) ≈ | 18.3 ms"))
    assert "18.3 ms [18.1, 18.7] | 1.85× [1.81, 1.89] | 1.00 [0.98, 1.01] |" in row
    assert "schema" not in out.splitlines()[2]  # nothing lacking


def test_measurement_error_imprecise_and_no_interval_are_marked_with_footnotes():
    out = tables(load_report(str(REPORT_V3)))
    assert "| thread-per-task W=17 ⚠ |" in out
    assert ("⚠ thread-per-task W=17: efficiency interval [1.21, 1.22] lies wholly above 1: faster than its "
            "ideal, a measurement error; not ranked.") in out
    assert "≈ threads W=2 (cold pool): ±1.8 % of its p25, wider than the 1 % target." in out
    assert "| coroutines (blocking) † | 34.3 ms | 0.99× | 0.96 |" in out  # no interval, no bracket
    assert "† coroutines (blocking): 7 repetitions cannot give a 95 % interval for p25: 11 are needed." in out


def test_a_speedup_without_interval_is_marked_and_its_note_shown():
    out = tables(load_report(str(REPORT_V4)))
    row = next(line for line in out.splitlines() if line.startswith("| threads W=2 (warm pool)"))
    assert "†" in row.split("|")[1]
    assert ("† threads W=2 (warm pool): 6 repetitions of this entry and 6 of cpu/sequential/scale:0.1 cannot give "
            "a 95 % interval for the speedup of p25: each side needs 13.") in out
    # No entry has an interval: the lowest is named, not called fastest.
    assert "Fastest" not in out
    assert ("Lowest p25: threads W=2 (warm pool) (894 µs); no entry here has an interval, so none is shown to be "
            "fastest.") in out


def test_fastest_is_named_only_when_its_interval_is_clear():
    out = tables(load_report(str(REPORT_V3)))
    # cpu: the measurement error is not ranked; threads W=2's interval is clear of every other
    # interval, but coroutines (blocking) has none (7 repetitions): it cannot be told apart.
    assert ("Fastest: threads W=2 (cold pool) and coroutines (blocking) are tied (intervals overlap, or one has "
            "none): 18.3 ms [18.1, 18.7], 34.3 ms.") in out
    # sleep: thread-per-task's and coroutines' intervals overlap.
    assert ("Fastest: thread-per-task W=20 and coroutines (awaitable) are tied (intervals overlap, or one has none): "
            "20.1 ms [20.0, 20.3], 20.3 ms [20.2, 20.3].") in out


def test_a_clear_winner_becomes_a_tie_when_its_interval_widens(tmp_path):
    data = json.loads(REPORT_V3.read_text())
    for row in data["benchmarks"]:
        if row["name"] == "sleep/coroutines/form:awaitable/N:20/ms:20_p25":
            row["interval_low"], row["interval_high"] = 20.25, 20.31
        if row["name"] == "sleep/thread-per-task/N:20/ms:20_p25":
            row["interval_low"], row["interval_high"] = 20.0, 20.2
    out = tables(load_data(tmp_path, data))
    assert "Fastest: thread-per-task W=20 (20.1 ms [20.0, 20.2]), its interval clear of every other's." in out


def test_older_schemas_say_what_they_lack_in_one_line():
    for path, version in ((REPORT, 1), (REPORT_V2, 2)):
        out = run_table(str(path)).stdout
        assert f"*schema {version}: no intervals and no lead estimator; figures shown as medians, without intervals.*" in out
        assert "| entry | median | speedup |" in out and "[" not in out.split("**cpu")[1].split("\n\n")[1]
        assert "Fastest: threads W=2 (cold pool) (18.6 ms)." not in out  # thread-per-task is faster
        assert "Fastest: thread-per-task W=17 (17.9 ms)." in out
