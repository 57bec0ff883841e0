"""The checks the report readers (report_loading.py and timeline_data.py, shared by plot.py,
compare.py and table.py) make before anything is drawn or compared: what a time may be, W,
the models concbench knows, duplicated rows, nesting, what is not a regular file. In
process: quick, and exact about which row and field each refusal names. The same refusals as
a user meets them, through the command lines, are in tests/e2e/test_hostile_python_tools.py."""

import contextlib
import os
import re
import resource
import signal
import stat

import pytest

from concbench_plot.reports import json_file
from concbench_plot.reports.model_names import CPYTHON_MODELS, KNOWN_MODELS, MODEL_ORDER, STARTUP_FLOORS
from concbench_plot.reports.report_loading import ReportError, load_report
from plot_support import REPO, REPORT, load_data, load_fixture, write_report


def refused(tmp_path, data, *mentions, name="r.json"):
    path = write_report(tmp_path / name, data)
    with pytest.raises(ReportError) as caught:
        load_report(str(path))
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: "), message
    for text in mentions:
        assert text in message, message
    return message


def ok_row(data, run_type="iteration", aggregate=None):
    return next(r for r in data["benchmarks"] if r["run_type"] == run_type and not r.get("error_occurred")
                and (aggregate is None or r.get("aggregate_name") == aggregate))


# --- times --------------------------------------------------------------------------------


@pytest.mark.parametrize("value, mentions", [
    (0, "'real_time' is 0 ms: a successful batch takes some time"),
    (-1.5, "'real_time' is negative (-1.5 ms)"),
    (1e308, "'real_time' is 1e+308 ms, above 1e+06 s"),
    (2e9, "above 1e+06 s (11.6 days)"),  # 2e9 ms: 23 days
    (5e-324, "a successful batch takes some time"),  # underflows to 0 s
])
def test_impossible_real_times_are_refused(tmp_path, value, mentions):
    data = load_fixture()
    row = ok_row(data)
    row["real_time"] = value
    message = refused(tmp_path, data, mentions)
    assert f"({row['name']})" in message


def test_time_limits_follow_the_rows_unit(tmp_path):
    data = load_fixture()
    row = ok_row(data)
    row.update(time_unit="ns", real_time=9e14)  # 10.4 days in ns: allowed
    load_data(tmp_path, data)
    row.update(time_unit="ns", real_time=2e15)  # 23 days
    refused(tmp_path, data, "above 1e+06 s")


@pytest.mark.parametrize("key, value", [("cpu_time", -1), ("ideal", -0.5), ("bound", -2), ("cpu_time", 1e300)])
def test_other_times_are_not_negative_nor_absurd(tmp_path, key, value):
    data = load_fixture()
    ok_row(data)[key] = value
    refused(tmp_path, data, f"field '{key}'")


def test_zero_where_zero_is_meaningful_is_read(tmp_path):
    data = load_fixture()
    ok_row(data)["cpu_time"] = 0  # the measuring thread may only wait
    ok_row(data)["ideal"] = 0  # 0: no ideal stated
    stddev = ok_row(data, "aggregate", "stddev")
    stddev["real_time"] = 0  # identical repetitions
    failed = next(r for r in data["benchmarks"] if r.get("error_occurred"))
    assert failed["real_time"] == 0  # Google Benchmark's 0 on a failed row
    load_data(tmp_path, data)


@pytest.mark.parametrize("key, value", [("speedup", -1), ("efficiency", 1e12), ("speedup", 1e10)])
def test_ratios_are_between_0_and_a_billion(tmp_path, key, value):
    data = load_fixture()
    ok_row(data)[key] = value
    refused(tmp_path, data, f"field '{key}'", "a ratio between 0 and 1e+09")


def test_other_numbers_on_a_row_are_bounded_but_params_are_not(tmp_path):
    data = load_fixture()
    ok_row(data)["peak_rss_bytes"] = 1e30
    refused(tmp_path, data, "field 'peak_rss_bytes' is 1e+30", "|x| <= 1e+18")
    data = load_fixture()
    for row in data["benchmarks"]:
        row["params"]["seed"] = 2 ** 64 - 1  # any 64-bit seed
    load_data(tmp_path, data)


