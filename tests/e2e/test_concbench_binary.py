"""concbench as a user runs it: a small quick suite, its report and timeline file, and the
command line's answers to bad input."""

import json
import re
import subprocess

import pytest

GRAMMAR = re.compile(r"^(cpu|sleep|http|startup|empty|shared|pipeline)/[a-z-]+(/[A-Za-z_]+:[^/]+)+$")
IN_PROCESS_MODELS = {"sequential", "threads", "thread-per-task", "coroutines"}
# Start-up entries: each process model and the floor it is measured against.
STARTUP_FLOORS = {"processes-fork": "floor-fork-server", "processes-spawn": "floor-posix-spawn"}


def batch_key(row):
    """Rows with the same key ran the same batch (workload and params)."""
    return row["workload"], json.dumps(row["params"], sort_keys=True)


def run(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=120)


def test_small_quick_run_succeeds_and_says_where_the_report_is(small_run):
    completed = small_run["completed"]
    assert completed.returncode == 0, completed.stderr
    assert f"report:    {small_run['report_path']}" in completed.stdout
    progress = [line for line in completed.stdout.splitlines() if line.startswith("[")]
    assert progress, completed.stdout
    total = len(progress)
    assert progress[-1].startswith(f"[{total}/{total}]")
    assert not any("FAILED" in line for line in progress)


def test_report_covers_every_workload_under_all_six_models(small_run):
    report = small_run["report"]
    assert report["complete"] is True
    covered = {(b["workload"], b["model"]) for b in report["benchmarks"]}
    for workload in ("cpu", "sleep", "http"):
        for model in IN_PROCESS_MODELS | {"processes-fork", "processes-spawn"}:
            assert (workload, model) in covered, (workload, model)


def test_http_constants_are_measured_before_the_http_entries(small_run):
    constants = small_run["report"]["context"]["machine_constants"]
    assert constants["loopback_round_trip_ns"] > 0
    assert constants["loopback_requests_per_second"] > 0


def test_every_row_has_the_structured_fields(small_run):
    report = small_run["report"]
    # Speedup exists only where a sequential entry ran the same batch (not for start-up).
    with_sequential = {batch_key(b) for b in report["benchmarks"] if b["model"] == "sequential"}
    lead = report["context"]["lead_estimator"]["name"]  # its row is a time row too
    for row in report["benchmarks"]:
        assert "error_occurred" not in row, row.get("error_message")
        assert GRAMMAR.match(row["run_name"]), row["run_name"]
        for field in ("workload", "model", "workers", "loop_threads", "inflight", "pool", "task_form",
                      "tasks", "params"):
            assert field in row, (field, row["name"])
        if row["workload"] == "empty":
            # Doing nothing costs nothing: no ideal to state (0 at most), so no efficiency.
            assert row.get("ideal", 0) == 0 and row.get("bound", 0) == 0 and "efficiency" not in row
        elif row["run_type"] == "iteration" or row.get("aggregate_name") in ("mean", "median", lead):
            assert row["ideal"] > 0 and row["bound"] > 0
            assert row["ideal"] >= row["bound"] * (1 - 1e-9)
            assert row["efficiency"] > 0
            if batch_key(row) in with_sequential:
                assert row["speedup"] > 0
            else:
                assert "speedup" not in row, row["name"]
        else:
            assert "efficiency" not in row and "speedup" not in row
        if row["model"] == "sequential":
            assert row["workers"] == 1 and row["pool"] is None


def test_context_names_the_machine_the_build_and_the_constants(small_run):
    context = small_run["report"]["context"]
    assert context["concbench_schema_version"] == 4
    assert context["report_writer"]["rows"] == len(small_run["report"]["benchmarks"])
    assert context["usable_cpus"] >= 1
    for key in ("cpu_model", "physical_cores", "memory_bytes", "kernel", "num_cpus", "date", "command_line"):
        assert key in context, key
    assert context["build"]["build_type"]
    constants = context["machine_constants"]
    assert len(constants["ns_per_increment_by_busy_cores"]) == context["usable_cpus"]
    assert constants["core_ghz"] > 0


def test_cpu_entries_report_the_speed_of_the_loop(small_run):
    for row in small_run["report"]["benchmarks"]:
        if row["workload"] == "cpu" and row["run_type"] == "iteration":
            assert row["ns_per_increment"] > 0
            assert row["cycles_per_increment"] > 0


def test_timeline_file_holds_one_timeline_per_entry(small_run):
    report = small_run["report"]
    timelines_path = small_run["report_path"].parent / report["timelines_file"]
    timelines = json.loads(timelines_path.read_text())
    # Start-up entries run no tasks: they have no timeline.
    names = {row["run_name"] for row in report["benchmarks"] if row["workload"] != "startup"}
    assert set(timelines["entries"]) == names
    for name, timeline in timelines["entries"].items():
        assert len(timeline["task"]) == timeline["tasks"] == len(timeline["start_ns"])
        assert all(0 <= s <= e <= timeline["interval_ns"]
                   for s, e in zip(timeline["start_ns"], timeline["end_ns"])), name


