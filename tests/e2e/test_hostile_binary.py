"""The concbench binary against a hostile tester: each test is named after the item of the
issue "nothing destroyed, nothing stale, nothing hung" it covers, and failed on the tree before
the fix. Device nodes and fifos are made in a temporary folder (never the machine's /dev/null),
disk-full comes from RLIMIT_FSIZE, nothing is mounted, and nothing leaves 127.0.0.1."""

import contextlib
import json
import os
import pathlib
import resource
import signal
import stat
import subprocess
import time

import pytest

import process_leak_check
from test_faults_and_signals import wait_for

PREVIOUS_REPORT = '{"context": {"concbench_schema_version": 1}, "benchmarks": [{"name": "old"}]}\n'
# Entries of a few milliseconds, so a run is over in seconds.
TINY_CPU = ["--workloads=cpu", "--cpu-scale=0.01"]


def run(binary, args, **kwargs):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=kwargs.pop("timeout", 300),
                          **kwargs)


@contextlib.contextmanager
def started(binary, args, **kwargs):
    """A run in its own session, killed and reaped if the test leaves it running."""
    process = subprocess.Popen([binary, *args], text=True, start_new_session=True, **kwargs)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def one_line(text):
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


# -- a filter that selects nothing leaves no stale report -----------------------------------------

def test_a_filter_that_matches_only_concbenchs_name_runs_nothing_and_leaves_the_report(concbench_binary,
                                                                                           tmp_path):
    """'N:1000$' matches the entry name empty/sequential/N:1000 but not Google Benchmark's run
    name (…/N:1000/iterations:1/repeats:2/process_time/manual_time): it used to run nothing,
    print `report: PATH` and exit 0 with an older report at PATH passing for new."""
    report = tmp_path / "r.json"
    report.write_text(PREVIOUS_REPORT)
    listed = run(concbench_binary, ["--workloads=empty", "--models=sequential", "--list"])
    assert "empty/sequential/N:1000\n" in listed.stdout, listed.stdout
    completed = run(concbench_binary, ["--workloads=empty", "--models=sequential", "--benchmark_filter=N:1000$",
                                       "--benchmark_repetitions=2", f"--out={report}"])
    assert completed.returncode == 2, completed.stderr
    line = one_line(completed.stderr)
    assert "matches none of the" in line and "manual_time" in line, line
    assert not [line for line in completed.stdout.splitlines() if line.startswith("report:")]
    assert report.read_text() == PREVIOUS_REPORT


def test_the_filter_selects_what_google_benchmark_selects(concbench_binary, tmp_path):
    """The same filter selects the same entries in --list and in the run, matched as Google
    Benchmark matches: its own run names, its own regular expressions."""
    flags = ["--workloads=empty", "--models=sequential,threads", "--workers=2", "--benchmark_repetitions=2",
             "--benchmark_filter=sequential/N:1000/iter"]
    listed = run(concbench_binary, [*flags, "--list"])
    assert listed.returncode == 0, listed.stderr
    names = [line for line in listed.stdout.splitlines() if "/" in line and " " not in line]
    assert names == ["empty/sequential/N:1000"], listed.stdout
    report = tmp_path / "r.json"
    completed = run(concbench_binary, [*flags, f"--out={report}"])
    assert completed.returncode == 0, completed.stderr
    ran = {row["run_name"] for row in json.loads(report.read_text())["benchmarks"]}
    assert ran == set(names)
    # What Google Benchmark cannot compile is refused before anything runs, in its words.
    refused = run(concbench_binary, [*flags[:-1], r"--benchmark_filter=N:1000\d", f"--out={tmp_path}/s.json"])
    assert refused.returncode == 2
    assert "is not a regular expression Google Benchmark accepts" in one_line(refused.stderr)
    assert not (tmp_path / "s.json").exists()


# -- a dead fork server fails only the entries that need it -------------------------------------