def test_a_cv_row_holds_a_fraction(tmp_path):
    data = load_fixture()
    cv = next(r for r in data["benchmarks"] if r.get("aggregate_unit") == "percentage")
    cv["real_time"] = -0.1
    refused(tmp_path, data, "a fraction (cv)")


# --- W, models ----------------------------------------------------------------------------


def entry_rows(data, run_name):
    return [r for r in data["benchmarks"] if r["run_name"] == run_name]


@pytest.mark.parametrize("key, value", [("workers", 0), ("workers", -4), ("loop_threads", 0), ("inflight", 0),
                                        ("tasks", 0)])
def test_impossible_counts_are_refused(tmp_path, key, value):
    data = load_fixture()
    for row in entry_rows(data, ok_row(data)["run_name"]):
        row[key] = value
    refused(tmp_path, data, f"field '{key}' is {value}: it counts, so it is at least 1")


@pytest.mark.parametrize("value", [2.5, "2", True])
def test_a_w_that_is_not_an_integer_is_refused(tmp_path, value):
    data = load_fixture()
    for row in entry_rows(data, ok_row(data)["run_name"]):
        row["workers"] = value
    refused(tmp_path, data, "field 'workers' should be an integer")


def test_an_unknown_model_is_refused(tmp_path):
    data = load_fixture()
    for row in entry_rows(data, ok_row(data)["run_name"]):
        row["model"] = "green-threads"
    refused(tmp_path, data, 'unknown model "green-threads"', "python-processes-forkserver")


def test_known_models_are_the_ones_the_code_names():
    """KNOWN_MODELS is read from where the models are defined, so a new model is added to it
    (and to the charts' order) rather than refused."""
    cpp = re.findall(r'\{model_kind::\w+, "([a-z-]+)"\}', (REPO / "runners" / "batch" / "model.cpp").read_text())
    floors = re.findall(r'return "(floor-[a-z-]+)";', (REPO / "benchmarks" / "suites" / "suite.cpp").read_text())
    models_py = (REPO / "benchmarks" / "python" / "cpython_reference" / "models.py").read_text()
    constants = dict(re.findall(r'^([A-Z_]+) = "(python-[a-z-]+)"$', models_py, re.M))
    listed = re.search(r"^ALL_MODELS = \[(.*)\]$", models_py, re.M).group(1).replace(" ", "").split(",")
    python = [constants[name] for name in listed]
    assert cpp == MODEL_ORDER and len(cpp) == 7
    assert floors == STARTUP_FLOORS
    assert python == CPYTHON_MODELS
    assert KNOWN_MODELS == cpp + floors + python


def test_every_model_of_the_committed_reports_is_known():
    reports = sorted((REPO / "reports" / "examples").glob("*.json"))
    reports += sorted((REPO / "tests" / "fixtures").rglob("*.json"))
    for path in reports:
        if path.name.endswith(".timelines.json"):
            continue
        load_report(str(path))  # older schemas and every example stay readable


# --- duplicated rows ------------------------------------------------------------------------


def test_a_duplicated_repetition_is_refused_as_malformed(tmp_path):
    data = load_fixture()
    first = ok_row(data)
    data["benchmarks"].append(dict(first))
    refused(tmp_path, data, f"repeats repetition {first['repetition_index']} of {first['run_name']}",
            "(benchmarks[0])", "malformed")


def test_a_duplicated_aggregate_is_refused(tmp_path):
    data = load_fixture()
    median = ok_row(data, "aggregate", "median")
    data["benchmarks"].append(dict(median))
    refused(tmp_path, data, f"repeats the 'median' aggregate of {median['run_name']}")


def test_process_index_tells_repetitions_of_merged_processes_apart(tmp_path):
    data = load_fixture()
    iterations = [r for r in data["benchmarks"] if r["run_type"] == "iteration"]
    data["benchmarks"] = [{**r, "process_index": p} for p in (0, 1) for r in iterations]
    report = load_data(tmp_path, data)
    for entry in report.entries:
        assert entry.repetitions == 2 * len([r for r in iterations if r["run_name"] == entry.run_name])
    data["benchmarks"].append(dict(data["benchmarks"][-1]))
    refused(tmp_path, data, "of process 1 of")


def test_rows_without_repetition_index_are_read_as_before(tmp_path):
    data = load_fixture()
    for row in data["benchmarks"]:
        row.pop("repetition_index", None)
    load_data(tmp_path, data)