def test_startup_is_measured_against_its_floor_from_the_same_run(small_run):
    rows = [b for b in small_run["report"]["benchmarks"] if b["workload"] == "startup"]
    medians = {b["run_name"]: b for b in rows if b.get("aggregate_name") == "median"}
    for model, floor in STARTUP_FLOORS.items():
        name, floor_name = f"startup/{model}/W:8", f"startup/{floor}/W:8"
        assert name in medians and floor_name in medians, sorted(medians)
        row, floor_row = medians[name], medians[floor_name]
        for r in (row, floor_row):
            assert r["workers"] == r["tasks"] == 8 and r["params"] == {"workers": 8}
            assert r["pool"] == "cold" and r["task_form"] == "blocking"
            assert r["loop_threads"] is None and r["inflight"] is None
        # The model's ideal is its floor's median in this very report; a floor is its own.
        assert row["ideal_from"] == floor_name
        assert row["time_unit"] == floor_row["time_unit"]
        assert row["ideal"] == pytest.approx(floor_row["real_time"], rel=1e-12)
        assert row["efficiency"] == pytest.approx(row["ideal"] / row["real_time"], rel=1e-12)
        assert floor_row["efficiency"] == pytest.approx(1, rel=1e-12)
    for r in rows:
        if r["run_type"] == "iteration":
            assert r["start_ns_per_worker"] > 0


def test_blocking_coroutines_run_one_task_at_a_time(small_run):
    for row in small_run["report"]["benchmarks"]:
        if row["model"] == "coroutines" and row["task_form"] == "blocking" and row["run_type"] == "iteration":
            assert row["peak_concurrency"] == 1
        if row["model"] == "threads" and row["workload"] == "sleep" and row["run_type"] == "iteration":
            # Sleeps here last 1 ms: a cold pool's last thread may start after the first
            # finished a task, so the exact min(W, N) is checked with longer sleeps in
            # test_runners; here, never more than W at once, and overlap whenever W > 1.
            assert row["peak_concurrency"] <= min(row["workers"], row["tasks"])
            if row["workers"] > 1:
                assert row["peak_concurrency"] > 1


def test_help_and_list_exit_zero_without_running(concbench_binary):
    helped = run(concbench_binary, "--help")
    assert helped.returncode == 0 and "--suite=quick|default" in helped.stdout
    listed = run(concbench_binary, "--suite=quick", "--list")
    assert listed.returncode == 0
    assert "cpu/sequential/scale:1" in listed.stdout
    assert "entries; about" in listed.stdout


def test_bad_input_is_one_line_and_exit_status_2(concbench_binary, tmp_path):
    cases = [
        ["--workers=0"],
        ["--workers=abc"],
        ["--models=fibers"],
        ["--cpu-scale=-1"],
        ["--nonsense"],
        ["--benchmark_format=csv"],
        ["--benchmark_filter=("],
        [f"--out={tmp_path}/missing-dir/r.json"],
    ]
    for args in cases:
        completed = run(concbench_binary, *args)
        assert completed.returncode == 2, (args, completed.stdout, completed.stderr)
        assert completed.stderr.startswith("concbench: "), (args, completed.stderr)
        assert completed.stdout == "", (args, completed.stdout)
    assert not (tmp_path / "missing-dir").exists()


def test_a_read_only_directory_is_refused_before_anything_runs(concbench_binary, tmp_path):
    import os
    if os.geteuid() == 0:
        # root writes anywhere; a file in place of the directory stands in for it.
        blocker = tmp_path / "not-a-dir"
        blocker.write_text("")
        completed = run(concbench_binary, f"--out={blocker}/r.json")
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        completed = run(concbench_binary, f"--out={locked}/r.json")
    assert completed.returncode == 2
    assert "--out" in completed.stderr


def test_plot_draws_the_report_concbench_wrote(small_run, tmp_path):
    repo = __import__("pathlib").Path(__file__).resolve().parents[2]
    charts = tmp_path / "charts"
    completed = subprocess.run(["/usr/bin/python3", str(repo / "plot" / "plot.py"), str(small_run["report_path"]),
                                "--out", str(charts)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    pngs = sorted(p.name for p in charts.glob("*.png"))
    assert any(name.startswith("tutorial-cpu") for name in pngs), pngs
    assert any(name.startswith("tutorial-sleep") for name in pngs), pngs
    assert len(list(charts.glob("*.svg"))) == len(pngs)


def test_the_report_follows_its_json_schema(small_run):
    import jsonschema
    repo = __import__("pathlib").Path(__file__).resolve().parents[2]
    schema = json.loads((repo / "reports" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(small_run["report"]), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_the_schema_catches_a_row_without_its_fields(small_run):
    import copy
    import jsonschema
    repo = __import__("pathlib").Path(__file__).resolve().parents[2]
    schema = json.loads((repo / "reports" / "report.schema.json").read_text())
    broken = copy.deepcopy(small_run["report"])
    del broken["benchmarks"][0]["model"]
    broken["benchmarks"][1]["pool"] = "lukewarm"
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(broken))
    assert len(errors) == 2


def test_serve_prints_its_url_answers_and_stops_on_sigint(concbench_binary):
    import signal
    import urllib.request
    server = subprocess.Popen([concbench_binary, "serve", "--port", "0", "--body-bytes", "10"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        with urllib.request.urlopen(url + "3", timeout=10) as response:
            assert response.status == 200
            assert len(response.read()) == 10
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=10) == 0


def test_serve_refuses_a_bad_flag(concbench_binary):
    completed = run(concbench_binary, "serve", "--port=abc")
    assert completed.returncode == 2
    assert completed.stderr.startswith("concbench serve: ")
