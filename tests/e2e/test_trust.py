"""Random interleaving and the warm-up, as a user sees them: both on by default and recorded in
the report (each round in its own order), every entry still with all its repetitions, progress
that counts repetitions, the opt-outs, bad values refused, and Ctrl-C in the middle of an
interleaved run. Never speed."""

import json
import os
import signal
import subprocess
from collections import defaultdict

import pytest

from e2e_support import SMALL_RUN_FLAGS
from test_faults_and_signals import has_rows, wait_for

REPETITIONS = 2  # SMALL_RUN_FLAGS' --benchmark_repetitions


@pytest.fixture(scope="session")
def plain_run(concbench_binary, tmp_path_factory):
    """The small run with both turned off, as concbench ran before them."""
    report_path = tmp_path_factory.mktemp("plain-run") / "r.json"
    completed = subprocess.run(
        [concbench_binary, *SMALL_RUN_FLAGS, "--interleaving=off", "--warm-up=off", f"--out={report_path}"],
        capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    return {"completed": completed, "report": json.loads(report_path.read_text())}


def iteration_rows_by_entry(report):
    rows = defaultdict(list)
    for row in report["benchmarks"]:
        if row["run_type"] == "iteration":
            rows[row["run_name"]].append(row)
    return rows


def same_order_every_round(report):
    """Whether every round ran its entries in the same order (--interleaving=off)."""
    rows = sorted((row for rows in iteration_rows_by_entry(report).values() for row in rows),
                  key=lambda row: row["run_position"])
    orders = defaultdict(list)
    for row in rows:
        orders[row["round"]].append(row["run_name"])
    return len({tuple(order) for order in orders.values()}) == 1


def test_interleaving_and_warm_up_are_on_by_default_and_recorded(small_run):
    report = small_run["report"]
    assert small_run["completed"].returncode == 0, small_run["completed"].stderr
    interleaving = report["context"]["interleaving"]
    assert interleaving["enabled"] is True and isinstance(interleaving["seed"], int), interleaving
    assert report["context"]["precision"]["seed"] == interleaving["seed"]
    assert report["context"]["warm_up"]["enabled"] is True
    by_entry = iteration_rows_by_entry(report)
    # Every repetition has its own place in the run, and the places are 0 .. all - 1.
    positions = [row["run_position"] for rows in by_entry.values() for row in rows]
    assert sorted(positions) == list(range(len(positions)))
    # Interleaved: the rounds ran their entries in different orders (two shuffles of ~85
    # entries that agree do not happen).
    assert not same_order_every_round(report)
    warm_ups = {row["run_name"]: row["warm_up"] for row in report["benchmarks"]}
    # The quick suite's batches are all under 0.5 s: every entry warmed up one way or the other.
    assert "none" not in warm_ups.values(), [name for name, warm_up in warm_ups.items() if warm_up == "none"]
    for name, warm_up in warm_ups.items():
        every = "/pool:warm" in name or name.startswith("startup/")
        assert warm_up == ("before-every-repetition" if every else "before-first-repetition"), (name, warm_up)


def test_interleaving_keeps_every_entry_with_all_its_repetitions(small_run, plain_run):
    interleaved = iteration_rows_by_entry(small_run["report"])
    plain = iteration_rows_by_entry(plain_run["report"])
    assert set(interleaved) == set(plain)
    for report in (small_run["report"], plain_run["report"]):
        for row in report["benchmarks"]:
            assert row["measured_repetitions"] == REPETITIONS, row["name"]
        medians = {row["run_name"] for row in report["benchmarks"] if row.get("aggregate_name") == "median"}
        assert medians == set(interleaved)
    for name, rows in interleaved.items():
        assert sorted(row["repetition_index"] for row in rows) == list(range(REPETITIONS)), name
        assert not any(row.get("error_occurred") for row in rows), name


def test_the_opt_outs_run_each_entry_back_to_back_without_a_warm_up(plain_run):
    report = plain_run["report"]
    assert report["context"]["interleaving"]["enabled"] is False
    assert report["context"]["warm_up"]["enabled"] is False
    assert same_order_every_round(report)
    for row in report["benchmarks"]:
        # A warm pool keeps its untimed batch and a start-up its untimed start: that is what they are.
        every = "/pool:warm" in row["run_name"] or row["run_name"].startswith("startup/")
        assert row["warm_up"] == ("before-every-repetition" if every else "none"), row["name"]


def test_progress_counts_repetitions_and_reaches_the_end(small_run):
    stdout = small_run["completed"].stdout
    assert "in a new random order each round" in stdout
    repetition_lines = [line.strip() for line in stdout.splitlines() if line.startswith("  rep ")]
    assert repetition_lines, stdout
    total = sum(len(rows) for rows in iteration_rows_by_entry(small_run["report"]).values())
    # The first repetition names what ran: the entry and its repetition k/n.
    assert repetition_lines[0].startswith(f"rep 1/{total} "), repetition_lines[0]
    assert f" 1/{REPETITIONS} " in repetition_lines[0], repetition_lines[0]
    assert repetition_lines[-1].startswith(f"rep {total}/{total} (100 %)"), repetition_lines[-1]
    # A log is not a wall: far fewer repetition lines than repetitions.
    assert len(repetition_lines) < total / 4, len(repetition_lines)
    entry_lines = [line for line in stdout.splitlines() if line.startswith("[")]
    assert len(entry_lines) == len(iteration_rows_by_entry(small_run["report"]))
    # A line with a speedup waited for its sequential entry: every parallel entry of a batch
    # that has one shows it.
    names = [line.split("] ", 1)[1].split()[0] for line in entry_lines]
    parallel_cpu = [line for line, name in zip(entry_lines, names)
                    if name.startswith("cpu/") and "/sequential/" not in name]
    assert parallel_cpu and all("speedup" in line for line in parallel_cpu), parallel_cpu[:5]


def test_the_plain_run_shows_the_same_kind_of_progress(plain_run):
    stdout = plain_run["completed"].stdout
    assert "in a random order" not in stdout
    assert any(line.startswith("  rep 1/") for line in stdout.splitlines()), stdout
    entry_lines = [line for line in stdout.splitlines() if line.startswith("[")]
    assert entry_lines[-1].startswith(f"[{len(entry_lines)}/{len(entry_lines)}]")


@pytest.mark.parametrize("args,message", [
    (["--interleaving=sometimes"], "--interleaving: 'sometimes' is not one of on, off"),
    (["--warm-up=3"], "--warm-up: '3' is not one of on, off"),
    (["--warm-up"], "--warm-up needs a value"),
    (["--benchmark_enable_random_interleaving=banana"], "'banana' is not one of on, off"),
    (["--interleaving=off", "--benchmark_enable_random_interleaving=true"], "contradicts --interleaving"),
    (["--benchmark_min_warmup_time=1"], "see --warm-up"),
])
def test_bad_values_of_the_new_flags_exit_2_with_one_line(concbench_binary, args, message):
    completed = subprocess.run([concbench_binary, *args], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2, (args, completed.stdout, completed.stderr)
    assert completed.stderr.startswith("concbench: ") and message in completed.stderr.splitlines()[0], completed.stderr
    assert completed.stdout == ""


def test_google_benchmarks_own_opt_out_works(concbench_binary, tmp_path):
    report_path = tmp_path / "r.json"
    completed = subprocess.run(
        [concbench_binary, "--suite=quick", "--workloads=cpu", "--models=sequential,threads", "--cpu-scale=0.01",
         "--benchmark_repetitions=3", "--benchmark_enable_random_interleaving=false", f"--out={report_path}"],
        capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(report_path.read_text())
    assert report["context"]["interleaving"]["enabled"] is False
    assert same_order_every_round(report)


def in_second_round(partial):
    """Whether the partial report has a row of the second round (round 1)."""
    if not has_rows(partial):
        return False
    try:
        return any(row.get("round", 0) >= 1 for row in json.loads(partial.read_text())["benchmarks"])
    except (OSError, ValueError, KeyError):
        return False


def test_ctrl_c_in_an_interleaved_run_keeps_what_was_measured_and_says_it_is_incomplete(concbench_binary, tmp_path):
    """Stopped in a round after the first, every entry keeps the repetitions of the rounds before;
    those of the round in progress that had not run say they were interrupted, no later round
    starts, and every entry is in the report."""
    report_path = tmp_path / "r.json"
    flags = ["--suite=quick", "--workloads=sleep", "--models=sequential,threads,coroutines", "--time-scale=0.5",
             "--benchmark_repetitions=6"]
    listed = subprocess.run([concbench_binary, *flags, "--list"], capture_output=True, text=True, timeout=60)
    planned = {line for line in listed.stdout.splitlines() if line.startswith("sleep/")}
    run = subprocess.Popen([concbench_binary, *flags, f"--out={report_path}"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert wait_for(lambda: in_second_round(tmp_path / "r.partial.json"), 120), "no second round within two minutes"
        os.killpg(run.pid, signal.SIGINT)
        stdout, stderr = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
    assert run.returncode == 130, stderr
    report = json.loads(report_path.read_text())
    assert report["complete"] is False
    assert report["context"]["interleaving"]["enabled"] is True
    by_entry = iteration_rows_by_entry(report)
    assert set(by_entry) == planned
    partial = []
    rounds_run = max(row["round"] for rows in by_entry.values() for row in rows) + 1
    for name, rows in by_entry.items():
        # One row per round it was in: the stop ends the round in progress, and no other starts.
        assert sorted(row["round"] for row in rows) == list(range(rounds_run)), name
        measured = [row for row in rows if not row.get("error_occurred")]
        assert all(row["measured_repetitions"] == len(measured) for row in rows), name
        for row in rows:
            if row.get("error_occurred"):
                assert "interrupted" in row["error_message"], row["error_message"]
        errors = [row for row in rows if row.get("error_occurred")]
        # Only the round in progress can hold a repetition the stop reached.
        assert all(row["round"] == rounds_run - 1 for row in errors), name
        if measured and errors:
            partial.append(name)
    assert partial, "a run stopped after its first round leaves entries partly measured"
    # Their console lines say so instead of FAILED.
    assert any("incomplete:" in line for line in stdout.splitlines() if line.startswith("[")), stdout
