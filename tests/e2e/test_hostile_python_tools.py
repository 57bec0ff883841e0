"""The Python tools as a hostile tester tries them: the CPython reference's --out (the one
output rule, file modes, a full disk), compare.py's gate (it fails closed; duplicated rows are
malformed), and the report readers of plot.py and compare.py (impossible numbers, nesting,
fifos and devices, unknown models and W, plot.py's --out).

Everything stays in its corner: device nodes only by os.mknod in a temporary folder (1,3 is
what /dev/null is; the machine's own is never touched), fifos by os.mkfifo there, a full disk
by RLIMIT_FSIZE in the child (SIGXFSZ ignored), never a mount. No wall-clock figure is
asserted: time-outs are generous bounds against a hang.
"""

from __future__ import annotations

import copy
import json
import os
import pathlib
import resource
import shutil
import signal
import stat
import subprocess
import time

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
PYTHON = "/usr/bin/python3"  # Debian's, with matplotlib and numpy
REFERENCE = REPO / "benchmarks" / "python" / "concbench_python.py"
PLOT = REPO / "plot" / "plot.py"
COMPARE = REPO / "plot" / "compare.py"
FIXTURES = REPO / "tests" / "fixtures"
REPORT = FIXTURES / "report_small.json"
BASE = FIXTURES / "compare" / "base.json"
# One entry, one repetition, a tiny batch: a second or two, calibration included.
TINY = ["--workloads=cpu", "--models=python-sequential", "--suite=quick", "--cpu-scale=0.01",
        "--benchmark_repetitions=1"]
NULL_DEVICE = os.makedev(1, 3)  # the numbers of /dev/null, made here in a temporary folder
ZERO_DEVICE = os.makedev(1, 5)  # the numbers of /dev/zero


def run(command: list, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=timeout,
                          cwd=str(REPO), **kwargs)


def reference(*args, **kwargs) -> subprocess.CompletedProcess:
    return run([PYTHON, REFERENCE, *args], **kwargs)


def one_line(completed: subprocess.CompletedProcess, prefix: str) -> str:
    """The single line on stderr, which starts with `prefix`; never a traceback."""
    assert "Traceback" not in completed.stderr, completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith(prefix), lines[0]
    return lines[0]


def make_device(path: pathlib.Path, device=NULL_DEVICE) -> pathlib.Path:
    os.mknod(path, 0o666 | stat.S_IFCHR, device)
    return path


def is_char_device(path: pathlib.Path, device=NULL_DEVICE) -> bool:
    status = os.lstat(path)
    return stat.S_ISCHR(status.st_mode) and status.st_rdev == device


