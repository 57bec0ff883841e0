"""The messaging scenario (the tutorials' Pipe vs Queue): names and params as C++'s, figures that
hold together, failures that are error rows naming the party (never a hang, never a leftover
process), bad params rejected. Small batches: every test takes well under a few seconds."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import re
import subprocess
import threading
import time

import jsonschema
import pytest

from concbench_plot.reports import report_loading
from cpython_reference import context, measure, messaging, suite
from cpython_reference.calibration import MachineConstants
from cpython_reference.cli import parse_cli
from cpython_reference.messaging import PROCESSES_FORK, THREADS, MessagingWorkload
from cpython_reference.report_writer import ReportDocument
from reference_support import SCHEMA, run_cli

MODELS = [THREADS, PROCESSES_FORK]
TRANSPORTS = ["pipe", "queue"]
TWO_CPUS = len(os.sched_getaffinity(0)) >= 2

# C++'s scenario grammar (benchmarks/suites/scenario_suite.cpp entry_name) for messaging.
NAME = re.compile(r"^messaging/(?P<model>python-threads|python-processes-fork)/W:2/transport:(?P<transport>pipe|queue)"
                  r"/mode:(?P<mode>round_trip|stream)/bytes:(?P<bytes>[0-9]+)/messages:(?P<messages>[0-9]+)"
                  r"/pinning:(?P<pinning>none|same-cpu|cross-cpu)$")
CPP_MODEL = {THREADS: "threads", PROCESSES_FORK: "processes-fork"}

# `concbench --list --workloads=messaging --suite=quick`'s pipe entries (when the binary is not built).
CPP_QUICK_PIPE = {f"messaging/{model}/W:2/transport:pipe/mode:{mode}/bytes:64/messages:{m}/pinning:{pinning}"
                  for model in ("threads", "processes-fork")
                  for mode, m in (("round_trip", 2000), ("stream", 20000))
                  for pinning in ("none", "same-cpu") + (("cross-cpu",) if TWO_CPUS else ())}


def plans_of(args):
    plans, skipped = suite.plan_suite(parse_cli(args))
    return plans, skipped


def small_plan(model, transport="pipe", mode="round_trip", **kwargs):
    """A batch of a few ms, one iteration per repetition."""
    kwargs.setdefault("message_bytes", 64)
    kwargs.setdefault("messages", 200 if mode == "round_trip" else 2000)
    work = MessagingWorkload(transport=transport, mode=mode, **kwargs)
    return dataclasses.replace(suite.make_scenario_plan(work, model), iterations=1)


def children() -> list:
    """This process's child processes, from /proc (whoever forked them)."""
    found = []
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/children") as f:
                found += f.read().split()
        except OSError:
            pass
    return found


def echo_threads() -> list:
    return [t for t in threading.enumerate() if t.name == "concbench-echo"]


# -- names, params, plan --------------------------------------------------------------------


@pytest.mark.parametrize("suite_name, sizes, round_trips, streamed", [
    ("quick", [64], 2000, 20000),
    ("default", [64, 4096], 5000, 100000),
])
def test_names_follow_the_cpp_scenario_grammar_and_sizes(suite_name, sizes, round_trips, streamed):
    plans, skipped = plans_of(["--workloads=messaging", f"--suite={suite_name}"])
    pinnings = 3 if TWO_CPUS else 2
    assert len(plans) == 2 * 2 * len(sizes) * pinnings * 2 and (TWO_CPUS or skipped)
    for plan in plans:
        m = NAME.match(plan.name)
        assert m, plan.name
        p = plan.work.params()
        assert p == {"transport": m["transport"], "mode": m["mode"], "message_bytes": int(m["bytes"]),
                     "messages": int(m["messages"]), "pinning": m["pinning"], "parties": 2}
        assert p["message_bytes"] in sizes
        assert p["messages"] == (round_trips if p["mode"] == "round_trip" else streamed)
        assert plan.fields == {"workload": "messaging", "model": m["model"], "workers": 2, "workers_label": "2",
                               "loop_threads": None, "inflight": None, "pool": None, "task_form": "blocking",
                               "tasks": 2, "params": p}
        assert plan.iterations == (2 if p["mode"] == "round_trip" else 3) if suite_name == "quick" else 1


