"""plot/compare.py: the comparison table, Holm, the gate, the diffs, and every bad input.

The two hand-made reports under tests/fixtures/compare/ are built by `fixture_reports()`
below (a test checks the files still match it; REGENERATE says how to write them again).
Expected figures are worked out by hand in the comments next to them. Other reports are built
in tmp_path with the same helpers.
"""

import copy
import json
import math
import pathlib
import subprocess

import pytest

from concbench_plot.comparison import compare_command, context_diff
from concbench_plot.comparison import comparison_statistics as cs
from concbench_plot.comparison.gate import gate_trips
from concbench_plot.comparison.own_speedups import entry_speedup, sequential_index
from concbench_plot.comparison.pair_comparison import compare_pair
from concbench_plot.comparison.text_output import fmt_ratio
from concbench_plot.reports.report_loading import SCHEMA_VERSION, ReportError, load_report
from plot_support import PYTHON, REPO, as_cpython

COMPARE = REPO / "plot" / "compare.py"
FIXTURES = REPO / "tests" / "fixtures" / "compare"
BASE = FIXTURES / "base.json"
OTHER = FIXTURES / "other.json"
REGENERATE = "regenerate: PYTHONPATH=plot:tests/plot /usr/bin/python3 tests/plot/comparison/test_compare.py"


# ---------------------------------------------------------------------------------------
# Building reports


def context(**overrides) -> dict:
    ctx = {
        "build": {"benchmark_version": "1.7.1", "boost_version": "1_81", "build_type": "Release",
                  "compiler": "g++ 12.2.0", "concbench_version": "0.1.0", "flags": "-O3 -DNDEBUG",
                  "git_commit": "aaaaaaaaaaaa"},
        "caches": [{"level": 1, "num_sharing": 1, "size": 32768, "type": "Data"},
                   {"level": 2, "num_sharing": 1, "size": 524288, "type": "Unified"},
                   {"level": 3, "num_sharing": 2, "size": 33554432, "type": "Unified"}],
        "concbench_schema_version": 1,
        "cpu_model": "Test CPU A",
        "date": "2026-01-01T00:00:00+0000",
        "host_name": "alpha",
        "kernel": "Linux 6.1.0 x86_64",
        "load_avg": [0.5, 0.25, 0.125],
        "machine_constants": {"core_ghz": 3.0, "sleep_overshoot_ns": 60000.0, "usable_cpus": 2},
        "memory_bytes": 8 << 30,
        "mhz_per_cpu": 3000,
        "num_cpus": 2,
        "physical_cores": 2,
        "python_default_workers": 6,
        "suite": "test",
        "usable_cpus": 2,
    }
    for key, value in overrides.items():
        if value is None:
            ctx.pop(key, None)
        else:
            ctx[key] = value
    return ctx


def entry(name, workload, model, workers, params, times_ms=None, error=None, speedup=None,
          median_row=False, pool="cold"):
    """One entry's description; `times_ms` per repetition, or `error` with a repetition count."""
    return dict(name=name, workload=workload, model=model, workers=workers, params=params,
                times_ms=times_ms, error=error, speedup=speedup, median_row=median_row,
                pool=None if model == "sequential" else pool)


