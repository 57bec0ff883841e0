"""The rounds as a user sees them (benchmarks/rounds.cpp, benchmarks/entries/round_plan.hpp): a
seed replays the order, a bad --precision, --budget or --seed is one line and exit status 2, a
precision-driven run stops its entries and says so, and --list says what the budget covers."""

import json
import subprocess

import pytest

# A few cheap entries: cpu at the smallest scale under two models.
TINY = ["--workloads=cpu", "--models=sequential,threads", "--workers=2", "--cpu-scale=0.01"]


def run(binary, args, timeout=300):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=timeout)


def order_of(report):
    rows = [row for row in report["benchmarks"] if row["run_type"] == "iteration"]
    return [(row["run_name"], row["round"], row["repetition_index"])
            for row in sorted(rows, key=lambda row: row["run_position"])]


def test_the_same_seed_gives_the_same_order_row_by_row(concbench_binary, tmp_path):
    orders = []
    for attempt in range(2):
        report_path = tmp_path / f"r{attempt}.json"
        completed = run(concbench_binary, [*TINY, "--benchmark_repetitions=4", "--seed=12345",
                                           "--benchmark_filter=-pool:warm", f"--out={report_path}"])
        assert completed.returncode == 0, completed.stderr
        assert "seed 12345" in completed.stdout
        report = json.loads(report_path.read_text())
        assert report["context"]["interleaving"]["seed"] == 12345
        assert report["context"]["precision"]["seed"] == 12345
        assert report["context"]["precision"]["rounds"] == 4
        orders.append(order_of(report))
    assert orders[0] == orders[1]
    # Round by round: each entry once per round, its repetitions counted in order.
    assert [round_ for _, round_, _ in orders[0]] == sorted(round_ for _, round_, _ in orders[0])
    for name in {name for name, _, _ in orders[0]}:
        assert [index for entry, _, index in orders[0] if entry == name] == [0, 1, 2, 3]
    # And the rounds were shuffled: not every round in the same order (2 entries, 4 rounds: a
    # chance of 1 in 8 that a seed keeps one order; this seed does not).
    per_round = [[name for name, round_, _ in orders[0] if round_ == r] for r in range(4)]
    assert len({tuple(names) for names in per_round}) > 1


@pytest.mark.parametrize("flag, message", [
    ("--precision=0", "--precision: '0' must be above 0 %"),
    ("--precision=two", "--precision: 'two' is not a percentage"),
    ("--precision=150%", "--precision: '150%' is above 100 %"),
    ("--budget=5x", "--budget: '5x' is not a duration"),
    ("--budget=0s", "--budget: '0s' must be longer than 0"),
    ("--budget=2000h", "is longer than"),
    ("--budget=", "--budget needs a value"),
    ("--seed=-3", "--seed: '-3' is not a whole number"),
    ("--seed=9007199254740992", "is above 9007199254740991"),
])
def test_a_bad_precision_budget_or_seed_is_one_line_and_exit_2(concbench_binary, flag, message):
    for extra in ([], ["--list"]):
        completed = run(concbench_binary, [*TINY, flag, *extra], timeout=60)
        assert completed.returncode == 2, completed
        lines = completed.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], completed.stderr
        assert completed.stdout == ""


def test_precision_and_a_fixed_count_contradict(concbench_binary):
    completed = run(concbench_binary, [*TINY, "--precision=2%", "--benchmark_repetitions=3"], timeout=60)
    assert completed.returncode == 2
    assert "--precision contradicts --benchmark_repetitions" in completed.stderr


def test_a_precision_driven_run_stops_each_entry_once_precise(concbench_binary, tmp_path):
    """A loose precision is reached at the fewest repetitions that give an interval: every entry
    stops there, the report's context says so, and the closing line counts it."""
    report_path = tmp_path / "r.json"
    completed = run(concbench_binary, [*TINY, "--benchmark_filter=-pool:warm", "--precision=60%", "--budget=2m",
                                       f"--out={report_path}"])
    assert completed.returncode == 0, completed.stderr
    report = json.loads(report_path.read_text())
    precision = report["context"]["precision"]
    assert precision["target_pct"] == 60 and precision["budget_s"] == 120
    assert precision["entries"] == 2 and precision["reached"] == 2 and precision["not_run"] == []
    # Not before the fewest repetitions that give an interval (11 for p25); on a busy machine an
    # entry may need a few more.
    assert 11 <= precision["rounds"] < 200, precision
    counts = []
    for name in {row["run_name"] for row in report["benchmarks"]}:
        rows = [row for row in report["benchmarks"] if row["run_name"] == name and row["run_type"] == "iteration"]
        assert 11 <= len(rows) <= precision["rounds"], name
        counts.append(len(rows))
    assert max(counts) == precision["rounds"]
    assert "2 of 2 entries reached 60 %" in completed.stdout, completed.stdout
    assert f"in {precision['rounds']} rounds" in completed.stdout


def test_list_says_what_the_budget_covers_and_the_run_leaves_out_the_rest(concbench_binary, tmp_path):
    """A budget too small for every entry's minimum keeps the tutorials' cpu entry first, then
    the others in order while they fit, in --list, on the console and in the report. (By the
    nominal estimates: about 64 ms for the 6 repetitions every entry gets of the cpu entry, 0.6 s of
    each start-up entry; with a precision target the minimum may take three quarters of the
    budget, 1.2 s of 1.6 s. The cut plans on those estimates in the run too, so --list and the
    run agree whatever calibration took.)"""
    flags = ["--workloads=cpu,startup", "--models=sequential,processes-fork", "--workers=2", "--cpu-scale=0.01",
             "--benchmark_filter=sequential|startup", "--budget=1.6s", "--precision=60%"]
    listed = run(concbench_binary, [*flags, "--list"], timeout=60)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    names = [line for line in lines if "/" in line]
    assert names == ["cpu/sequential/scale:0.01", "startup/floor-fork-server/W:2", "startup/processes-fork/W:2"]
    assert "for 6 repetitions, within the budget" in lines[lines.index("cpu/sequential/scale:0.01") + 1]
    assert "within the budget" in lines[lines.index("startup/floor-fork-server/W:2") + 1]
    assert "beyond the budget: not run" in lines[lines.index("startup/processes-fork/W:2") + 1]
    assert "covers 2 of them" in lines[-1] and "the other 1 would not run" in lines[-1], lines[-1]
    report_path = tmp_path / "r.json"
    completed = run(concbench_binary, [*flags, f"--out={report_path}"])
    assert completed.returncode == 0, completed.stderr
    assert "are not run: startup/processes-fork/W:2" in completed.stdout, completed.stdout
    report = json.loads(report_path.read_text())
    assert report["context"]["precision"]["not_run"] == ["startup/processes-fork/W:2"]
    assert report["context"]["precision"]["entries"] == 2
    ran = {row["run_name"] for row in report["benchmarks"]}
    assert ran == {"cpu/sequential/scale:0.01", "startup/floor-fork-server/W:2"}
