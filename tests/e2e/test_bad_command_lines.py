"""Every bad command line is refused before anything runs: one line on stderr naming the flag
and what is wrong, exit status 2, nothing on stdout (calibration prints there first), and no
file written. Fifos and directories in a temporary folder stand in for devices: the test never
points --out at /dev/null."""

import os
import subprocess
import time

import pytest

# If a refusal regressed, the run that follows stays short.
TINY_RUN = ["--workloads=cpu", "--models=sequential", "--cpu-scale=0.01"]


def refused(binary, args, cwd):
    started = time.monotonic()
    completed = subprocess.run([binary, *args], capture_output=True, text=True, timeout=120, cwd=cwd)
    assert completed.returncode == 2, (args, completed.returncode, completed.stdout, completed.stderr)
    assert completed.stdout == "", (args, completed.stdout)
    lines = completed.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("concbench"), (args, completed.stderr)
    assert time.monotonic() - started < 10, (args, "refused only after something ran")
    return lines[0]


def files_in(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def work_dir(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("make_target,expected", [
    (lambda d: str(d), "is a directory (name a file, e.g. "),
    (lambda d: str(d) + "/", "ends with '/'"),
    (lambda d: str(d / "sub") + "/", "ends with '/'"),
    (lambda d: (os.mkfifo(d / "r.json"), str(d / "r.json"))[1], "exists and is a fifo"),
    (lambda d: ((d / "r.timelines.json").mkdir(), str(d / "r.json"))[1], "the timeline file"),
    (lambda d: (os.mkfifo(d / "r.timelines.json"), str(d / "r.json"))[1], "the timeline file"),
])
def test_an_out_path_that_is_not_a_regular_file_is_refused(concbench_binary, work_dir, make_target, expected):
    target = make_target(work_dir)
    before = files_in(work_dir)
    line = refused(concbench_binary, [*TINY_RUN, f"--out={target}"], work_dir)
    assert line.startswith("concbench: --out: ") and expected in line, line
    assert files_in(work_dir) == before


@pytest.mark.parametrize("flag,expected", [
    ("--benchmark_perf_counters=CYCLES", "--benchmark_perf_counters is not supported"),
    ("--benchmark_min_time=abc", "--benchmark_min_time is not supported"),
    ("--benchmark_min_time=-1", "--benchmark_min_time is not supported"),
    ("--benchmark_report_aggregates_only=maybe", "--benchmark_report_aggregates_only is not supported"),
    ("--benchmark_display_aggregates_only", "--benchmark_display_aggregates_only is not supported"),
    ("--benchmark_counters_tabular=maybe", "--benchmark_counters_tabular is not supported"),
    ("--v=abc", "--v: 'abc' is not a whole number"),
    ("--benchmark_context=x", "--benchmark_context: 'x' is not key=value"),
    ("--benchmark_repetitions=0", "--benchmark_repetitions: 0 must be at least 1"),
    ("--benchmark_enable_random_interleaving=maybe", "'maybe' is not one of on, off"),
])
def test_google_benchmark_flags_are_checked_before_calibration(concbench_binary, work_dir, flag, expected):
    line = refused(concbench_binary, [*TINY_RUN, flag, f"--out={work_dir}/r.json"], work_dir)
    assert expected in line, line
    assert files_in(work_dir) == []


@pytest.mark.parametrize("extra", [[], ["--list"]])
def test_a_filter_that_selects_no_entry_is_refused(concbench_binary, work_dir, extra):
    line = refused(concbench_binary, [*TINY_RUN, "--benchmark_filter=zzz", f"--out={work_dir}/r.json", *extra],
                   work_dir)
    assert line.startswith("concbench: --benchmark_filter=zzz matches none of the "), line
    assert files_in(work_dir) == []


@pytest.mark.parametrize("args,expected", [
    (["--suite=quick", "--suite=full"], "--suite is given twice"),
    (["--out=a.json", "--out=b.json"], "--out is given twice"),
    (["--workers=99999999999999999999"], "--workers: 99999999999999999999 is above 10000"),
    (["--time-scale=1e-300"], "--time-scale: 1e-300 is below 0.001"),
    (["--frobnicate"], "unknown flag '--frobnicate' (see --help)"),
])
def test_other_bad_flags_are_one_line(concbench_binary, work_dir, args, expected):
    line = refused(concbench_binary, args, work_dir)
    assert expected in line, line
    assert files_in(work_dir) == []


@pytest.mark.parametrize("args,expected", [
    (["serve", "--delay-ms", "-1"], "concbench serve: --delay-ms must be 0..600000, got -1"),
    (["serve", "--bogus"], "concbench serve: unknown option '--bogus'"),
])
def test_serve_refuses_bad_flags_with_exit_status_2(concbench_binary, work_dir, args, expected):
    line = refused(concbench_binary, args, work_dir)
    assert line.startswith(expected), line


def test_an_http_delay_of_zero_is_accepted_in_any_spelling(concbench_binary, work_dir):
    listed = subprocess.run([concbench_binary, "--workloads=http", "--http-delay-ms=0.0", "--list"],
                            capture_output=True, text=True, timeout=60, cwd=work_dir)
    assert listed.returncode == 0, listed.stderr
    assert "/delay_ms:0/" in listed.stdout, listed.stdout


def test_benchmark_context_is_recorded_in_the_report(concbench_binary, work_dir):
    import json
    report = work_dir / "r.json"
    completed = subprocess.run(
        [concbench_binary, *TINY_RUN, "--benchmark_repetitions=2", "--benchmark_context=machine=vm1,run=a",
         f"--out={report}"],
        capture_output=True, text=True, timeout=120, cwd=work_dir)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(report.read_text())["context"]["benchmark_context"] == {"machine": "vm1", "run": "a"}