def file_size_limit(limit: int):
    """preexec_fn: the child may not write a file beyond `limit` bytes (a full disk, without
    mounting one); SIGXFSZ ignored, so a write fails with EFBIG instead of killing it."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def a_report(path: pathlib.Path) -> pathlib.Path:
    """A complete concbench report at `path` (the plot fixture): "the previous report"."""
    shutil.copyfile(REPORT, path)
    return path


def umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------------------------------
# Item 1: the CPython reference's --out follows the one output rule


@pytest.mark.parametrize("make, kind", [
    (lambda p: make_device(p), "a character device"),
    (lambda p: os.mkfifo(p), "a fifo"),
    (lambda p: os.mkdir(p), "a directory"),
], ids=["device", "fifo", "directory"])
def test_reference_refuses_a_device_fifo_or_directory_as_out_and_leaves_it(tmp_path, make, kind):
    target = tmp_path / "out"
    make(target)
    before = os.lstat(target)
    completed = reference(*TINY, f"--out={target}", timeout=60)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    line = one_line(completed, f"concbench_python: --out: the report {target} ")
    assert kind in line
    assert "calibrating" not in completed.stdout, "refused before anything is measured"
    after = os.lstat(target)
    assert (stat.S_IFMT(after.st_mode), after.st_rdev, after.st_ino) == \
           (stat.S_IFMT(before.st_mode), before.st_rdev, before.st_ino)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no timeline file, no temporary file"


def test_reference_refuses_a_character_device_made_as_dev_null_is(tmp_path):
    device = make_device(tmp_path / "null")
    completed = reference(*TINY, f"--out={device}", timeout=60)
    assert completed.returncode == 2
    assert one_line(completed, "concbench_python: --out: the report ").endswith(
        "exists and is a character device: concbench_python would replace it with a regular file")
    assert is_char_device(device), "still the device"
    assert not (tmp_path / "null.timelines.json").exists()


def test_reference_refuses_out_before_starting_its_http_server(tmp_path):
    device = make_device(tmp_path / "null")
    completed = reference("--workloads=http", "--suite=quick", f"--out={device}", timeout=60)
    assert completed.returncode == 2
    assert "is a character device" in one_line(completed, f"concbench_python: --out: the report {device} ")
    assert completed.stdout == "" and is_char_device(device)


def test_reference_refuses_a_link_to_a_device(tmp_path):
    device = make_device(tmp_path / "null")
    link = tmp_path / "r.json"
    link.symlink_to(device)
    completed = reference(*TINY, f"--out={link}", timeout=60)
    assert completed.returncode == 2
    assert "is a character device" in one_line(completed, "concbench_python: --out: ")
    assert link.is_symlink() and is_char_device(device)


def test_reference_refuses_a_socket(tmp_path):
    import socket

    path = tmp_path / "r.json"
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(path))
        completed = reference(*TINY, f"--out={path}", timeout=60)
    assert completed.returncode == 2
    assert "is a socket" in one_line(completed, "concbench_python: --out: ")


def test_reference_follows_a_link_and_writes_its_target(tmp_path):
    real = a_report(tmp_path / "real.json")
    link = tmp_path / "r.json"
    link.symlink_to("real.json")
    completed = reference(*TINY, f"--out={link}")
    assert completed.returncode == 0, completed.stderr
    assert link.is_symlink() and os.readlink(link) == "real.json", "the link stays a link"
    written = json.loads(real.read_text())
    assert written["complete"] is True and written["benchmarks"][0]["model"] == "python-sequential"
    # The timeline file beside the target, as the C++ side puts it, named in the report.
    assert written["timelines_file"] == "real.timelines.json" and (tmp_path / "real.timelines.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "real.json", "real.timelines.json"], \
        "no temporary or partial file left"


@pytest.mark.parametrize("name", ["README.md", "config.json"])
def test_reference_refuses_an_unrelated_file_unless_force(tmp_path, name):
    target = tmp_path / name
    target.write_text('{"editor": "vim"}\n' if name.endswith(".json") else "# my notes\n")
    before = target.read_bytes()
    completed = reference(*TINY, f"--out={target}", timeout=60)
    assert completed.returncode == 2
    line = one_line(completed, f"concbench_python: --out: the report {target} ")
    assert "is not a concbench report" in line and "--force" in line
    assert target.read_bytes() == before
    assert not (tmp_path / f"{name}.timelines.json").exists() and "calibrating" not in completed.stdout
    forced = reference(*TINY, f"--out={target}", "--force")
    assert forced.returncode == 0, forced.stderr
    assert json.loads(target.read_text())["context"]["concbench_schema_version"] >= 1


def test_reference_refuses_an_unrelated_timeline_file_unless_force(tmp_path):
    timelines = tmp_path / "r.timelines.json"
    timelines.write_text('{"report": 1}\n')  # JSON, but not a timeline file
    completed = reference(*TINY, f"--out={tmp_path / 'r.json'}", timeout=60)
    assert completed.returncode == 2
    line = one_line(completed, f"concbench_python: --out: the timeline file {timelines} ")
    assert "is not a concbench timeline file" in line
    assert timelines.read_text() == '{"report": 1}\n' and not (tmp_path / "r.json").exists()
    assert reference(*TINY, f"--out={tmp_path / 'r.json'}", "--force").returncode == 0


def test_reference_still_replaces_its_own_report_and_an_empty_file(tmp_path):
    report = a_report(tmp_path / "r.json")  # a concbench report: replaced without --force
    (tmp_path / "r.timelines.json").write_text('{"report": "r.json", "entries": {}}')
    empty = tmp_path / "empty.json"
    empty.touch()
    for out in (report, empty):
        completed = reference(*TINY, f"--out={out}")
        assert completed.returncode == 0, completed.stderr
        assert json.loads(out.read_text())["benchmarks"][0]["model"] == "python-sequential"


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_reference_files_get_the_umask_mode_not_0600(tmp_path, mask):
    out = tmp_path / "r.json"
    completed = reference(*TINY, f"--out={out}", preexec_fn=lambda: os.umask(mask))
    assert completed.returncode == 0, completed.stderr
    for path in (out, tmp_path / "r.timelines.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, oct(path.stat().st_mode)


def test_reference_full_disk_at_start_is_exit_2_before_measuring(tmp_path):
    previous = a_report(tmp_path / "r.json")
    before = previous.read_bytes()
    completed = reference(*TINY, f"--out={previous}", preexec_fn=file_size_limit(1000), timeout=60)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    line = one_line(completed, f"concbench_python: --out: cannot write the report {previous}: ")
    assert "test write of 64 KiB" in line and "File too large" in line
    assert "calibrating" not in completed.stdout
    assert previous.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


# Eleven entries of ten repetitions: the partial report passes 64 KiB (the writability probe's
# size, so the probe passes) after a few of them, and the write that would go beyond fails.
FULL_DISK_RUN = ["--workloads=cpu", "--suite=quick", "--cpu-scale=0.01", "--workers=1,2",
                 "--benchmark_repetitions=10"]
FULL_DISK_LIMIT = 64 * 1024


def test_reference_full_disk_mid_run_stops_at_the_first_failed_write(tmp_path):
    previous = a_report(tmp_path / "r.json")  # the previous complete report: left untouched
    before = previous.read_bytes()
    completed = reference(*FULL_DISK_RUN, f"--out={previous}", preexec_fn=file_size_limit(FULL_DISK_LIMIT))
    assert completed.returncode == 1, completed.stdout + completed.stderr
    line = one_line(completed, "concbench_python: the run was stopped at its first failed write (cannot write ")
    assert "File too large" in line
    partial = tmp_path / "r.partial.json"
    assert f"entries) are in {partial}; {previous} was left as it was" in line
    assert previous.read_bytes() == before
    rows = json.loads(partial.read_text())  # whole: the last good write, never a cut one
    assert rows["complete"] is False and rows["timelines_file"] == "r.partial.timelines.json"
    assert rows["context"]["concbench_schema_version"] >= 1
    written = len({r["run_name"] for r in rows["benchmarks"]})
    assert f"last good write ({written} of " in line
    printed = len([x for x in completed.stdout.splitlines() if x.startswith("  cpu/")])
    assert printed <= written, "nothing is measured after the first failed write"
    assert 0 < written < 11
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.partial.json", "r.partial.timelines.json"], \
        "no temporary file left"
    assert partial.stat().st_size <= FULL_DISK_LIMIT


def test_reference_writes_its_report_once_at_the_end_and_removes_the_partial_files(tmp_path):
    out = tmp_path / "r.json"
    three_entries = ["--workloads=cpu", "--suite=quick", "--cpu-scale=0.01", "--benchmark_repetitions=3",
                     "--models=python-sequential,python-threads,python-asyncio"]
    process = subprocess.Popen([PYTHON, REFERENCE, *three_entries, f"--out={out}"], cwd=str(REPO),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen_partial_without_report = False
        while process.poll() is None:
            if (tmp_path / "r.partial.json").exists() and not out.exists():
                seen_partial_without_report = True
            time.sleep(0.01)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stdout + stderr
    assert seen_partial_without_report, "the rows so far were in r.partial.json while the run went on"
    assert json.loads(out.read_text())["complete"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.timelines.json"]


def test_reference_ctrl_c_writes_the_report_so_far_and_removes_the_partial_files(tmp_path):
    out = tmp_path / "r.json"
    partial = tmp_path / "r.partial.json"
    process = subprocess.Popen([PYTHON, REFERENCE, *FULL_DISK_RUN, f"--out={out}"], cwd=str(REPO),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if json.loads(partial.read_text())["benchmarks"]:
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, stdout + stderr
    report = json.loads(out.read_text())
    assert report["complete"] is False and report["benchmarks"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.timelines.json"]


def test_reference_writer_never_renames_over_a_non_regular_file(tmp_path):
    """The second guard, at write time: a fifo put where the report goes after the check."""
    script = (
        "import sys; from cpython_reference import report_writer\n"
        "try:\n"
        "    report_writer.write_json_atomically(sys.argv[1], {'a': 1}, what='the report')\n"
        "except OSError as e:\n"
        "    print('refused:', e.strerror); sys.exit(3)\n")
    fifo = tmp_path / "r.json"
    os.mkfifo(fifo)
    completed = run([PYTHON, "-c", script, fifo], timeout=60,
                    env={**os.environ, "PYTHONPATH": str(REPO / "benchmarks" / "python")})
    assert completed.returncode == 3, completed.stdout + completed.stderr
    assert "is now a fifo, not a regular file: not replaced" in completed.stdout
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


# ---------------------------------------------------------------------------------------
# Item 5: compare.py's gate fails closed; duplicated rows are malformed


def base_report() -> dict:
    return json.loads(BASE.read_text())


def write_json(path: pathlib.Path, data) -> pathlib.Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def all_failed(data: dict) -> dict:
    """Every entry of the report failed in every repetition (no aggregate rows, as then)."""
    data = copy.deepcopy(data)
    rows = []
    for row in data["benchmarks"]:
        if row["run_type"] != "iteration":
            continue
        row = {k: v for k, v in row.items() if k not in ("speedup", "efficiency")}
        row.update(error_occurred=True, error_message="task 3 under threads: the worker was killed by SIGKILL",
                   real_time=0.0, cpu_time=0.0)
        rows.append(row)
    data["benchmarks"] = rows
    return data


def test_gate_fails_closed_when_every_entry_of_other_failed(tmp_path):
    other = write_json(tmp_path / "failed.json", all_failed(base_report()))
    completed = run([PYTHON, COMPARE, BASE, other, "--fail-above", "1.1"], timeout=60)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr
    closed = [x for x in completed.stderr.splitlines() if "gate failed closed" in x]
    assert len(closed) == 1 and str(other) in closed[0] and "failed in B" in closed[0]
    assert "FAILED CLOSED" in completed.stdout
    # Without the gate it is a table, as before: exit 0.
    assert run([PYTHON, COMPARE, BASE, other], timeout=60).returncode == 0


def test_gate_fails_closed_when_one_entry_failed_in_some_repetitions(tmp_path):
    data = base_report()
    row = next(r for r in data["benchmarks"] if r["run_type"] == "iteration")
    row.update(error_occurred=True, error_message="task 1: counted 4999999 increments, expected 5000000")
    other = write_json(tmp_path / "partly.json", data)
    completed = run([PYTHON, COMPARE, BASE, other, "--fail-above", "1.1"], timeout=60)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert f"{row['run_name']}: 1 of " in completed.stderr and "gate failed closed" in completed.stderr


def test_gate_fails_closed_when_other_was_interrupted(tmp_path):
    data = base_report()
    kept = sorted({r["run_name"] for r in data["benchmarks"]})[:2]
    data["benchmarks"] = [r for r in data["benchmarks"] if r["run_name"] in kept]
    data["complete"] = False
    other = write_json(tmp_path / "interrupted.json", data)
    completed = run([PYTHON, COMPARE, BASE, other, "--fail-above", "1.1"], timeout=60)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    line = next(x for x in completed.stderr.splitlines() if "gate failed closed" in x)
    assert "was not run: B is an interrupted run (complete: false)" in line


def test_gate_fails_closed_when_nothing_was_compared(tmp_path):
    data = base_report()  # aggregate rows only: entries in common, no repetition times to test
    data["benchmarks"] = [r for r in data["benchmarks"] if r["run_type"] == "aggregate"]
    other = write_json(tmp_path / "aggregates.json", data)
    completed = run([PYTHON, COMPARE, BASE, other, "--fail-above", "1.1"], timeout=60)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "nothing was compared" in completed.stderr


@pytest.mark.parametrize("tool", ["compare", "plot"])
def test_duplicated_rows_are_refused_as_malformed(tmp_path, tool):
    data = base_report()
    first = next(r for r in data["benchmarks"] if r["run_type"] == "iteration")
    data["benchmarks"].append(copy.deepcopy(first))  # the same name and repetition_index again
    bad = write_json(tmp_path / "dup.json", data)
    if tool == "compare":
        completed = run([PYTHON, COMPARE, BASE, bad], timeout=60)
    else:
        completed = run([PYTHON, PLOT, bad, "--out", tmp_path / "charts"], timeout=120)
        assert not (tmp_path / "charts").exists()
    assert completed.returncode == 2, completed.stdout + completed.stderr
    line = one_line(completed, f"{tool}.py: {bad}: ")
    assert f"repeats repetition {first['repetition_index']} of {first['run_name']}" in line
    assert "malformed" in line


def test_rows_of_different_processes_are_not_duplicates(tmp_path):
    data = base_report()
    rows = [r for r in data["benchmarks"] if r["run_type"] == "iteration"]
    merged = []
    for process in (0, 1):
        merged += [{**r, "process_index": process} for r in rows]
    data["benchmarks"] = merged
    good = write_json(tmp_path / "merged.json", data)
    assert run([PYTHON, COMPARE, BASE, good], timeout=60).returncode == 0
    data["benchmarks"].append(copy.deepcopy(merged[0]))
    bad = write_json(tmp_path / "dup.json", data)
    completed = run([PYTHON, COMPARE, BASE, bad], timeout=60)
    assert completed.returncode == 2
    assert "of process 0 of" in one_line(completed, "compare.py: ")


# ---------------------------------------------------------------------------------------
# Item 8: the readers refuse what they cannot draw


def edited(path: pathlib.Path, edit) -> pathlib.Path:
    data = json.loads(REPORT.read_text())
    edit(data)
    return write_json(path, data)


def first_ok_row(data: dict) -> dict:
    return next(r for r in data["benchmarks"] if r["run_type"] == "iteration" and not r.get("error_occurred"))


BAD_NUMBERS = {
    "zero-time": (lambda d: first_ok_row(d).update(real_time=0), "'real_time' is 0 ms"),
    "negative-time": (lambda d: first_ok_row(d).update(real_time=-3.5), "'real_time' is negative"),
    "huge-time": (lambda d: first_ok_row(d).update(real_time=1e308), "above 1e+06 s"),
    "negative-cpu-time": (lambda d: first_ok_row(d).update(cpu_time=-1), "'cpu_time' is negative"),
    "huge-counter": (lambda d: first_ok_row(d).update(ns_per_increment=1e300), "'ns_per_increment' is 1e+300"),
    "unknown-model": (lambda d: [r.update(model="fibers") for r in d["benchmarks"]
                                 if r["run_name"] == first_ok_row(d)["run_name"]], "unknown model \"fibers\""),
    "zero-workers": (lambda d: [r.update(workers=0) for r in d["benchmarks"]
                                if r["run_name"] == first_ok_row(d)["run_name"]], "'workers' is 0"),
    "negative-workers": (lambda d: [r.update(workers=-2) for r in d["benchmarks"]
                                    if r["run_name"] == first_ok_row(d)["run_name"]], "'workers' is -2"),
}


@pytest.mark.parametrize("tool", ["plot", "compare"])
@pytest.mark.parametrize("case", sorted(BAD_NUMBERS))
def test_readers_refuse_impossible_numbers_models_and_w(tmp_path, case, tool):
    edit, mentions = BAD_NUMBERS[case]
    bad = edited(tmp_path / f"{case}.json", edit)
    if tool == "plot":
        completed = run([PYTHON, PLOT, bad, "--out", tmp_path / "charts"], timeout=120)
        assert not (tmp_path / "charts").exists()
    else:
        completed = run([PYTHON, COMPARE, REPORT, bad], timeout=60)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert mentions in one_line(completed, f"{tool}.py: {bad}: ")
    assert completed.stdout == ""


@pytest.mark.parametrize("tool", ["plot", "compare"])
def test_readers_refuse_deep_nesting_in_one_line(tmp_path, tool):
    deep = write_json(tmp_path / "deep.json", "[" * 100_000)
    completed = run(reader_command(tool, deep, tmp_path), timeout=120)
    assert completed.returncode == 2, completed.stderr[-2000:]
    assert "nested more than 64 levels deep" in one_line(completed, f"{tool}.py: {deep}: ")


def no_more_than(megabytes: int):
    """preexec_fn: an address-space limit, so that a reader that would read /dev/zero whole
    fails in a moment instead of taking the machine's memory (as the tools once did)."""
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
    return apply