def test_pipe_entries_have_their_cpp_twins():
    plans, _ = plans_of(["--workloads=messaging", "--suite=quick"])
    twins = {p.name.replace(f"/{p.settings.model}/", f"/{CPP_MODEL[p.settings.model]}/")
             for p in plans if p.work.transport == "pipe"}
    binary = os.environ.get("CONCBENCH_BINARY")
    if binary and os.path.exists(binary):
        listed = subprocess.run([binary, "--list", "--workloads=messaging", "--suite=quick"], capture_output=True,
                                text=True, timeout=60, check=True).stdout
        cpp = {line for line in listed.splitlines() if line.startswith("messaging/")}
        cpp_pipe = {n for n in cpp if "/transport:pipe/" in n}
    else:
        cpp_pipe = CPP_QUICK_PIPE
    assert twins == cpp_pipe


def test_messaging_runs_only_when_asked_for_and_only_under_threads_and_fork():
    assert not [p for p in plans_of(["--suite=quick"])[0] if p.work.name == "messaging"]
    plans, _ = plans_of(["--workloads=messaging", "--suite=quick", "--models=python-threads,python-asyncio"])
    assert {p.settings.model for p in plans} == {THREADS}
    completed = run_cli(["--workloads=messaging", "--models=python-asyncio,python-processes-spawn", "--list"])
    assert completed.returncode == 2 and "leave no entry to run" in completed.stderr


def test_list_shows_the_messaging_entries():
    completed = run_cli(["--workloads=messaging", "--suite=quick", "--list"])
    assert completed.returncode == 0, completed.stderr
    listed = [line for line in completed.stdout.splitlines() if line.startswith("messaging/")]
    assert len(listed) == (24 if TWO_CPUS else 16) and all(NAME.match(n) for n in listed)


@pytest.mark.parametrize("kwargs, cause", [
    ({"transport": "socket"}, "unknown transport 'socket'"),
    ({"mode": "burst"}, "unknown mode 'burst'"),
    ({"pinning": "numa"}, "unknown pinning 'numa'"),
    ({"message_bytes": 7}, "at least 8 bytes"),
    ({"message_bytes": 64 * 1024 * 1024 + 1}, "more than 64 MiB"),
    ({"messages": 0}, "messages must be at least 1"),
    ({"fault": "explode"}, "unknown fault"),
    ({"deadline_s": 0.0}, "deadline must be positive"),
])
def test_bad_params_are_rejected(kwargs, cause):
    args = {"transport": "pipe", "mode": "round_trip", "message_bytes": 64, "messages": 10} | kwargs
    with pytest.raises(ValueError, match=cause):
        MessagingWorkload(**args)


def test_an_unsupported_model_is_an_error_not_a_run():
    outcome = MessagingWorkload(transport="pipe", mode="stream", message_bytes=8, messages=1).run("python-asyncio")
    assert outcome.error == ("messaging (pipe, stream) under python-asyncio: this model is not supported "
                             "(python-threads and python-processes-fork are)")


# -- figures --------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_round_trips_succeed_with_consistent_figures(model, transport):
    plan = small_plan(model, transport, "round_trip", message_bytes=100)
    result = measure.measure_entry(plan, repetitions=2, family_index=0)
    assert result.error is None
    kinds = [r["run_type"] if r["run_type"] == "iteration" else r["aggregate_name"] for r in result.rows]
    assert kinds == ["iteration", "iteration", "mean", "median", "stddev", "cv"]
    assert result.timeline is None
    for row in result.rows[:2]:
        assert 0 < row["round_trip_p50_ns"] <= row["round_trip_p99_ns"]
        assert row["round_trip_mean_ns"] > 0
        # M round trips in the interval: the mean round trip fits in it, the rate is M over it
        assert row["round_trip_mean_ns"] * 200 <= row["real_time"] * 1e6 * 1.0001
        assert row["messages_per_second"] == pytest.approx(200 / (row["real_time"] / 1e3))
        assert row["bytes_per_second"] == pytest.approx(100 * row["messages_per_second"])
        assert row["cpu_time"] >= 0
        assert ("workers_cpu_ns" in row) == (model == PROCESSES_FORK)
    for row in result.rows[2:]:
        assert "round_trip_p50_ns" in row and "messages_per_second" in row
    assert not children() and not echo_threads()


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_stream_succeeds_with_rates_and_no_latency(model, transport):
    plan = small_plan(model, transport, "stream", message_bytes=4096, messages=500)
    result = measure.measure_entry(plan, repetitions=2, family_index=0)
    assert result.error is None
    for row in result.rows[:2]:
        assert "round_trip_p50_ns" not in row and "round_trip_p99_ns" not in row
        assert row["messages_per_second"] == pytest.approx(500 / (row["real_time"] / 1e3))
        assert row["bytes_per_second"] == pytest.approx(4096 * row["messages_per_second"])
    assert not children() and not echo_threads()


