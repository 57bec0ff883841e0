"""Failures are entry errors naming task and model, never numbers; bad flags exit 2."""

from __future__ import annotations

import json
import signal
import time

import jsonschema
import pytest

from concbench_plot.reports import report_loading
from cpython_reference import measure, models, suite, workloads
from reference_support import SCHEMA, run_cli

ALL_MODELS = ",".join(models.ALL_MODELS)


def _errors(report):
    return {r["run_name"]: r["error_message"] for r in report["benchmarks"] if r.get("error_occurred")}


@pytest.mark.parametrize("kind, cause", [
    ("raise", "raised RuntimeError: fault injected in task 1"),
    ("wrong", "wrong result: counted 999 instead of 1000"),
])
def test_a_faulty_task_is_an_entry_error_under_every_model(tmp_path, kind, cause):
    out = tmp_path / "fault.json"
    completed = run_cli([f"--test-fault={kind}", f"--models={ALL_MODELS}", "--benchmark_repetitions=2",
                         f"--out={out}"])
    assert completed.returncode == 1, completed.stdout + completed.stderr
    report = json.loads(out.read_text())
    assert report["complete"] is True
    jsonschema.validate(report, json.loads(SCHEMA.read_text()))
    errors = _errors(report)
    assert len(errors) == len(models.ALL_MODELS)
    for name, message in errors.items():
        model = name.split("/")[1]
        assert message == f"task 1 of fault under {model}: {cause}", message
    # Never a number: error rows carry no efficiency, and no aggregates are made of them.
    for row in report["benchmarks"]:
        assert row["run_type"] == "iteration" and row["error_occurred"] and "efficiency" not in row
    loaded = report_loading.load_report(str(out))
    assert all(e.failed for e in loaded.entries)


def test_an_exception_in_one_task_keeps_the_others_results():
    work = workloads.FaultWorkload(kind="raise")
    for settings in (models.RunSettings(models.SEQUENTIAL),
                     models.RunSettings(models.THREADS, workers=2, workers_label="2"),
                     models.RunSettings(models.ASYNCIO, form="awaitable")):
        outcome = models.run_batch(work, work.make_batch(), settings)
        assert [t.value for t in outcome.tasks] == [1000, None, 1000]
        assert outcome.tasks[1].error == f"task 1 of fault under {settings.model}: raised RuntimeError: " \
                                         "fault injected in task 1"


@pytest.fixture
def a_run_ends():
    """What program.main does when a run ends, for the tests that run pools in this process:
    models.finish() stops what they started (the fork server, the resource tracker). Then
    the autouse leak check finds nothing, or names it."""
    yield
    models.finish()


@pytest.mark.parametrize("model", sorted(models.PROCESS_MODELS))
def test_a_worker_that_dies_breaks_the_pool_and_leaves_no_process(a_run_ends, model):
    work = workloads.FaultWorkload(kind="dies")
    outcome = models.run_batch(work, work.make_batch(), models.RunSettings(model, workers=2, workers_label="2"))
    assert outcome.tasks[1].error.startswith(f"task 1 of fault under {model}: raised BrokenProcessPool"), \
        outcome.tasks[1].error


class _Interrupted(Exception):
    pass


@pytest.mark.parametrize("model", sorted(models.PROCESS_MODELS))
def test_a_batch_interrupted_during_a_task_that_does_not_end_leaves_no_process(a_run_ends, model):
    """As Ctrl-C would (an exception in the measuring process while its pool waits for a task
    that does not end): the pool is not waited for but ended, its workers killed and reaped."""
    def interrupt(*_):
        raise _Interrupted

    work = workloads.FaultWorkload(kind="hangs")
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 1.5)
    start = time.monotonic()
    try:
        with pytest.raises(_Interrupted):
            models.run_batch(work, work.make_batch(), models.RunSettings(model, workers=2, workers_label="2"))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - start < work.HANG_S / 2  # the hanging task was not waited for