# --- nesting, size, file types ---------------------------------------------------------------


class Hung(Exception):
    pass


@contextlib.contextmanager
def hang_fails_after(seconds: float):
    """A read that would wait for ever (a fifo nobody writes) fails the test instead: SIGALRM
    interrupts the blocked open or read."""
    def alarm(signum, frame):
        raise Hung(f"still waiting after {seconds} s")
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def nested(depth: int):
    value = 1
    for _ in range(depth):
        value = [value]
    return value


def test_nesting_beyond_64_levels_is_refused_and_64_is_read(tmp_path):
    data = load_fixture()
    rows = entry_rows(data, ok_row(data)["run_name"])
    for row in rows:  # document, benchmarks, row, params: 4 levels above it
        row["params"]["deep"] = nested(json_file.MAX_DEPTH - 4)
    load_data(tmp_path, data)
    for row in rows:
        row["params"]["deep"] = nested(json_file.MAX_DEPTH - 3)
    refused(tmp_path, data, "nested more than 64 levels deep")


@pytest.mark.parametrize("text", ["[" * 100_000, "[" * 100_000 + "]" * 100_000, '{"a":' * 50_000],
                         ids=["open-brackets", "balanced", "objects"])
def test_nesting_deep_enough_to_break_the_parser_is_one_line(tmp_path, text):
    refused(tmp_path, text, "nested more than 64 levels deep")


def test_a_file_bigger_than_any_report_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as f:
        f.truncate(json_file.MAX_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(ReportError) as caught:
        load_report(str(path))
    assert "is 1,073,741,825 bytes, above the 1,073,741,824 read" in str(caught.value)


@contextlib.contextmanager
def memory_grows_at_most(megabytes: int):
    """A read that would never end (/dev/zero) fails with MemoryError within `megabytes` more
    address space, instead of taking the machine's memory: a soft RLIMIT_AS for the moment."""
    with open("/proc/self/status") as f:
        size_kb = next(int(line.split()[1]) for line in f if line.startswith("VmSize:"))
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, ((size_kb << 10) + (megabytes << 20), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.mark.parametrize("kind", ["fifo", "null-device", "zero-device", "socket"])
def test_only_a_regular_file_is_opened(tmp_path, kind):
    import socket

    path = tmp_path / "report.json"
    holder = None
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        holder = socket.socket(socket.AF_UNIX)
        holder.bind(str(path))
    else:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3 if kind == "null-device" else 5))
    try:
        with hang_fails_after(20), memory_grows_at_most(512), pytest.raises(ReportError) as caught:
            load_report(str(path))
    finally:
        if holder is not None:
            holder.close()
    expected = {"fifo": "a fifo", "socket": "a socket"}.get(kind, "a character device")
    assert str(caught.value) == f"{path}: is {expected}, not a file (not read)"


def test_a_link_to_a_report_is_read(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(REPORT)
    assert load_report(str(link)).entries


def test_a_link_to_a_report_finds_the_timeline_file_beside_its_target(tmp_path):
    """Both writers follow an --out link and put the timeline file beside the target."""
    import shutil

    from concbench_plot.reports import timeline_data

    (tmp_path / "data").mkdir()
    shutil.copyfile(REPORT, tmp_path / "data" / "r.json")
    shutil.copyfile(REPORT.with_name("report_small.timelines.json"), tmp_path / "data" / "report_small.timelines.json")
    (tmp_path / "link.json").symlink_to("data/r.json")
    timelines, note = timeline_data.load_timelines(load_report(str(tmp_path / "link.json")))
    assert note is None and timelines


def test_a_deep_timeline_file_is_a_note(tmp_path):
    from concbench_plot.reports import timeline_data

    data = load_fixture()
    report = load_data(tmp_path, data)
    (tmp_path / data["timelines_file"]).write_text("[" * 100_000)
    timelines, note = timeline_data.load_timelines(report)
    assert timelines == {} and "nested more than 64 levels deep" in note


def test_a_fifo_timeline_file_is_a_note_not_a_hang(tmp_path):
    from concbench_plot.reports import timeline_data

    data = load_fixture()
    report = load_data(tmp_path, data)
    os.mkfifo(tmp_path / data["timelines_file"])
    with hang_fails_after(20):
        timelines, note = timeline_data.load_timelines(report)
    assert timelines == {} and "is a fifo" in note