@pytest.mark.parametrize("pinning", ["same-cpu", "cross-cpu"])
def test_pinned_parties_run_and_the_client_gets_its_mask_back(pinning):
    if pinning == "cross-cpu" and not TWO_CPUS:
        outcome = MessagingWorkload(transport="pipe", mode="round_trip", message_bytes=64, messages=10,
                                    pinning=pinning).run(THREADS)
        assert "cross-cpu pinning needs two CPUs" in outcome.error
        return
    before = os.sched_getaffinity(0)
    for model in MODELS:
        for transport in TRANSPORTS:
            outcome = MessagingWorkload(transport=transport, mode="round_trip", message_bytes=64, messages=50,
                                        pinning=pinning).run(model)
            assert outcome.error is None, outcome.error
            assert outcome.figures["round_trip_p50_ns"] <= outcome.figures["round_trip_p99_ns"]
    assert os.sched_getaffinity(0) == before


def test_placement_follows_the_cpp_definition(monkeypatch):
    monkeypatch.setattr(messaging, "allowed_cpus", lambda: [3, 5, 7])
    assert messaging.placement("none") == (None, None)
    assert messaging.placement("same-cpu") == (3, 3)
    assert messaging.placement("cross-cpu") == (3, 5)
    monkeypatch.setattr(messaging, "allowed_cpus", lambda: [2])
    with pytest.raises(ValueError, match="only CPU 2"):
        messaging.placement("cross-cpu")


def test_percentiles_are_nearest_rank_as_in_cpp():
    values = list(range(1, 101))
    assert messaging._percentile(values, 0.50) == 50 and messaging._percentile(values, 0.99) == 99
    assert messaging._percentile([7], 0.99) == 7
    assert messaging._percentile([1, 2, 3], 0.5) == 2


def test_the_echo_checks_each_message_number():
    work = MessagingWorkload(transport="pipe", mode="stream", message_bytes=16, messages=3)
    frames = [messaging.SEQUENCE.pack(n) + bytes(8) for n in (0, 2, 1)]
    sent = []
    messaging.run_echo(work, sent.append, lambda: frames.pop(0), None, in_process=True, release=None)
    assert sent[0][:1] == b"R" and sent[-1][:1] == b"E"
    assert messaging._error_text(sent[-1]) == "echo: expected message 1, got message 2"


# -- failures -------------------------------------------------------------------------------


