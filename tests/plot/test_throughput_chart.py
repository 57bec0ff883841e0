"""The requests/s-against-concurrency chart drawn for http groups (issue 4)."""

import json
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "report_small.json"
sys.path.insert(0, str(REPO / "plot"))

import report_loading as rl  # noqa: E402
import throughput_chart as tc  # noqa: E402


def http_report(tmp_path):
    """The fixture's sleep entries relabelled as http: the same shapes, a request workload."""
    report = json.loads(FIXTURE.read_text())
    report["benchmarks"] = [row for row in report["benchmarks"] if row["workload"] == "sleep"]  # quicker
    for row in report["benchmarks"]:
        if row["workload"] == "sleep":
            row["workload"] = "http"
    path = tmp_path / "http.json"
    path.write_text(json.dumps(report))
    return path


def test_concurrency_is_w_for_pools_and_k_for_coroutines(tmp_path):
    report = rl.load_report(str(http_report(tmp_path)))
    group = next(g for g in report.groups if g.workload == "http")
    series = tc.throughput_series(group)
    assert [c for c, _, _ in series["threads (cold pool)"]] == [1, 2]
    for name, points in series.items():
        for c, rate, ideal in points:
            assert rate > 0 and (ideal is None or ideal > 0), name
    blocking = series.get("coroutines (blocking)")
    assert blocking is None or blocking[0][0] == 1  # a blocking call keeps one in flight
    assert tc.wants_throughput_chart(group)


def test_plot_draws_it_for_http_only(tmp_path):
    out = tmp_path / "charts"
    completed = subprocess.run(["/usr/bin/python3", str(REPO / "plot" / "plot.py"), str(http_report(tmp_path)),
                                "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    names = sorted(p.name for p in out.iterdir())
    assert any(n.startswith("throughput-http") and n.endswith(".png") for n in names), names
    assert not any(n.startswith("throughput-cpu") for n in names), names
