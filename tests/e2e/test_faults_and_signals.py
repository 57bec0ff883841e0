"""What happens when things go wrong, as a user sees it: Ctrl-C and SIGTERM in the middle of a
run, a task time-out, a run too big to be meant, and the OS refusing threads for real (an
unprivileged user with a low `ulimit -u`)."""

import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

import process_leak_check  # tests/process_leak_check.py, on the path through conftest.py

# Long enough to be interrupted in the middle: sleeps at their real length, every process model.
INTERRUPTIBLE_RUN = ["--suite=quick", "--workloads=sleep,http", "--cpu-scale=0.01",
                     "--models=sequential,threads,processes-fork,processes-spawn,coroutines",
                     "--benchmark_repetitions=3"]


def alive(pid):
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def has_rows(report):
    try:
        return bool(json.loads(report.read_text())["benchmarks"])
    except (OSError, ValueError, KeyError):
        return False


def interrupt_a_run(binary, tmp_path, sig):
    """Starts a run in its own session, waits for its first finished entry (the report exists),
    sends `sig` to the whole process group as a terminal's Ctrl-C does, and returns what the
    user is left with."""
    report = tmp_path / "r.json"
    run = subprocess.Popen([binary, *INTERRUPTIBLE_RUN, f"--out={report}"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        # While the run goes on its rows are in the partial report; r.json comes at the end.
        assert wait_for(lambda: has_rows(tmp_path / "r.partial.json"), 120), "no entry finished within two minutes"
        time.sleep(0.3)  # into the middle of the next entry
        helpers = process_leak_check.descendants(run.pid)
        assert helpers, "the fork server should be running"
        os.killpg(run.pid, sig)
        stdout, stderr = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
    return run.returncode, stdout, stderr, json.loads(report.read_text()), helpers


@pytest.mark.parametrize("sig,status,name", [(signal.SIGINT, 130, "SIGINT"), (signal.SIGTERM, 143, "SIGTERM")])
def test_a_signal_stops_the_run_keeps_a_valid_report_and_leaves_nothing(concbench_binary, tmp_path, sig, status,
                                                                        name):
    returncode, stdout, stderr, report, helpers = interrupt_a_run(concbench_binary, tmp_path, sig)
    assert returncode == status, stderr
    assert f"interrupted by {name}" in stderr
    assert "Traceback" not in stderr and "terminate called" not in stderr
    assert report["complete"] is False
    assert report["context"]["interrupted_by"] == name
    rows = report["benchmarks"]
    finished = [r for r in rows if not r.get("error_occurred")]
    interrupted = [r for r in rows if r.get("error_occurred")]
    assert finished, "the entries measured before the signal stay in the report"
    assert interrupted, "the entries after the signal are marked"
    for row in interrupted:
        assert "interrupted" in row["error_message"], row["error_message"]
        # Ctrl-C reached the terminal's process group: nothing may look like a crashed worker.
        assert "worker process" not in row["error_message"] or "killed by" not in row["error_message"]
    # The fork server, its workers and the http server are gone, not orphaned.
    assert wait_for(lambda: not any(alive(pid) for pid in helpers), 10), [p for p in helpers if alive(p)]
    timelines = tmp_path / "r.timelines.json"
    json.loads(timelines.read_text())


def test_a_task_over_the_time_out_fails_its_entry_naming_the_tasks(concbench_binary, tmp_path):
    report_path = tmp_path / "r.json"
    completed = subprocess.run(
        [concbench_binary, "--suite=quick", "--workloads=sleep", "--models=threads,processes-fork",
         "--time-scale=0.5", "--task-timeout-ms=1", "--benchmark_repetitions=1", f"--out={report_path}"],
        capture_output=True, text=True, timeout=300)
    assert completed.returncode == 1, completed.stderr
    report = json.loads(report_path.read_text())
    assert report["complete"] is True  # the run went on to the end
    rows = report["benchmarks"]
    assert rows and all(r.get("error_occurred") for r in rows)
    for row in rows:
        assert "did not finish within the task time-out (1 ms, --task-timeout-ms)" in row["error_message"], \
            row["error_message"]
        assert "sleep under " + row["model"] + ": task" in row["error_message"], row["error_message"]


def test_scenario_and_startup_entries_over_the_time_out_fail_saying_so(concbench_binary, tmp_path):
    # A scenario runs its whole batch itself and a start-up starts W workers: neither is a
    # runner's tasks, yet --task-timeout-ms holds for them too.
    report_path = tmp_path / "r.json"
    completed = subprocess.run(
        [concbench_binary, "--suite=quick", "--workloads=shared,pipeline,startup",
         "--models=threads,processes-fork,processes-spawn", "--workers=2", "--task-timeout-ms=1",
         "--benchmark_repetitions=1",
         f"--out={report_path}"], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 1, completed.stderr
    report = json.loads(report_path.read_text())
    assert report["complete"] is True  # the run went on to the end
    rows = [r for r in report["benchmarks"] if r.get("run_type") == "iteration"]
    assert {r["workload"] for r in rows} == {"shared", "pipeline", "startup"}
    # Starting two workers by exec (processes-spawn) takes milliseconds: it overruns for certain.
    assert any(r["name"].startswith("startup/processes-spawn/") and r.get("error_occurred") for r in rows)
    unit_s = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    for row in rows:
        if row["workload"] == "startup" and not row.get("error_occurred"):
            # A bare fork of two workers from the fork server can start within the 1 ms.
            assert row["real_time"] * unit_s[row["time_unit"]] <= 1e-3, row["name"]
            continue
        assert row.get("error_occurred"), row["name"]
        message = row["error_message"]
        assert "did not finish within the time-out (1 ms, --task-timeout-ms)" in message, message
        if row["workload"] == "startup":
            assert "its workers were stopped and reaped" in message, message
        else:
            # The warm-up batch (before the first repetition) is the first to overrun.
            assert message.endswith(f"{row['workload']} under {row['model']}: the batch did not finish within the "
                                    "time-out (1 ms, --task-timeout-ms); it was stopped"), message


def test_the_fork_server_is_reaped_on_every_exit(concbench_binary, tmp_path):
    # pytest is a child subreaper (conftest.py): a fork server concbench left behind would be
    # re-parented here and fail this test's leak check, as it would stay <defunct> under pid 1.
    for args, status in ((["--list", "--suite=quick"], 0), (["--no-such-flag"], 2), (["--help"], 0),
                         (["--suite=quick", "--workloads=empty", "--models=sequential,processes-fork",
                           "--benchmark_repetitions=1", f"--out={tmp_path}/r.json"], 0)):
        before = process_leak_check.descendants()  # what other tests' session fixtures keep running
        completed = subprocess.run([concbench_binary, *args], capture_output=True, text=True, timeout=120)
        assert completed.returncode == status, (args, completed.stderr)
        left = process_leak_check.new_descendants(before)
        assert not left, (args, [process_leak_check.describe(pid) for pid in left])


def test_a_second_sigint_quits_at_once_and_the_partial_report_stays_valid(concbench_binary, tmp_path):
    """Ctrl-C twice. To make "the run cannot stop by itself" certain rather than a race against
    a fast shutdown, the fork server is frozen (SIGSTOP) first: after the first SIGINT the run
    stops its entries, then waits for the server at exit — where only the second SIGINT gets it
    out."""
    report = tmp_path / "r.json"
    run = subprocess.Popen([concbench_binary, "--suite=quick", "--workloads=sleep", "--models=sequential,threads",
                            "--time-scale=0.2", "--benchmark_repetitions=30", f"--out={report}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    partial = tmp_path / "r.partial.json"
    try:
        assert wait_for(lambda: has_rows(partial), 120), "no entry finished within two minutes"
        servers = [pid for pid in process_leak_check.descendants(run.pid)
                   if pathlib.Path(f"/proc/{pid}/comm").read_text().strip() == "concbench-forks"]
        assert len(servers) == 1, servers
        os.kill(servers[0], signal.SIGSTOP)
        os.kill(run.pid, signal.SIGINT)
        first = ""
        while "send it again to quit at once" not in first:
            line = run.stderr.readline()
            assert line, "concbench ended before it took the first SIGINT"
            first += line
        time.sleep(0.2)
        assert run.poll() is None, "with its fork server frozen, the run cannot have ended by itself"
        os.kill(run.pid, signal.SIGINT)
        stderr = first + run.stderr.read()
        run.wait(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert run.returncode == 130, stderr
    # The first SIGINT ended the run and its report was written; the frozen fork server held
    # concbench at its exit, where the second one got it out.
    assert "second signal: quitting now; the report is written: " + str(report) in stderr, stderr
    saved = json.loads(report.read_text())
    assert saved["complete"] is False
    assert saved["benchmarks"], "the entries finished before the signals stay"
    assert not partial.exists(), "the partial report is removed once the report is written"


def test_a_run_estimated_above_a_day_is_refused_before_anything_runs(concbench_binary, tmp_path):
    completed = subprocess.run(
        [concbench_binary, "--workloads=http", "--http-tasks=100000", "--http-delay-ms=60000",
         f"--out={tmp_path}/r.json"], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2
    assert completed.stderr.startswith("concbench: this run would take about ")
    assert "more than a day" in completed.stderr and len(completed.stderr.splitlines()) == 1
    assert not (tmp_path / "r.json").exists()
    for flag in ("--task-timeout-ms=-5", "--task-timeout-ms=x", "--task-timeout-ms=999999999999"):
        refused = subprocess.run([concbench_binary, flag], capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2 and refused.stderr.startswith("concbench: --task-timeout-ms"), flag


def as_nobody(shell_command, cwd):
    return subprocess.run(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "bash", "-c", shell_command],
        capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.fixture
def unprivileged_dir():
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to become an unprivileged user")
    folder = tempfile.mkdtemp(prefix="concbench-nobody-", dir="/tmp")
    os.chmod(folder, 0o777)
    yield pathlib.Path(folder)
    shutil.rmtree(folder, ignore_errors=True)


def refused_for_real(concbench_binary, unprivileged_dir, model):
    """The quick sleep entries of `model` and sequential, as `nobody` under `ulimit -u 10`: the
    run must go on past the refused entries (exit 1, a complete report, sequential measured).
    Returns the error messages of `model`'s failed entries."""
    binary = unprivileged_dir / "concbench"
    shutil.copy(concbench_binary, binary)
    os.chmod(binary, 0o755)
    completed = as_nobody(
        f"ulimit -u 10 && exec {binary} --suite=quick --workloads=sleep --models={model},sequential "
        f"--time-scale=0.05 --benchmark_repetitions=1 --out={unprivileged_dir}/r.json", unprivileged_dir)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    report = json.loads((unprivileged_dir / "r.json").read_text())
    assert report["complete"] is True  # the suite went on
    failed = [r for r in report["benchmarks"] if r.get("error_occurred")]
    assert failed and all(r["model"] == model for r in failed)
    assert any(r["model"] == "sequential" and not r.get("error_occurred") for r in report["benchmarks"])
    return [r["error_message"] for r in failed]


def test_the_os_refusing_threads_for_real_names_the_limit(concbench_binary, unprivileged_dir):
    # `nobody` runs no process here, so ulimit -u 10 leaves room for concbench's own threads
    # (main, the signal watcher, calibration, the fork server, a watchdog) but not for a
    # thread per task of the sleep batch.
    message = refused_for_real(concbench_binary, unprivileged_dir, "thread-per-task")[0]
    assert "could not start thread" in message and "EAGAIN" in message, message
    assert "ulimit -u (RLIMIT_NPROC) 10 for uid 65534" in message, message


@pytest.mark.parametrize("model", ["processes-fork", "processes-spawn"])
def test_the_os_refusing_processes_for_real_names_the_limit(concbench_binary, unprivileged_dir, model):
    # ulimit -u 10 counts concbench's threads and processes (and the fork server's): a process
    # pool of a worker per task (pool:per-task) cannot have them all.
    messages = refused_for_real(concbench_binary, unprivileged_dir, model)
    refused = [message for message in messages if "EAGAIN" in message]
    assert refused, messages
    assert "ulimit -u (RLIMIT_NPROC) 10 for uid 65534" in refused[0], refused[0]


def test_a_read_only_directory_is_refused_for_an_unprivileged_user(concbench_binary, unprivileged_dir):
    locked = unprivileged_dir / "locked"
    locked.mkdir()
    os.chmod(locked, 0o555)
    binary = unprivileged_dir / "concbench"  # the build may sit where `nobody` cannot go (/root)
    shutil.copy(concbench_binary, binary)
    os.chmod(binary, 0o755)
    completed = as_nobody(f"exec {binary} --suite=quick --out={locked}/r.json", unprivileged_dir)
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr.startswith("concbench: --out: cannot write the report")
    assert completed.stdout == ""