def descendant_named(pid, name):
    """A process below `pid` whose name (comm) is `name`, or None."""
    for child in process_leak_check.descendants(pid):
        try:
            if pathlib.Path(f"/proc/{child}/comm").read_text().strip() == name:
                return child
        except OSError:
            pass
    return None


@pytest.mark.parametrize("workloads,workers", [("sleep,startup", "2"), ("startup,sleep", "64")],
                         ids=["while-pools-run", "while-it-forks-64-workers"])
def test_a_killed_fork_server_fails_its_entries_and_the_run_ends_complete(concbench_binary, tmp_path,
                                                                               workloads, workers):
    """SIGKILL of the fork server while processes-fork entries run used to end in
    std::terminate (exit 134, a core dump) with no final report. Killed while it forks many
    workers, some it forked are never announced: they too are killed and reaped (the per-test
    leak check would name any left)."""
    report = tmp_path / "r.json"
    progress = tmp_path / "r.partial.json"
    with started(concbench_binary, [f"--workloads={workloads}", "--models=processes-fork,threads",
                                    f"--workers={workers}", "--time-scale=0.2", "--benchmark_repetitions=20",
                                    "--interleaving=off", f"--out={report}"],
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE) as run_:
        assert wait_for(lambda: progress.exists(), 120), "the run did not start"
        server = descendant_named(run_.pid, "concbench-forks")
        assert server, "the fork server should be running"
        time.sleep(0.3)  # into the first entries, seconds before the run could end
        os.kill(server, signal.SIGKILL)
        stdout, stderr = run_.communicate(timeout=300)
    assert run_.returncode == 1, stderr
    assert "terminate called" not in stderr and "Aborted" not in stderr
    saved = json.loads(report.read_text())
    assert saved["complete"] is True
    lost = saved["context"]["fork_server_lost"]
    assert f"(pid {server}) was killed by signal SIGKILL (9)" in lost, lost
    rows = saved["benchmarks"]
    fork_errors = [r["error_message"] for r in rows
                   if r.get("error_occurred") and ("processes-fork" in r["name"] or "floor-fork" in r["name"])]
    assert fork_errors, "the entries that need the fork server fail"
    assert all("SIGKILL" in message for message in fork_errors), fork_errors
    assert any(message.startswith("skipped: ") for message in fork_errors), fork_errors
    others = [r for r in rows if "/threads/" in r["name"] and r["run_type"] == "iteration"]
    assert others and not any(r.get("error_occurred") for r in others), "every other model goes on"
    assert "report:" in stdout


# -- the repetition cap, and Ctrl-C at it ------------------------------------------------------

def test_repetitions_above_the_cap_are_refused(concbench_binary, tmp_path):
    completed = run(concbench_binary, ["--benchmark_repetitions=10001", f"--out={tmp_path}/r.json"])
    assert completed.returncode == 2
    assert "is above 10000" in one_line(completed.stderr)
    assert not list(tmp_path.iterdir())