def reader_command(tool: str, report: pathlib.Path, tmp_path: pathlib.Path) -> list:
    if tool == "plot":
        return [PYTHON, PLOT, report, "--out", tmp_path / "charts"]
    return [PYTHON, COMPARE, REPORT, report]


@pytest.mark.parametrize("tool", ["plot", "compare"])
@pytest.mark.parametrize("kind", ["fifo", "zero-device"])
def test_readers_refuse_a_report_that_is_not_a_regular_file(tmp_path, tool, kind):
    path = tmp_path / "report.json"
    if kind == "fifo":
        os.mkfifo(path)  # nobody writes it: opening it for reading would wait for ever
    else:
        make_device(path, ZERO_DEVICE)  # endless zeros
    try:
        completed = run(reader_command(tool, path, tmp_path), timeout=60, preexec_fn=no_more_than(1024))
    except subprocess.TimeoutExpired:
        pytest.fail(f"{tool}.py hung on a {kind} given as a report")
    assert completed.returncode == 2, completed.stderr[-2000:]
    line = one_line(completed, f"{tool}.py: {path}: ")
    assert {"fifo": "is a fifo", "zero-device": "is a character device"}[kind] in line
    assert not (tmp_path / "charts").exists()


@pytest.mark.parametrize("tool", ["plot", "compare"])
def test_readers_still_refuse_a_directory_as_report(tmp_path, tool):
    path = tmp_path / "report.json"
    path.mkdir()
    completed = run(reader_command(tool, path, tmp_path), timeout=60)
    assert completed.returncode == 2
    assert "is a directory" in one_line(completed, f"{tool}.py: {path}: ")