@pytest.mark.parametrize("model, transport, mode, fault, cause", [
    (PROCESSES_FORK, "pipe", "round_trip", "echo-dies",
     "the echo process died (killed by SIGKILL); the client got 5 of 200 round trips through"),
    (PROCESSES_FORK, "queue", "round_trip", "echo-dies",
     "the echo process died (killed by SIGKILL); the client got 5 of 200 round trips through"),
    (PROCESSES_FORK, "pipe", "stream", "echo-dies", "the echo process died (killed by SIGKILL)"),
    (PROCESSES_FORK, "queue", "stream", "echo-dies", "the echo process died (killed by SIGKILL)"),
    (THREADS, "pipe", "round_trip", "echo-dies", "echo: failed on message 5 (injected fault)"),
    (THREADS, "queue", "stream", "echo-raises", "echo: failed on message 5 (injected fault)"),
    (PROCESSES_FORK, "queue", "stream", "echo-raises", "echo: failed on message 5 (injected fault)"),
    (PROCESSES_FORK, "pipe", "round_trip", "echo-misnumbers", "client: message 5 came back as message 6"),
    (THREADS, "queue", "round_trip", "echo-misnumbers", "client: message 5 came back as message 6"),
    (PROCESSES_FORK, "queue", "stream", "echo-misnumbers", "client: the echo acknowledged 1999 of 2000 messages"),
    (THREADS, "pipe", "stream", "echo-misnumbers", "client: the echo acknowledged 1999 of 2000 messages"),
])
def test_a_failing_echo_is_an_error_row_naming_it(model, transport, mode, fault, cause):
    plan = small_plan(model, transport, mode, fault=fault, fault_message=5)
    start = time.monotonic()
    result = measure.measure_entry(plan, repetitions=2, family_index=0)
    assert time.monotonic() - start < 10
    who = f"messaging ({transport}, {mode}) under {model}: "
    assert result.error.startswith(who + cause), result.error
    assert [r["run_type"] for r in result.rows] == ["iteration", "iteration"]  # no aggregate of errors
    assert all(r["error_occurred"] and r["real_time"] == 0.0 and "round_trip_p50_ns" not in r for r in result.rows)
    assert not children() and not echo_threads()
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("transport, mode", [("pipe", "round_trip"), ("queue", "stream")])
def test_a_stalled_echo_ends_at_the_deadline_and_is_reaped(model, transport, mode):
    work = MessagingWorkload(transport=transport, mode=mode, message_bytes=64, messages=200, fault="echo-stalls",
                             fault_message=5, deadline_s=0.5)
    start = time.monotonic()
    outcome = work.run(model)
    assert time.monotonic() - start < 5
    assert outcome.error.startswith(f"messaging ({transport}, {mode}) under {model}: no answer within the "
                                    "deadline of 0.5 s: the echo was stopped"), outcome.error
    assert not children() and not echo_threads()


def test_a_messaging_report_validates_and_loads_in_plot(tmp_path):
    """A small suite written as the program writes it: the schema, plot/'s reader and its chart."""
    from concbench_plot.charts import messaging_chart

    small = dataclasses.replace(suite.SUITES["quick"], round_trips=50, streamed_messages=500)
    plans, _ = suite.messaging_plans(small, [THREADS, PROCESSES_FORK])
    plans = [dataclasses.replace(p, iterations=1) for p in plans if p.work.pinning == "none"]
    path = tmp_path / "py-messaging.json"
    constants = MachineConstants(usable_cpus=len(os.sched_getaffinity(0)),
                                 ns_per_increment_by_busy_cores=[30.0] * len(os.sched_getaffinity(0)),
                                 sleep_overshoot_ns=50_000.0, core_ghz=3.0, loopback_round_trip_ns=0.0,
                                 loopback_requests_per_second=0.0)
    document = ReportDocument(context.machine_context(["concbench_python.py", "--workloads=messaging"], "quick",
                                                      constants), str(path))
    for index, plan in enumerate(plans):
        result = measure.measure_entry(plan, repetitions=2, family_index=index)
        assert result.error is None, result.error
        document.add_entry(plan, result.rows, result.timeline, *plan.work.estimate([], None, None))
    document.write(complete=True)
    data = json.loads(path.read_text())
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    for row in data["benchmarks"]:
        assert row["ideal"] == 0.0 and row["bound"] == 0.0 if "time_unit" in row else "ideal" not in row
        assert "efficiency" not in row and "speedup" not in row
    report = report_loading.load_report(str(path))
    assert len(report.entries) == 8 and not [e for e in report.entries if e.failed]
    assert messaging_chart.message_sizes(report) == [64]
    assert messaging_chart.layout(report, 64) == (["pipe", "queue"], [THREADS, PROCESSES_FORK])
    assert len(messaging_chart.cells(report, 64)) == 8
    assert messaging_chart.messaging_reading(report, 64).startswith("round trip p50 from ")
