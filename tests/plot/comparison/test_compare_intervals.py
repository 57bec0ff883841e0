"""compare.py on schema-3 reports: the lead estimates (p25) are compared with their intervals;
a change is significant only when the U test (Holm) rejects AND the two intervals do not
overlap; the output says which estimator was compared; older reports say what they lack."""

import json

from concbench_plot.comparison import compare_command
from concbench_plot.comparison.pair_comparison import INTERVALS_OVERLAP, compare_pair
from plot_support import REPORT, REPORT_V3, load_data

NAME = "cpu/threads/W:2/pool:cold/scale:1"


def _slower(data: dict, factor: float, widen_to=None) -> dict:
    """Every time of NAME multiplied by `factor`; its p25 interval set to `widen_to` (ms)."""
    data = json.loads(json.dumps(data))
    for row in data["benchmarks"]:
        if row["run_name"] != NAME or row.get("aggregate_name") == "cv":
            continue
        for key in ("real_time", "cpu_time", "interval_low", "interval_high"):
            if key in row:
                row[key] *= factor
        if widen_to and row.get("aggregate_name") == "p25":
            row["interval_low"], row["interval_high"] = widen_to
    return data


def _row(pair):
    return next(r for r in pair.entries if r.name == NAME)


def test_intervals_apart_and_the_test_rejecting_make_a_verdict(tmp_path):
    base_data = json.loads(REPORT_V3.read_text())
    base = load_data(tmp_path, base_data, "a.json")
    other = load_data(tmp_path, _slower(base_data, 1.2), "b.json")
    pair = compare_pair(base, other, "A", "B", 0.05)
    assert pair.estimator == "p25"
    r = _row(pair)
    assert r.intervals_overlap is False and r.verdict == "slower"
    assert r.ratio == other_time(other) / other_time(base)


def other_time(report):
    return next(e.time_s for e in report.entries if e.run_name == NAME)


def test_overlapping_intervals_are_no_significant_difference_even_when_the_test_rejects(tmp_path):
    base_data = json.loads(REPORT_V3.read_text())
    base = load_data(tmp_path, base_data, "a.json")
    # 20 % slower repetitions (the U test rejects), but a p25 interval reaching back over
    # BASE's: the estimates cannot be told apart.
    other = load_data(tmp_path, _slower(base_data, 1.2, widen_to=(18.5, 23.0)), "b.json")
    r = _row(compare_pair(base, other, "A", "B", 0.05))
    assert r.stats.p < 1e-4 and r.intervals_overlap is True
    assert r.verdict == INTERVALS_OVERLAP


def test_a_schema_1_and_a_schema_3_report_compare_their_medians(tmp_path, capsys):
    assert compare_command.main([str(REPORT), str(REPORT_V3)]) == 0
    out = capsys.readouterr().out
    assert "Estimator compared: median (no intervals in these reports: the U test alone decides)." in out
    assert "A: schema 1: no intervals and no lead estimator; figures shown as medians, without intervals." in out
    assert "A median" in out and "B median" in out


def test_the_output_names_the_estimator_and_shows_intervals(capsys):
    assert compare_command.main([str(REPORT_V3), str(REPORT_V3)]) == 0
    out = capsys.readouterr().out
    assert "Estimator compared: p25 (both reports' lead estimator), each with its 95 % interval" in out
    assert "18.3 ms [18.1, 18.7]" in out
    # Speedups over each machine's own sequential, with intervals; a measurement error marked.
    assert "1.85× [1.81, 1.89]" in out and "2.41× [2.39, 2.43] ⚠" in out