def test_plot_notes_a_fifo_as_timeline_file_instead_of_hanging(tmp_path):
    data = json.loads(REPORT.read_text())
    data["benchmarks"] = [b for b in data["benchmarks"] if b["params"].get("scale") == 100]
    report = write_json(tmp_path / "r.json", data)
    os.mkfifo(tmp_path / data["timelines_file"])
    try:
        completed = run([PYTHON, PLOT, report, "--out", tmp_path / "charts"], timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail("plot.py hung on a fifo where the timeline file goes")
    assert completed.returncode == 0, completed.stderr
    assert "is a fifo" in completed.stderr and "task timelines not drawn" in completed.stderr


def test_plot_refuses_the_root_folder_as_out(tmp_path):
    # The report does not exist: were --out / not refused first, plot.py would say "no such
    # file" (and with a real report it once wrote 18 files into /).
    completed = run([PYTHON, PLOT, tmp_path / "missing.json", "--out", "/"], timeout=60)
    assert completed.returncode == 2
    assert "is the root folder" in one_line(completed, "plot.py: --out /: ")


def test_plot_refuses_a_folder_that_is_not_a_chart_folder(tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "README.md").write_text("# mine\n")
    (folder / "summary.md").write_text("my summary, not plot.py's\n")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    completed = run([PYTHON, PLOT, REPORT, "--out", folder], timeout=120)
    assert completed.returncode == 2, completed.stderr
    line = one_line(completed, f"plot.py: --out {folder}: ")
    assert "not a concbench chart folder" in line and "README.md" in line
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"], "no staging folder left"


def test_plot_writes_again_into_its_own_chart_folder(tmp_path):
    data = json.loads(REPORT.read_text())
    data["benchmarks"] = [b for b in data["benchmarks"] if b["params"].get("scale") == 100]
    report = write_json(tmp_path / "r.json", data)
    charts = tmp_path / "charts"
    assert run([PYTHON, PLOT, report, "--out", charts], timeout=120).returncode == 0
    assert (charts / ".concbench-charts").is_file()
    (charts / "my-notes.txt").write_text("kept")
    again = run([PYTHON, PLOT, report, "--out", charts], timeout=120)
    assert again.returncode == 0, again.stderr
    assert (charts / "my-notes.txt").read_text() == "kept"