def test_a_short_sleep_is_caught_by_verification():
    work = workloads.SleepWorkload(tasks=2, sleep_ms=1)
    batch = work.make_batch()
    outcome = models.run_batch(work, batch, models.RunSettings(models.SEQUENTIAL))
    assert measure.batch_error(work, batch, outcome, models.SEQUENTIAL) is None
    outcome.tasks[0].value = batch[0].size - 1
    assert measure.batch_error(work, batch, outcome, models.SEQUENTIAL) == \
        f"task 0 of sleep under python-sequential: wrong result: slept {batch[0].size - 1} ns of {batch[0].size} ns"


def test_a_wrong_count_fails_the_entry_in_process():
    plan = suite.make_plan(workloads.FaultWorkload(kind="wrong"),
                           models.RunSettings(models.THREADS, workers=2, workers_label="2"))
    result = measure.measure_entry(plan, repetitions=2, family_index=0)
    assert result.error == "task 1 of fault under python-threads: wrong result: counted 999 instead of 1000"
    assert [r["run_type"] for r in result.rows] == ["iteration", "iteration"]
    assert all(r["real_time"] == 0.0 and r["error_occurred"] for r in result.rows)


@pytest.mark.parametrize("path, cause", [
    ("short/", "returned 1023 bytes instead of 1024"),
    ("status/", "answered status 500 instead of 200"),
])
def test_a_wrong_http_response_is_an_entry_error(tmp_path, stdlib_server, path, cause):
    out = tmp_path / "http.json"
    completed = run_cli(["--suite=quick", "--workloads=http", "--models=python-sequential,python-asyncio",
                         "--time-scale=0.05", "--benchmark_repetitions=1", f"--http-url={stdlib_server}{path}",
                         f"--out={out}"])
    assert completed.returncode == 1, completed.stdout + completed.stderr
    errors = _errors(json.loads(out.read_text()))
    assert errors and all(cause in m and m.startswith("task ") and " of http under python-" in m
                          for m in errors.values()), errors


def test_a_server_that_does_not_answer_is_a_usage_error(tmp_path):
    completed = run_cli(["--workloads=http", "--http-url=http://127.0.0.1:9/", f"--out={tmp_path / 'r.json'}"])
    assert completed.returncode == 2
    assert completed.stderr.count("\n") == 1 and completed.stderr.startswith("concbench_python: http:")


@pytest.mark.parametrize("args", [
    ["--bogus"],
    ["--suite=full"],
    ["--suite"],
    ["--workloads=cpu,gpu"],
    ["--workloads=cpu,cpu"],
    ["--models=threads"],
    ["--workers=0"],
    ["--workers=two"],
    ["--cpu-scale=0"],
    ["--cpu-scale=abc"],
    ["--cpu-scale=1e-9"],
    ["--cpu-scale=1000"],
    ["--time-scale=-1"],
    ["--time-scale=nan"],
    ["--http-url=ftp://x"],
    ["--benchmark_repetitions=0"],
    ["--benchmark_repetitions=x"],
    ["--benchmark_out=x.json"],
    ["--list=yes"],
    ["positional"],
    ["--test-fault=explode"],
])
def test_bad_flags_exit_2_with_one_line(args):
    completed = run_cli(["--list", *args] if args != ["--list=yes"] else args)
    assert completed.returncode == 2, (args, completed.stdout, completed.stderr)
    assert completed.stderr.count("\n") == 1, completed.stderr
    assert completed.stderr.startswith("concbench_python: ")
    assert "Traceback" not in completed.stderr


def test_an_unwritable_out_path_exits_2(tmp_path):
    completed = run_cli(["--workloads=cpu", f"--out={tmp_path / 'missing' / 'r.json'}"])
    assert completed.returncode == 2
    assert completed.stderr.startswith("concbench_python: --out: cannot write the report")


def test_help_exits_0():
    completed = run_cli(["--help"])
    assert completed.returncode == 0 and "--cpu-scale" in completed.stdout