def rows_of(e) -> list:
    common = {"name": e["name"], "run_name": e["name"], "workload": e["workload"], "model": e["model"],
              "workers": e["workers"], "params": e["params"], "time_unit": "ms", "pool": e["pool"],
              "threads": 1, "iterations": 1}
    rows = []
    if e["error"] is not None:
        for i in range(e["error"][1]):
            rows.append({**common, "run_type": "iteration", "repetition_index": i,
                         "error_occurred": True, "error_message": e["error"][0]})
        return rows
    for i, t in enumerate(e["times_ms"]):
        rows.append({**common, "run_type": "iteration", "repetition_index": i, "real_time": t,
                     "cpu_time": t})
    if e["median_row"]:
        times = sorted(e["times_ms"])
        k = len(times)
        median = times[k // 2] if k % 2 else (times[k // 2 - 1] + times[k // 2]) / 2
        row = {**common, "name": e["name"] + "_median", "run_type": "aggregate",
               "aggregate_name": "median", "aggregate_unit": "time", "real_time": median,
               "cpu_time": median}
        if e["speedup"] is not None:
            row["speedup"] = e["speedup"]
        rows.append(row)
    return rows


def report(entries, ctx=None, complete=True) -> dict:
    return {"context": ctx if ctx is not None else context(), "complete": complete,
            "benchmarks": [r for e in entries for r in rows_of(e)]}


def write(path: pathlib.Path, data) -> pathlib.Path:
    """A report as JSON: the context indented, one benchmark row per line (small, diffable)."""
    if isinstance(data, str):
        path.write_text(data)
        return path
    rest = {k: v for k, v in data.items() if k != "benchmarks"}
    head = json.dumps(rest, indent=1)[:-2]  # without the closing "\n}"
    rows = ",\n  ".join(json.dumps(r) for r in data.get("benchmarks", []))
    path.write_text(head + ',\n "benchmarks": [\n  ' + rows + "\n ]\n}\n")
    return path


CPU = {"scale": 1}
SLEEP = {"tasks": 10, "sleep_ms": 10}


def http(port):
    return {"tasks": 10, "delay_ms": 5, "body_bytes": 64, "url": f"http://127.0.0.1:{port}/"}


# 8 repetitions a side. Every list is sorted, so medians are the mean of the 4th and 5th.
SEQ_A = [99.0, 99.5, 100.0, 100.2, 100.4, 100.6, 101.0, 101.5]  # median 100.3
SEQ_B = [118.5, 119.0, 119.6, 120.0, 120.3, 120.7, 121.2, 122.0]  # median 120.15
W2_A = [51.0, 51.3, 51.6, 51.9, 52.1, 52.4, 52.7, 53.0]  # median 52.0
W2_B = [39.0, 39.3, 39.6, 39.9, 40.1, 40.4, 40.7, 41.0]  # median 40.0
W4_A = [50.5, 50.6, 50.8, 50.9, 51.1, 51.2, 51.4, 51.5]  # median 51.0
W4_B = [30.5, 30.6, 30.8, 30.9, 31.1, 31.2, 31.4, 31.5]  # median 31.0
# Interleaved: A, B, A, B, …: U = 1 + 2 + … + 8 = 36 of 64, no difference.
SLEEP_A = [100.1, 100.3, 100.5, 100.7, 100.9, 101.1, 101.3, 101.5]
SLEEP_B = [100.2, 100.4, 100.6, 100.8, 101.0, 101.2, 101.4, 101.6]
SLEEP2_A = [50.1, 50.3, 50.5, 50.7, 50.9, 51.1, 51.3, 51.5]
SLEEP2_B = [50.2, 50.4, 50.6, 50.8, 51.0, 51.2, 51.4, 51.6]
HTTP_A = [60.1, 60.3, 60.5, 60.7, 60.9, 61.1, 61.3, 61.5]
HTTP_B = [60.2, 60.4, 60.6, 60.8, 61.0, 61.2, 61.4, 61.6]
HTTP2_A = [30.1, 30.3, 30.5, 30.7, 30.9, 31.1, 31.3, 31.5]  # median 30.8
HTTP2_B = [30.2, 30.4, 30.6, 30.8, 31.0, 31.2, 31.4, 31.6]  # median 30.9

SEQ = "cpu/sequential/scale:1"
W2 = "cpu/threads/W:2/pool:cold/scale:1"
W4 = "cpu/threads/W:4/pool:cold/scale:1"
W8 = "cpu/threads/W:8/pool:cold/scale:1"
CORO = "cpu/coroutines/form:awaitable/scale:1"
FORK = "cpu/processes-fork/W:2/pool:cold/scale:1"
SLEEP_SEQ = "sleep/sequential/N:10/ms:10"
SLEEP_W2 = "sleep/threads/W:2/pool:cold/N:10/ms:10"
HTTP_SEQ = "http/sequential/N:10/delay_ms:5/bytes:64"
HTTP_W2 = "http/threads/W:2/pool:cold/N:10/delay_ms:5/bytes:64"


def fixture_reports():
    """(BASE, OTHER): machine A (P=2) and a faster machine B (P=4), 8 repetitions each.

    A's median rows carry `speedup` (A's W:2 speedup is given as 1.9, not its medians'
    100.3/52 = 1.929, so a test can tell "taken from the report" from "recomputed"). B has no
    median rows: its speedups are recomputed from medians. B's http entries have different
    URLs (ports), and B's http/threads URL differs from B's own http/sequential URL, so
    report_loading's groups cannot pair them: compare.py must (it ignores `url`).
    """
    base = report([
        entry(SEQ, "cpu", "sequential", 1, CPU, SEQ_A, speedup=1.0, median_row=True),
        entry(W2, "cpu", "threads", 2, CPU, W2_A, speedup=1.9, median_row=True),
        entry(W4, "cpu", "threads", 4, CPU, W4_A, speedup=1.97, median_row=True),
        entry(W8, "cpu", "threads", 8, CPU, W4_A, speedup=1.97, median_row=True),
        entry(CORO, "cpu", "coroutines", 1, CPU, SEQ_A, speedup=1.0, median_row=True),
        entry(SLEEP_SEQ, "sleep", "sequential", 1, SLEEP, SLEEP_A, speedup=1.0, median_row=True),
        entry(SLEEP_W2, "sleep", "threads", 2, SLEEP, SLEEP2_A, speedup=1.97, median_row=True),
        entry(HTTP_SEQ, "http", "sequential", 1, http(40001), HTTP_A, speedup=1.0, median_row=True),
        entry(HTTP_W2, "http", "threads", 2, http(40001), HTTP2_A, speedup=1.97, median_row=True),
    ])
    other = report([
        entry(SEQ, "cpu", "sequential", 1, CPU, SEQ_B),
        entry(W2, "cpu", "threads", 2, CPU, W2_B),
        entry(W4, "cpu", "threads", 4, CPU, W4_B),
        entry(W8, "cpu", "threads", 8, CPU, error=("worker crashed", 8)),
        entry(FORK, "cpu", "processes-fork", 2, CPU, W2_B),
        entry(SLEEP_SEQ, "sleep", "sequential", 1, SLEEP, SLEEP_B),
        entry(SLEEP_W2, "sleep", "threads", 2, SLEEP, SLEEP2_B),
        entry(HTTP_SEQ, "http", "sequential", 1, http(40002), HTTP_B),
        entry(HTTP_W2, "http", "threads", 2, http(40003), HTTP2_B),
    ], ctx=context(cpu_model="Test CPU B", host_name="beta", usable_cpus=4, physical_cores=4,
                   num_cpus=8, memory_bytes=16 << 30, mhz_per_cpu=3500,
                   build={**context()["build"], "git_commit": "bbbbbbbbbbbb"},
                   machine_constants={"core_ghz": 3.5, "sleep_overshoot_ns": 60000.0, "usable_cpus": 4},
                   governor="performance"))
    return base, other


def run(*args, timeout=60):
    return subprocess.run([PYTHON, str(COMPARE), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def load_pair(base_path=BASE, other_path=OTHER, alpha=0.05):
    a, b = load_report(str(base_path)), load_report(str(other_path))
    return compare_pair(a, b, "A", "B", alpha)


def flat(text: str) -> str:
    """The output with every run of whitespace one space: prose is folded at 100 columns."""
    return " ".join(text.split())


def table_row(stdout: str, name: str) -> str:
    lines = [line for line in stdout.splitlines() if line.startswith(name + " ")]
    assert lines, f"no row for {name}"
    return lines[0]


# ---------------------------------------------------------------------------------------
# The fixtures


def test_fixture_files_match_their_builder():
    base, other = fixture_reports()
    assert json.loads(BASE.read_text()) == base, REGENERATE
    assert json.loads(OTHER.read_text()) == other, REGENERATE
    for path in (BASE, OTHER):
        load_report(str(path))  # valid per the shared reader


# ---------------------------------------------------------------------------------------
# The comparison table


def test_table_figures_by_hand():
    pair = load_pair()
    rows = {r.name: r for r in pair.entries}
    # Compared: SEQ, W2, W4, SLEEP_SEQ, SLEEP_W2, HTTP_SEQ, HTTP_W2 = 7 (W8 failed on B).
    assert pair.family_size == 7
    seq = rows[SEQ]
    # Medians: A (100.2 + 100.4)/2 = 100.3 (A's median row), B (120.0 + 120.3)/2 = 120.15.
    assert seq.base.median_s == pytest.approx(0.1003)
    assert seq.other.median_s == pytest.approx(0.12015)
    assert seq.ratio == pytest.approx(120.15 / 100.3)  # 1.19791
    # Every B repetition is slower than every A one: U = 64, exact p = 2/C(16, 8) = 2/12870.
    s = seq.stats
    assert s.method == cs.EXACT and s.u == 64
    assert s.p == pytest.approx(2 / 12870)
    # Holm: 5 entries share the smallest p (SEQ, W2, W4 completely separated... W2 and W4
    # faster, U = 0): Holm's adjusted p for the first of the three is 7·p, and the
    # running maximum keeps 7·p for all three (6·p and 5·p are smaller).
    assert seq.adjusted_p == pytest.approx(7 * 2 / 12870)
    assert seq.verdict == "slower"
    assert rows[W2].verdict == "faster" and rows[W4].verdict == "faster"
    # Interleaved samples: U = 36 of 64: nothing to see, and 8 v 8 could have seen it.
    for name in (SLEEP_SEQ, SLEEP_W2, HTTP_SEQ, HTTP_W2):
        assert rows[name].stats.u == 36
        assert rows[name].verdict == "no significant difference"


def test_interval_is_bonferroni_at_alpha_over_m_by_hand():
    pair = load_pair()
    seq = {r.name: r for r in pair.entries}[SEQ]
    # Level 1 − 0.05/7. 8 v 8: C(16, 8) = 12870; alpha/2 · 12870 = 45.96. Cumulative null
    # counts (partitions into at most 8 parts each at most 8): 1 2 4 7 12 19 30 45 67 …:
    # the largest c with count <= 45.96 is c = 7: the interval is [D_(8), D_(57)] of the
    # 64 sorted log ratios, and its exact coverage 1 − 2·45/12870.
    assert cs.critical_count(8, 8, 0.05 / 7, cs.EXACT) == 7
    ratios = sorted(b / a for a in SEQ_A for b in SEQ_B)
    low, high, coverage = seq.stats.interval
    assert low == pytest.approx(ratios[7])
    assert high == pytest.approx(ratios[56])
    assert coverage == pytest.approx(1 - 2 * 45 / 12870)
    # The HL ratio is the median of those 64 ratios: the mean of the 32nd and 33rd in log.
    assert seq.stats.ratio_hl == pytest.approx(math.sqrt(ratios[31] * ratios[32]))


def test_geometric_mean_row():
    pair = load_pair()
    ratios = [r.ratio for r in pair.compared]
    assert len(ratios) == 7
    expected = math.exp(sum(math.log(x) for x in ratios) / 7)
    assert pair.geometric_means()[0] == pytest.approx(expected)
    completed = run(BASE, OTHER)
    assert completed.returncode == 0, completed.stderr
    row = table_row(completed.stdout, "geometric mean (7 entries)")
    assert fmt_ratio(expected) in row


def test_cli_table_rows():
    completed = run(BASE, OTHER)
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    row = table_row(out, SEQ)
    assert "100 ms" in row and "120 ms" in row and "1.198" in row and "slower" in row
    assert "8v8" in row and "exact" in row
    assert "faster" in table_row(out, W2)
    assert "no significant difference" in table_row(out, HTTP_W2)
    assert "99.3 %" in out  # 1 − 0.05/7 = 0.992857
    # Failed and only-in entries are listed, not compared.
    assert f"{W8}: B failed: worker crashed" in out
    assert f"Only in A (1): {CORO}." in out
    assert f"Only in B (1): {FORK}." in out
    comparison = out[:out.index("Speedup over")]
    assert not any(line.startswith(W8 + " ") for line in comparison.splitlines())


def test_insufficient_repetitions_3_vs_3(tmp_path):
    # 3 v 3: the smallest two-sided p is 2/20 = 0.1 > 0.05, even for one entry alone and
    # complete separation (here B is 10× slower): never "no significant difference".
    a = write(tmp_path / "a.json", report([entry(SEQ, "cpu", "sequential", 1, CPU, [1.0, 1.1, 1.2])]))
    b = write(tmp_path / "b.json", report([entry(SEQ, "cpu", "sequential", 1, CPU, [10.0, 11.0, 12.0])]))
    pair = load_pair(a, b)
    (row,) = pair.compared
    assert row.stats.p == pytest.approx(0.1)
    assert row.verdict == "insufficient repetitions"
    assert row.stats.interval is None  # no 95 % interval exists at 3 v 3
    completed = run(a, b)
    assert completed.returncode == 0, completed.stderr
    assert "insufficient repetitions" in completed.stdout
    assert "no significant difference" not in completed.stdout
    assert "unbounded" in table_row(completed.stdout, SEQ)
    assert "4 repetitions per side would do: concbench --benchmark_repetitions=4" in flat(completed.stdout)


def test_insufficient_repetitions_2_vs_2_and_many_entries(tmp_path):
    # 2 v 2: best p 2/6. And 5 v 5 alone can pass (2/252 <= 0.05), but not with 10 entries
    # where Holm's first step asks for 0.005 < 0.0079.
    a_entries = [entry(SEQ, "cpu", "sequential", 1, CPU, [1.0, 1.1])]
    b_entries = [entry(SEQ, "cpu", "sequential", 1, CPU, [2.0, 2.1])]
    for w in range(2, 12):
        name = f"cpu/threads/W:{w}/pool:cold/scale:1"
        a_entries.append(entry(name, "cpu", "threads", w, CPU, [1, 1.1, 1.2, 1.3, 1.4]))
        b_entries.append(entry(name, "cpu", "threads", w, CPU, [2, 2.1, 2.2, 2.3, 2.4]))
    a = write(tmp_path / "a.json", report(a_entries))
    b = write(tmp_path / "b.json", report(b_entries))
    pair = load_pair(a, b)
    assert {r.verdict for r in pair.compared} == {"insufficient repetitions"}
    # The same 5 v 5 separation alone is significant.
    a1 = write(tmp_path / "a1.json", report(a_entries[1:2]))
    b1 = write(tmp_path / "b1.json", report(b_entries[1:2]))
    (row,) = load_pair(a1, b1).compared
    assert row.verdict == "slower" and row.stats.p == pytest.approx(2 / 252)


def _many_5_vs_5(tmp_path, count=11):
    """`count` entries, 5 v 5, B's repetitions all slower (ratios 1.43 to 2.4)."""
    a_entries, b_entries = [], []
    for w in range(1, count + 1):
        name = f"cpu/threads/W:{w}/pool:cold/scale:1"
        a_entries.append(entry(name, "cpu", "threads", w, CPU, [1.0, 1.1, 1.2, 1.3, 1.4]))
        b_entries.append(entry(name, "cpu", "threads", w, CPU, [2.0, 2.1, 2.2, 2.3, 2.4]))
    return write(tmp_path / "a.json", report(a_entries)), write(tmp_path / "b.json", report(b_entries))


def test_own_interval_is_shown_next_to_the_corrected_one(tmp_path):
    # 11 entries at 5 v 5: the corrected level 1 − 0.05/11 asks P(U <= c) <= 0.00227, but
    # P(U <= 0) = 1/252 = 0.00397: no corrected interval. Each entry's own 95 % interval
    # exists: c = 2 (cumulative 1, 2, 4 of 252 <= 6.3), i.e. [D_(3), D_(23)] of the 25 ratios.
    a, b = _many_5_vs_5(tmp_path)
    ratios = sorted(y / x for x in [1.0, 1.1, 1.2, 1.3, 1.4] for y in [2.0, 2.1, 2.2, 2.3, 2.4])
    own = f"{fmt_ratio(ratios[2])} – {fmt_ratio(ratios[22])}"
    # D_(3): above 2.0/1.4 = 1.429 and 2.1/1.4 = 1.5 comes 2.0/1.3 = 1.538; D_(23): below
    # 2.4/1.0 and 2.3/1.0 comes 2.2/1.0.
    assert own == "1.538 – 2.200"
    completed = run(a, b, "--fail-above", "1.1")
    # The gate stays on the corrected intervals: unbounded, it cannot trip (the own ones lie
    # wholly above 1.1, but 11 of them at 95 % would trip by chance far too often).
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert "| 95 % own |" not in out and "95 % own" in out and "99.55 % corrected" in out
    row = table_row(out, "cpu/threads/W:1/pool:cold/scale:1")
    assert own in row and "unbounded" in row and "insufficient repetitions" in row
    # Most entries starved: the hint comes before the table, with what would do:
    # 2/C(12, 6) = 2/924 = 0.0022 <= 0.05/11 = 0.0045 while 2/252 = 0.0079 is not: 6.
    hint = out.index("TOO FEW REPETITIONS for 11 entries")
    assert hint < out.index("\nentry ")
    assert "6 repetitions per side would do: concbench --benchmark_repetitions=6" in flat(out)
    assert "11 of 11 verdicts are \"insufficient repetitions\"" in flat(out)


def test_no_too_few_hint_when_repetitions_suffice():
    completed = run(BASE, OTHER)
    assert "TOO FEW REPETITIONS" not in completed.stdout
    assert "0.992857" not in completed.stdout  # levels are shown rounded: 99.3 %
    row = table_row(completed.stdout, SEQ)
    # 8 v 8 at 95 %: null counts of U = 0..14 are the partitions of u into at most 8 parts
    # each at most 8: p(u) for u <= 8, then p(u) minus those with a part >= 9 and their
    # conjugates: 1 1 2 3 5 7 11 15 22 | 28 38 48 63 77 97, cumulative … 67 95 133 181 244 321
    # 418. 0.025 · 12870 = 321.75: c = 13, the interval [D_(14), D_(51)] of the 64 ratios.
    assert cs.critical_count(8, 8, 0.05) == 13
    ratios = sorted(b / a for a in SEQ_A for b in SEQ_B)
    assert f"{fmt_ratio(ratios[13])} – {fmt_ratio(ratios[50])}" in row


def test_one_entry_speaks_in_the_singular(tmp_path):
    a = write(tmp_path / "a.json", report([entry(SEQ, "cpu", "sequential", 1, CPU, [1.0, 1.1, 1.2])]))
    b = write(tmp_path / "b.json", report([entry(SEQ, "cpu", "sequential", 1, CPU, [10.0, 11.0, 12.0])]))
    out = flat(run(a, b).stdout)
    assert "B vs A: 1 entry compared" in out
    assert "geometric mean (1 entry)" in out
    assert "1 entries" not in out and "1 verdicts" not in out
    gated = run(a, b, "--fail-above", "1.1")
    assert "1 of 1 entry of" in gated.stderr and "1 of 1 entry could not trip" in flat(gated.stdout)
    assert "1 entries" not in flat(gated.stdout) + gated.stderr


def test_alpha_flag_moves_the_levels(tmp_path):
    # At --alpha 0.10 a lone 3 v 3 entry can be called: complete separation gives exactly
    # p = 2/20 = 0.10 <= 0.10, and the 90 % interval exists (c = 0): [min, max] of the nine
    # ratios = [10/1.2, 12/1.0] = [8.333, 12].
    a = write(tmp_path / "a.json", report([entry(SEQ, "cpu", "sequential", 1, CPU, [1.0, 1.1, 1.2])]))
    b = write(tmp_path / "b.json", report([entry(SEQ, "cpu", "sequential", 1, CPU, [10.0, 11.0, 12.0])]))
    (row,) = load_pair(a, b, alpha=0.10).compared
    assert row.verdict == "slower"
    assert row.stats.interval[:2] == (pytest.approx(10 / 1.2), pytest.approx(12.0))
    completed = run(a, b, "--alpha", "0.10")
    assert completed.returncode == 0
    assert "8.333 – 12.000" in table_row(completed.stdout, SEQ)
    assert "90 % each" in completed.stdout


def test_large_samples_and_ties_say_which_approximation(tmp_path):
    # 60 repetitions a side: beyond the exact table (50 a side), the normal approximation.
    a_times = [100 + 0.1 * i for i in range(60)]
    b_times = [t * 1.0503 for t in a_times]  # no value of b equals one of a: no ties
    a = write(tmp_path / "a.json", report([entry(SEQ, "cpu", "sequential", 1, CPU, a_times)]))
    b = write(tmp_path / "b.json", report([entry(SEQ, "cpu", "sequential", 1, CPU, b_times)]))
    completed = run(a, b)
    row = table_row(completed.stdout, SEQ)
    assert "60v60" in row and " normal " in row and "slower" in row
    # The same report twice: every value tied: the normal approximation with tie correction.
    completed = run(a, a)
    assert "normal, ties" in table_row(completed.stdout, SEQ)


def test_one_tie_at_4_vs_4_is_exact_and_not_significant(tmp_path):
    # A = 1 2 3 4 ms, B = 4 5 6 7 ms (one tie): exact permutation p = 4/70 = 0.057
    # (test_comparison_statistics derives it): one entry alone, 4 v 4 could reach 2/70, so
    # the verdict is "no significant difference", not "slower" (the normal approximation's
    # p = 0.042 said slower).
    a = write(tmp_path / "a.json", report([entry(SEQ, "cpu", "sequential", 1, CPU, [1.0, 2.0, 3.0, 4.0])]))
    b = write(tmp_path / "b.json", report([entry(SEQ, "cpu", "sequential", 1, CPU, [4.0, 5.0, 6.0, 7.0])]))
    (row,) = load_pair(a, b).compared
    assert row.stats.method == cs.EXACT_TIES
    assert row.stats.p == pytest.approx(4 / 70)
    assert row.verdict == "no significant difference"
    completed = run(a, b)
    assert completed.returncode == 0, completed.stderr
    line = table_row(completed.stdout, SEQ)
    assert "exact, ties" in line and "0.057" in line and "slower" not in line


def test_3_vs_4_with_a_tie_cannot_trip_the_gate(tmp_path):
    # No 95 % interval exists at 3 v 4 (P(U <= 0) = 1/35 > 0.025), ties or not: "unbounded",
    # and --fail-above 0.95 cannot trip (it once exited 1 on a bounded 1.000 – 7.000).
    a = write(tmp_path / "a.json", report([entry(SEQ, "cpu", "sequential", 1, CPU, [1.0, 2.0, 3.0])]))
    b = write(tmp_path / "b.json", report([entry(SEQ, "cpu", "sequential", 1, CPU, [3.0, 5.0, 6.0, 7.0])]))
    (row,) = load_pair(a, b).compared
    assert row.stats.interval is None and row.stats.entry_interval is None
    completed = run(a, b, "--fail-above", "0.95")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "unbounded" in table_row(completed.stdout, SEQ)
    assert "cannot trip the gate" in completed.stderr


def test_holm_ordering_in_the_table(tmp_path):
    # Three entries at 8 v 8 with p ranks: SEQ complete separation (2/12870), W2 with one
    # overlap (U = 57 of 64), W4 interleaved (U = 36). Holm adjusted p must equal cs.holm on the raw p's, and be
    # monotone in the raw p's order.
    a = write(tmp_path / "a.json", report([
        entry(SEQ, "cpu", "sequential", 1, CPU, SEQ_A),
        entry(W2, "cpu", "threads", 2, CPU, W2_A),
        entry(W4, "cpu", "threads", 4, CPU, SLEEP_A)]))
    b = write(tmp_path / "b.json", report([
        entry(SEQ, "cpu", "sequential", 1, CPU, SEQ_B),
        # U = 57: 51.2 beats only A's 51.0 (1), the other seven beat all eight A's (56).
        entry(W2, "cpu", "threads", 2, CPU, [51.2] + [t + 2.5 for t in W2_A[1:]]),
        entry(W4, "cpu", "threads", 4, CPU, SLEEP_B)]))
    pair = load_pair(a, b)
    raw = [r.stats.p for r in pair.compared]
    adjusted, _ = cs.holm(raw, 0.05)
    assert [r.adjusted_p for r in pair.compared] == pytest.approx(adjusted)
    order = sorted(range(3), key=lambda i: raw[i])
    assert [pair.compared[i].name for i in order] == [SEQ, W2, W4]
    assert adjusted[order[0]] == pytest.approx(3 * 2 / 12870)
    assert adjusted[order[0]] <= adjusted[order[1]] <= adjusted[order[2]]


def test_entries_in_registration_order_grouped_by_workload(tmp_path):
    # Rows in a shuffled (interleaved) run order; each entry's rows carry its registration
    # (family_index): the table follows registration, workload by workload.
    registered = [(SEQ, "cpu", "sequential", 1, CPU, SEQ_A), (W2, "cpu", "threads", 2, CPU, W2_A),
                  (W4, "cpu", "threads", 4, CPU, W4_A),
                  (SLEEP_SEQ, "sleep", "sequential", 1, SLEEP, SLEEP_A),
                  (SLEEP_W2, "sleep", "threads", 2, SLEEP, SLEEP2_A)]
    data = report([entry(*e) for e in registered])
    index = {e[0]: i for i, e in enumerate(registered)}
    for row in data["benchmarks"]:
        row["family_index"] = index[row["run_name"]]
        row["per_family_instance_index"] = 0
    run_order = [SLEEP_W2, W4, SEQ, SLEEP_SEQ, W2]
    data["benchmarks"].sort(key=lambda row: run_order.index(row["run_name"]))
    a = write(tmp_path / "a.json", data)
    assert [e.run_name for e in load_report(str(a)).entries][:2] == [SLEEP_W2, W4]  # as run
    pair = load_pair(a, a)
    assert [r.name for r in pair.entries] == [SEQ, W2, W4, SLEEP_SEQ, SLEEP_W2]


def test_entries_without_registration_sorted_by_workload_then_model():
    # The fixtures carry no family_index: workloads by name, then the charts' model order.
    pair = load_pair()
    assert [r.name for r in pair.entries] == [SEQ, W2, W4, W8, HTTP_SEQ, HTTP_W2, SLEEP_SEQ, SLEEP_W2]


def test_example_reports_in_registration_order():
    examples = REPO / "reports" / "examples"
    base, other = examples / "2-vcpu.quick.json", examples / "1-cpu-taskset.quick.json"
    if not base.exists() or not other.exists():
        pytest.skip("example reports absent")
    pair = load_pair(base, other)
    names = [r.name for r in pair.entries]
    assert names[:3] == ["cpu/sequential/scale:1", "cpu/threads/W:1/pool:cold/scale:1",
                         "cpu/threads/W:2/pool:cold/scale:1"]
    workloads = [n.split("/")[0] for n in names]
    blocks = [w for i, w in enumerate(workloads) if i == 0 or workloads[i - 1] != w]
    assert blocks == sorted(set(workloads), key=blocks.index)  # each workload one block
    assert blocks[0] == "cpu"


def test_failed_entries_are_listed_not_compared():
    pair = load_pair()
    (failed,) = pair.not_compared
    assert failed.name == W8 and failed.stats is None
    assert "worker crashed" in failed.problem


def test_partially_failed_entry_is_compared_on_its_successes(tmp_path):
    a = write(tmp_path / "a.json", report([entry(SEQ, "cpu", "sequential", 1, CPU, SEQ_A)]))
    data = report([entry(SEQ, "cpu", "sequential", 1, CPU, SEQ_B)])
    data["benchmarks"][0] = {**data["benchmarks"][0], "error_occurred": True, "error_message": "x"}
    del data["benchmarks"][0]["real_time"]
    b = write(tmp_path / "b.json", data)
    completed = run(a, b)
    assert completed.returncode == 0, completed.stderr
    assert "8v7" in table_row(completed.stdout, SEQ)
    assert "B 1 failed" in completed.stdout


def test_aggregates_only_entry_is_listed_not_compared(tmp_path):
    data = report([entry(SEQ, "cpu", "sequential", 1, CPU, SEQ_A, median_row=True)])
    data["benchmarks"] = [r for r in data["benchmarks"] if r["run_type"] == "aggregate"]
    a = write(tmp_path / "a.json", data)
    completed = run(a, BASE)
    assert completed.returncode == 0, completed.stderr
    assert f"{SEQ}: A has aggregate rows only" in completed.stdout


# ---------------------------------------------------------------------------------------
# The gate


def test_gate_trips_when_the_interval_lies_wholly_above():
    # SEQ's interval is about 1.18 … 1.22 (above): wholly above 1.10.
    completed = run(BASE, OTHER, "--fail-above", "1.10")
    assert completed.returncode == 1
    assert "TRIPPED by 1 entry" in completed.stdout
    assert SEQ in completed.stderr and "gate tripped" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_gate_does_not_trip_when_the_interval_straddles(tmp_path):
    pair = load_pair()
    low, high, _ = {r.name: r for r in pair.entries}[SEQ].stats.interval
    assert low < 1.2 < high  # straddles 1.2: noise could put the true ratio below it
    # W:8 failed in OTHER, which fails the gate closed whatever the ratios: a BASE without it.
    base, _ = fixture_reports()
    base["benchmarks"] = [r for r in base["benchmarks"] if r["run_name"] != W8]
    completed = run(write(tmp_path / "base.json", base), OTHER, "--fail-above", "1.2")
    assert completed.returncode == 0, completed.stderr
    assert "passed" in completed.stdout
    assert gate_trips(pair, 1.2) == []
    assert [r.name for r in gate_trips(pair, 1.1)] == [SEQ]


def test_gate_cannot_trip_without_repetitions_and_says_so(tmp_path):
    a = write(tmp_path / "a.json", report([entry(SEQ, "cpu", "sequential", 1, CPU, [1.0, 1.1, 1.2])]))
    b = write(tmp_path / "b.json", report([entry(SEQ, "cpu", "sequential", 1, CPU, [10.0, 11.0, 12.0])]))
    completed = run(a, b, "--fail-above", "1.1")
    assert completed.returncode == 0
    assert "cannot trip the gate" in completed.stderr


def _shell(command: str, timeout=60):
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=timeout)


def test_gate_status_survives_a_reader_that_stops_early():
    # `| true` closes the pipe before compare.py writes: the gate's 1 must still come out
    # (it once returned 0 from the BrokenPipeError handler), and no traceback.
    cmd = f"{PYTHON} {COMPARE} {BASE} {OTHER} --fail-above 1.1 | true; echo status=${{PIPESTATUS[0]}}"
    completed = _shell(cmd)
    assert "status=1" in completed.stdout, completed.stdout + completed.stderr
    assert "gate tripped" in completed.stderr
    assert "Traceback" not in completed.stderr and "Exception ignored" not in completed.stderr
    # Without a gate, a reader that stops early is not an error: 0.
    completed = _shell(f"{PYTHON} {COMPARE} {BASE} {OTHER} | true; echo status=${{PIPESTATUS[0]}}")
    assert "status=0" in completed.stdout and completed.stderr == ""


@pytest.mark.skipif(not pathlib.Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_one_line_and_status_2():
    with open("/dev/full", "w") as full:
        completed = subprocess.run([PYTHON, str(COMPARE), str(BASE), str(OTHER)], stdout=full,
                                   stderr=subprocess.PIPE, text=True, timeout=60)
    assert completed.returncode == 2
    lines = completed.stderr.strip().splitlines()
    assert lines == ["compare.py: cannot write the output: No space left on device"], completed.stderr
    # A tripped gate stays 1 (its verdict does not depend on stdout); stderr names both.
    with open("/dev/full", "w") as full:
        completed = subprocess.run([PYTHON, str(COMPARE), str(BASE), str(OTHER), "--fail-above", "1.1"],
                                   stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert completed.returncode == 1
    assert "gate tripped" in completed.stderr and "cannot write the output" in completed.stderr
    assert "Traceback" not in completed.stderr and "Exception ignored" not in completed.stderr


# ---------------------------------------------------------------------------------------
# The hardware and build diff


def test_context_diff_rows():
    base, other = fixture_reports()
    rows = {r.key: r for r in context_diff.context_rows([base["context"], other["context"]])}
    keys = list(rows)
    # Known keys first, in reading order; a key only one side has is shown with "—".
    assert keys.index("cpu_model") < keys.index("usable_cpus") < keys.index("caches") \
        < keys.index("build.compiler") < keys.index("machine_constants.core_ghz") < keys.index("date")
    assert rows["cpu_model"].values == ["Test CPU A", "Test CPU B"] and rows["cpu_model"].differs
    assert rows["usable_cpus"].values == ["2", "4"] and rows["usable_cpus"].differs
    assert rows["memory_bytes"].values == ["8 GiB", "16 GiB"]
    assert rows["kernel"].values == ["Linux 6.1.0 x86_64"] * 2 and not rows["kernel"].differs
    assert rows["caches"].values[0] == "L1d 32 KiB, L2 512 KiB, L3 32 MiB (shared by 2)"
    assert not rows["caches"].differs
    assert rows["build.git_commit"].differs and not rows["build.compiler"].differs
    assert rows["build.flags"].values == ["-O3 -DNDEBUG"] * 2
    assert rows["machine_constants.core_ghz"].values == ["3", "3.5"]
    assert rows["governor"].values == ["—", "performance"] and rows["governor"].differs
    assert rows["load_avg"].values == ["0.5, 0.25, 0.125"] * 2


def test_context_diff_in_the_output():
    completed = run(BASE, OTHER)
    lines = completed.stdout.splitlines()
    cpu = [line for line in lines if "usable CPUs (P)" in line and "≠" in line]
    assert cpu and cpu[0].split()[-2:] == ["2", "4"]
    gov = [line for line in lines if " governor " in line]
    assert gov and gov[0].startswith("≠") and "—" in gov[0] and "performance" in gov[0]
    kernel = [line for line in lines if " kernel " in line]
    assert kernel and not kernel[0].startswith("≠")


WARNINGS_A = ["load average 2.4 on 2 CPUs: other work competes for the CPUs; stop it or expect noise",
              "running in a VM (kvm): other guests can take CPU time (steal); the report records "
              "the steal time of the run, and a dedicated or bare-metal machine gives steadier figures"]
WARNINGS_B = WARNINGS_A + ["pinned to CPUs 0 (taskset): P = 1 of the machine's 2 CPUs"]
COMMAND_A = ["./build/release/benchmarks/concbench", "--suite=quick", "--out=reports/examples/a.quick.json"]


def _long_context_pair(tmp_path):
    base, other = fixture_reports()
    base["context"].update(warnings=WARNINGS_A, command_line=COMMAND_A)
    other["context"].update(warnings=WARNINGS_B, command_line=COMMAND_A)
    return write(tmp_path / "a.json", base), write(tmp_path / "b.json", other)


def test_context_lists_of_sentences_keep_their_items():
    rows = {r.key: r for r in context_diff.context_rows([{"warnings": WARNINGS_A, "command_line": COMMAND_A}])}
    assert rows["warnings"].values == ["; ".join(WARNINGS_A)]  # sentences: "; " between them
    assert rows["warnings"].items == [WARNINGS_A]
    assert rows["command_line"].values == [" ".join(COMMAND_A)]  # words: a command line


def test_long_context_values_are_cut_in_the_table_and_given_in_full_below(tmp_path):
    a, b = _long_context_pair(tmp_path)
    out = run(a, b).stdout
    section = out[out.index("Hardware and build"):]
    table = section[:section.index("\n\n", section.index("----"))]
    # Cells at most 60 wide for two reports: the table stays readable (it was 625 wide).
    assert max(len(line) for line in table.splitlines()) <= 3 + 38 + 2 + 2 * (60 + 2)
    warnings_row = [line for line in table.splitlines() if " warnings " in line][0]
    assert warnings_row.startswith("≠") and "…" in warnings_row
    below = section[len(table):]
    assert "warnings (≠), in full:" in below
    for w in WARNINGS_B:
        assert w in flat(below)
    # A command line of 85 characters: cut in the table, whole below; shared values once.
    assert "A, B: " + " ".join(COMMAND_A) in below
    # Markdown: complete (every warning in full, one bullet each), the cells cut at 80.
    md = run(a, b, "--markdown").stdout
    assert "warnings (≠), in full:" in md
    for w in WARNINGS_B:
        assert f"  - {w}" in md
    md_row = [line for line in md.splitlines() if line.startswith("| ≠ | warnings |")][0]
    assert len(md_row) < 2 * 80 + 30


def test_context_diff_measured_constants_differ_only_as_displayed():
    a = context(machine_constants={"core_ghz": 3.21076})
    b = context(machine_constants={"core_ghz": 3.21081})  # same to four significant figures
    (row,) = [r for r in context_diff.context_rows([a, b]) if r.key == "machine_constants.core_ghz"]
    assert row.values == ["3.211", "3.211"] and not row.differs


# ---------------------------------------------------------------------------------------
# Per-machine normalisation


def test_speedups_normalised_per_machine():
    a, b = load_report(str(BASE)), load_report(str(OTHER))
    seq_a, seq_b = sequential_index(a), sequential_index(b)
    ea = {e.run_name: e for e in a.entries}
    eb = {e.run_name: e for e in b.entries}
    # A carries speedup on its median rows: taken as given (1.9, not 100.3/52 = 1.929).
    assert entry_speedup(ea[W2], seq_a) == pytest.approx(1.9)
    # B has none: recomputed from B's own medians: 120.15 / 40.0 = 3.00375 (B's sequential,
    # not A's: B is the slower machine sequentially and the faster one in parallel).
    assert entry_speedup(eb[W2], seq_b) == pytest.approx(120.15 / 40.0)
    # http/threads on B has another URL (port) than B's http/sequential: report_loading's
    # groups keep them apart, compare.py pairs them: 60.9 / 30.9.
    assert eb[HTTP_W2].speedup is None
    assert entry_speedup(eb[HTTP_W2], seq_b) == pytest.approx(60.9 / 30.9)
    # A failed entry has no speedup.
    assert entry_speedup(eb[W8], seq_b) is None


def test_speedup_table_in_the_output():
    completed = run(BASE, OTHER)
    out = completed.stdout
    section = out[out.index("Speedup over each machine's own sequential run"):]
    row = table_row(section, W2)
    # A 1.90×, B 3.00×, B÷A = 3.00375 / 1.9 = 1.581
    assert row.split()[1:] == ["1.90×", "3.00×", "1.581"]
    assert "A: P=2; B: P=4" in section
    assert not any(line.startswith(SEQ + " ") for line in section.splitlines())


# ---------------------------------------------------------------------------------------
# Warnings (the comparison goes on)


def test_params_differences_warn_but_url_is_ignored(tmp_path):
    completed = run(BASE, OTHER)
    assert "params differ" not in completed.stderr  # only the http URLs differ
    base, other = fixture_reports()
    other = copy.deepcopy(other)
    for row in other["benchmarks"]:
        if row["run_name"] == SEQ:
            row["params"] = {"scale": 2}
    b = write(tmp_path / "b.json", other)
    completed = run(BASE, b)
    assert completed.returncode == 0
    assert f"warning: {SEQ}: params differ" in completed.stderr
    assert "(scale 1 vs 2)" in completed.stderr
    assert table_row(completed.stdout, SEQ)  # still compared


def test_suite_difference_warns(tmp_path):
    base, other = fixture_reports()
    other["context"]["suite"] = "quick"
    b = write(tmp_path / "b.json", other)
    completed = run(BASE, b)
    assert completed.returncode == 0
    assert "ran suite 'test'" in completed.stderr and "'quick'" in completed.stderr


def test_schema_difference_warns_when_two_versions_are_compared(tmp_path, capsys):
    # The reader accepts versions 1 to 4 (2 added optional context fields); comparing one of
    # each says so.
    assert SCHEMA_VERSION == 4
    v2 = _schema(2)(tmp_path)
    assert compare_command.main([str(BASE), str(v2)]) == 0
    err = capsys.readouterr().err
    assert f"{BASE} has concbench_schema_version 1, {v2} has 2: fields may mean different things" in err


def test_incomplete_report_warns(tmp_path):
    base, other = fixture_reports()
    other["complete"] = False
    b = write(tmp_path / "b.json", other)
    completed = run(BASE, b)
    assert completed.returncode == 0
    assert "incomplete run" in completed.stderr


# ---------------------------------------------------------------------------------------
# Markdown


def test_markdown_output():
    completed = run(BASE, OTHER, "--markdown")
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert out.startswith("# concbench comparison\n")
    assert "\n## B vs A: 7 entries compared\n" in out
    assert "\n## Hardware and build\n" in out
    assert "| entry | A median | B median | B/A | HL | 95 % own | 99.3 % corrected | reps |" in out
    assert "|---|--:|--:|--:|--:|--:|--:|--:|---|" in out
    seq = [line for line in out.splitlines() if line.startswith(f"| `{SEQ}` |")]
    assert seq and "| slower |" in seq[0]
    assert "| ≠ | usable CPUs (P) | 2 | 4 |" in out
    # No text-mode rules in Markdown.
    assert "\n-----" not in out and "=====" not in out


def test_help_documents_the_levels():
    completed = run("--help")
    assert completed.returncode == 0
    assert "Bonferroni" in completed.stdout and "Holm" in completed.stdout
    assert "insufficient repetitions" in completed.stdout
    # Why the intervals are Bonferroni's, not Holm's, and what the uncorrected column is.
    assert "Why not Holm" in completed.stdout and "step-down TEST procedure" in completed.stdout
    assert "NOT corrected" in completed.stdout and "CORRECTED interval" in completed.stdout
    readme = flat((REPO / "README.md").read_text())
    assert "Holm cannot be applied to intervals directly" in readme


def test_self_comparison_and_three_reports():
    completed = run(BASE, OTHER, BASE)
    assert completed.returncode == 0, completed.stderr
    assert "## " not in completed.stdout
    assert "B vs A: 7 entries compared" in completed.stdout
    assert "C vs A: 9 entries compared" in completed.stdout
    assert "is the BASE report itself" in completed.stderr


def test_a_cpython_report_is_matched_to_its_cpp_twins(tmp_path):
    cpython = write(tmp_path / "cpython.json", json.dumps(as_cpython(json.loads(OTHER.read_text()))))
    completed = run(BASE, cpython)
    assert completed.returncode == 0, completed.stderr
    assert "is a CPython report: its" in flat(completed.stdout)
    assert "python-threads ~ threads" in flat(completed.stdout)
    assert "B vs A:" in completed.stdout and "entries compared" in completed.stdout
    # Two CPython reports keep their own names: nothing to rename.
    both = run(cpython, cpython)
    assert both.returncode == 0, both.stderr
    assert "is a CPython report" not in both.stdout


# ---------------------------------------------------------------------------------------
# Bad input: exit status 2, one line naming the file, no traceback


def _truncated(tmp_path):
    text = BASE.read_text()
    return write(tmp_path / "cut.json", text[: len(text) // 2])


def _plain_google_benchmark(tmp_path):
    data = {"context": {"date": "x", "num_cpus": 2, "library_build_type": "release"},
            "benchmarks": [{"name": "BM_x", "run_name": "BM_x", "run_type": "iteration",
                            "real_time": 1.0, "cpu_time": 1.0, "time_unit": "ns", "iterations": 10}]}
    return write(tmp_path / "gb.json", data)


def _schema(version):
    def make(tmp_path):
        base, _ = fixture_reports()
        base["context"]["concbench_schema_version"] = version
        return write(tmp_path / f"v{version}.json", base)
    return make


def _disjoint(tmp_path):
    return write(tmp_path / "disjoint.json", report([entry("startup/x", "startup", "sequential", 1, {}, [1.0, 2.0])]))


BAD_INPUTS = {
    "missing-file": (lambda p: p / "nope.json", "nope.json: no such file"),
    "not-json": (lambda p: write(p / "bad.json", "hello, world"), "bad.json: not JSON"),
    "truncated": (_truncated, "cut.json: not JSON"),
    "plain-google-benchmark": (_plain_google_benchmark, "gb.json: not a concbench report"),
    "schema-too-new": (_schema(5), "v5.json: schema version 5 is newer"),
    "schema-unknown": (_schema(0), "v0.json: unknown concbench_schema_version 0"),
    "no-entry-in-common": (_disjoint, "disjoint.json: no entry in common"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input(tmp_path, case):
    make, expected = BAD_INPUTS[case]
    bad = make(tmp_path)
    completed = run(BASE, bad)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith("compare.py: ") and expected in lines[0]
    assert completed.stdout == ""


def test_truncated_report_says_so(tmp_path):
    # (The file's path holds "truncated" too, via the test's name: check the phrase itself.)
    completed = run(_truncated(tmp_path), OTHER)
    assert completed.returncode == 2
    assert "(the file ends early: truncated?)" in completed.stderr
    assert " at at " not in completed.stderr


@pytest.mark.parametrize("text,message,cut", [
    # Cut inside a string: json says where the string STARTS, not at the end of the file.
    ('{"context": {"suite": "qui', "not JSON: Unterminated string starting at line 1, column 23", True),
    ('{"context": {"suite": "quick"}, "benchmarks": [', "not JSON: Expecting value at line 1, column 48", True),
    ('{"context": {"suite": "quick"}, "complete": tru', "not JSON: Expecting value at line 1, column 45", True),
    ('{"context": {"suite": "quick"},\n "benchmarks": [1, 2', "not JSON: Expecting ',' delimiter at line 2, column 21", True),
    # A wrong character in the middle is not a truncation.
    ('{"context": {"suite": quick}, "benchmarks": []}', "not JSON: Expecting value at line 1, column 23", False),
    ('{"context": {}} trailing', "not JSON: Extra data at line 1, column 17", False),
])
def test_json_errors_read_well(tmp_path, text, message, cut):
    path = write(tmp_path / "r.json", text)
    with pytest.raises(ReportError) as caught:
        load_report(str(path))
    what = caught.value.what
    assert what.startswith(message), what
    assert what.endswith("(the file ends early: truncated?)") == cut, what
    assert " at at " not in what


@pytest.mark.parametrize("args,expected", [
    ([], "need at least two reports"),
    (["BASE"], "need at least two reports"),
    (["BASE", "OTHER", "--alpha", "2"], "--alpha"),
    (["BASE", "OTHER", "--alpha", "x"], "--alpha"),
    (["BASE", "OTHER", "--fail-above", "abc"], "--fail-above"),
    (["BASE", "OTHER", "--fail-above", "-1"], "--fail-above"),
    (["BASE", "OTHER", "--bogus"], "unrecognized arguments: --bogus"),
])
def test_bad_flags(args, expected):
    args = [str(BASE) if a == "BASE" else str(OTHER) if a == "OTHER" else a for a in args]
    completed = run(*args)
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("compare.py: error: ") and expected in lines[0]


if __name__ == "__main__":
    FIXTURES.mkdir(parents=True, exist_ok=True)
    base_report, other_report = fixture_reports()
    write(BASE, base_report)
    write(OTHER, other_report)
    print(f"wrote {BASE} and {OTHER}")