def test_one_ctrl_c_at_the_cap_stops_the_run_and_keeps_every_finished_row(concbench_binary, tmp_path):
    """With 10,000 rounds of two entries, one SIGINT ends the run within a generous bound
    (BENCHMARKS.md gives the time measured), every repetition measured is in the report, and
    no round starts after it."""
    report = tmp_path / "r.json"
    with started(concbench_binary, ["--workloads=empty", "--models=sequential", "--benchmark_repetitions=10000",
                                    f"--out={report}"],
                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as run_:
        assert wait_for(lambda: (tmp_path / "r.partial.json").exists(), 120), "the run did not start"
        time.sleep(2)
        sent = time.monotonic()
        os.kill(run_.pid, signal.SIGINT)
        _, stderr = run_.communicate(timeout=120)
        took = time.monotonic() - sent
    assert run_.returncode == 130, stderr
    assert took < 60, took
    saved = json.loads(report.read_text())
    assert saved["complete"] is False and saved["context"]["interrupted_by"] == "SIGINT"
    measured = [r for r in saved["benchmarks"] if r["run_type"] == "iteration" and not r.get("error_occurred")]
    assert measured, "the repetitions measured before Ctrl-C are kept"
    iterations = [r for r in saved["benchmarks"] if r["run_type"] == "iteration"]
    indices = [(r["run_name"], r["repetition_index"]) for r in iterations]
    assert len(indices) == len(set(indices))
    rounds = max(r["round"] for r in iterations) + 1
    assert rounds < 10000 and saved["context"]["precision"]["rounds"] == rounds
    for name in {r["run_name"] for r in iterations}:
        assert sorted(r["repetition_index"] for r in iterations if r["run_name"] == name) == list(range(rounds)), name


# -- a full disk ---------------------------------------------------------------------------------

def limited_file_size(limit):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    return apply


def test_a_disk_full_at_the_start_is_refused_before_anything_runs(concbench_binary, tmp_path):
    """The writability check used to write an empty file, pass, and fail only later."""
    report = tmp_path / "r.json"
    report.write_text(PREVIOUS_REPORT)
    completed = run(concbench_binary, [*TINY_CPU, "--benchmark_repetitions=2", "--models=sequential", f"--out={report}"],
                    preexec_fn=limited_file_size(8 * 1024))
    assert completed.returncode == 2, completed.stderr
    assert "a test write of 64 KiB" in one_line(completed.stderr)
    assert not [line for line in completed.stdout.splitlines() if line.startswith("report:")]
    assert report.read_text() == PREVIOUS_REPORT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_a_disk_filling_mid_run_stops_it_and_keeps_the_previous_report(concbench_binary, tmp_path):
    """A run whose disk fills used to replace the previous good report with a partial one and
    keep measuring for 40 s before saying `report: PATH`."""
    report = tmp_path / "r.json"
    report.write_text(PREVIOUS_REPORT)
    completed = run(concbench_binary, [*TINY_CPU, "--models=sequential,threads,thread-per-task", "--workers=1,2",
                                       "--benchmark_repetitions=20", f"--out={report}"],
                    preexec_fn=limited_file_size(80 * 1024))
    assert completed.returncode == 1, completed.stderr
    assert "stopping the run" in completed.stderr
    last = completed.stderr.strip().splitlines()[-1]
    assert last.startswith("concbench: the run was stopped at its first failed write (")
    assert "File too large" in last and f"{report} was left as it was" in last, last
    assert not [line for line in completed.stdout.splitlines() if line.startswith("report:")]
    assert report.read_text() == PREVIOUS_REPORT
    assert not [p for p in tmp_path.iterdir() if ".tmp." in p.name]


# -- the one output rule ------------------------------------------------------------------------

def test_output_rule_a_device_is_refused_and_stays_a_device(concbench_binary, tmp_path):
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    completed = run(concbench_binary, [*TINY_CPU, "--benchmark_repetitions=2", "--models=sequential", f"--out={device}"])
    assert completed.returncode == 2
    assert "is a character device" in one_line(completed.stderr)
    assert stat.S_ISCHR(os.stat(device).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_output_rule_an_unrelated_file_is_refused_unless_forced(concbench_binary, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# a project\n")
    refused = run(concbench_binary, [*TINY_CPU, "--benchmark_repetitions=2", "--models=sequential", f"--out={readme}"])
    assert refused.returncode == 2
    assert "is not a concbench report" in one_line(refused.stderr) and "--force" in refused.stderr
    assert readme.read_text() == "# a project\n"
    forced = run(concbench_binary, [*TINY_CPU, "--benchmark_repetitions=2", "--models=sequential", "--force", f"--out={readme}"])
    assert forced.returncode == 0, forced.stderr
    assert json.loads(readme.read_text())["complete"] is True


def test_output_rule_a_link_is_followed_and_the_report_gets_the_umasks_mode(concbench_binary, tmp_path):
    (tmp_path / "kept").mkdir()
    target = tmp_path / "kept" / "r.json"
    link = tmp_path / "latest.json"
    link.symlink_to("kept/r.json")
    old_umask = os.umask(0o022)
    try:
        completed = run(concbench_binary, [*TINY_CPU, "--benchmark_repetitions=2", "--models=sequential", f"--out={link}"])
    finally:
        os.umask(old_umask)
    assert completed.returncode == 0, completed.stderr
    assert link.is_symlink()
    assert json.loads(target.read_text())["complete"] is True
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    assert f"report:    {target}" in completed.stdout, completed.stdout
    # The timeline file is where the report says: beside what the link points at.
    assert json.loads(target.read_text())["timelines_file"] == "r.timelines.json"
    assert stat.S_IMODE(os.stat(tmp_path / "kept" / "r.timelines.json").st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept", "latest.json"]


# -- messages that name the real cause ---------------------------------------------------------

def limited(resource_id, value):
    def apply():
        resource.setrlimit(resource_id, (value, value))
    return apply


def test_a_killed_worker_is_named_with_its_signal(concbench_binary, tmp_path):
    """The error kept used to be a consequence ('task 76 … stopped before it finished: the batch
    ended when task 77's worker process failed'), never the signal."""
    report = tmp_path / "r.json"
    with started(concbench_binary, ["--workloads=sleep", "--models=processes-fork", "--workers=4", "--time-scale=20",
                                    "--benchmark_repetitions=1", "--warm-up=off", f"--out={report}"],
                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as run_:
        assert wait_for(lambda: descendant_named(run_.pid, "concbench-wkr"), 120), "no worker started"
        time.sleep(0.5)
        os.kill(descendant_named(run_.pid, "concbench-wkr"), signal.SIGKILL)
        _, stderr = run_.communicate(timeout=300)
    assert run_.returncode == 1, stderr
    failed = [r for r in json.loads(report.read_text())["benchmarks"] if r.get("error_occurred")]
    assert failed
    message = failed[0]["error_message"]
    assert "was killed by signal SIGKILL (9)" in message, message
    assert not message.split(" (and ")[0].endswith("failed"), message


def test_running_out_of_descriptors_says_so(concbench_binary, tmp_path):
    """`ulimit -n 64` used to give 'the fork server sent a malformed message'."""
    completed = run(concbench_binary, ["--workloads=sleep", "--models=processes-fork,processes-spawn", "--workers=8",
                                       "--time-scale=0.05", "--benchmark_repetitions=1", f"--out={tmp_path}/r.json"],
                    preexec_fn=limited(resource.RLIMIT_NOFILE, 64))
    assert completed.returncode == 1, completed.stderr
    errors = [r["error_message"] for r in json.loads((tmp_path / "r.json").read_text())["benchmarks"]
              if r.get("error_occurred")]
    assert errors, "a hundred workers at once cannot fit in 64 descriptors"
    for message in errors:
        assert "malformed" not in message and "is the worker binary" not in message, message
        assert "descriptors in use (ulimit -n)" in message, message


def test_a_thread_refused_for_address_space_names_ulimit_v(concbench_binary, tmp_path):
    """`ulimit -v` thread failures used to be blamed on RLIMIT_NPROC, threads-max and pid_max."""
    completed = run(concbench_binary, ["--workloads=sleep", "--models=threads", "--workers=100", "--time-scale=0.05",
                                       "--benchmark_repetitions=1", f"--out={tmp_path}/r.json"],
                    preexec_fn=limited(resource.RLIMIT_AS, 400 * 1024 * 1024))
    assert completed.returncode == 1, completed.stderr
    errors = [r["error_message"] for r in json.loads((tmp_path / "r.json").read_text())["benchmarks"]
              if r.get("error_occurred")]
    assert errors
    for message in errors:
        assert "the OS refused a new thread (EAGAIN): ulimit -v (RLIMIT_AS) 409600 KiB" in message, message
