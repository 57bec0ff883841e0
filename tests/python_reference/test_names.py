"""Entry names follow concbench's grammar and line up with the C++ report's, model aside."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from cpython_reference import suite, workloads
from cpython_reference.cli import parse_cli
from reference_support import TINY_RUN_FLAGS

# workload/model[/W:w][/loop_threads:n/K:k][/pool:p][/form:f]/key:value...
GRAMMAR = re.compile(
    r"^(?P<workload>[a-z]+)/(?P<model>python-[a-z-]+)"
    r"(?:/W:(?P<W>py-default|[0-9]+))?"
    r"(?:/loop_threads:(?P<loop>[0-9]+)/K:(?P<K>all|[0-9]+))?"
    r"(?:/pool:(?P<pool>cold))?"
    r"(?:/form:(?P<form>awaitable|blocking))?"
    r"(?P<keys>(?:/[A-Za-z_]+:[^/]+)+)$")

# The C++ model each Python model is the counterpart of (forkserver has none).
CPP_MODEL = {"python-sequential": "sequential", "python-threads": "threads", "python-asyncio": "coroutines",
             "python-processes-fork": "processes-fork", "python-processes-spawn": "processes-spawn"}

# `concbench --list --suite=quick --cpu-scale=0.03 --time-scale=0.05` (C++ grammar), for the
# experiments the Python quick suite shares with it: used when the binary is not built.
CPP_QUICK_NAMES = {
    "cpu/sequential/scale:0.03", "cpu/threads/W:2/pool:cold/scale:0.03",
    "cpu/coroutines/loop_threads:1/K:all/form:awaitable/scale:0.03",
    "cpu/processes-fork/W:2/pool:cold/scale:0.03", "cpu/processes-spawn/W:2/pool:cold/scale:0.03",
    "sleep/sequential/N:20/ms:1", "sleep/threads/W:4/pool:cold/N:20/ms:1",
    "sleep/coroutines/loop_threads:1/K:all/form:awaitable/N:20/ms:1",
    "sleep/coroutines/loop_threads:1/K:all/form:blocking/N:20/ms:1",
    "http/sequential/N:50/delay_ms:0.25/bytes:1024", "http/threads/W:4/pool:cold/N:50/delay_ms:0.25/bytes:1024",
    "http/coroutines/loop_threads:1/K:all/form:awaitable/N:50/delay_ms:0.25/bytes:1024",
    "http/coroutines/loop_threads:1/K:all/form:blocking/N:50/delay_ms:0.25/bytes:1024",
}


def cpp_twin(name: str) -> str | None:
    workload, model, rest = name.split("/", 2)
    return f"{workload}/{CPP_MODEL[model]}/{rest}" if model in CPP_MODEL else None


def cpp_quick_names() -> set:
    binary = os.environ.get("CONCBENCH_BINARY")
    if not binary:
        return CPP_QUICK_NAMES
    listed = subprocess.run([binary, "--list", "--suite=quick", "--cpu-scale=0.03", "--time-scale=0.05"],
                            capture_output=True, text=True, timeout=60, check=True).stdout
    return {line for line in listed.splitlines() if "/" in line}


def test_every_name_follows_the_grammar_and_matches_its_fields(tiny_run):
    for row in tiny_run["report"]["benchmarks"]:
        name = row["run_name"]
        m = GRAMMAR.match(name)
        assert m, name
        assert row["name"] == name if row["run_type"] == "iteration" else row["name"] == f"{name}_{row['aggregate_name']}"
        assert m["workload"] == row["workload"] and m["model"] == row["model"]
        assert (m["W"] or str(row["workers"])) == row["workers_label"], name
        assert (m["pool"] or None) == row["pool"], name
        if row["model"] == "python-asyncio":
            assert row["loop_threads"] == 1 and m["loop"] == "1"
            assert row["inflight"] == (row["tasks"] if m["K"] == "all" else int(m["K"]))
            assert m["form"] == row["task_form"]
        else:
            assert row["loop_threads"] is None and row["inflight"] is None and row["task_form"] == "blocking"
        if row["model"] == "python-sequential":
            assert row["workers"] == 1


def test_shared_experiments_have_the_cpp_name_but_the_model(tiny_run):
    cpp = cpp_quick_names()
    python_names = {r["run_name"] for r in tiny_run["report"]["benchmarks"]}
    twins = {cpp_twin(n) for n in python_names} - {None}
    # Every Python entry of a batch the C++ quick suite runs has its C++ twin, and vice versa
    # for the models both sides have at the W both run.
    assert CPP_QUICK_NAMES <= twins, CPP_QUICK_NAMES - twins
    assert CPP_QUICK_NAMES <= cpp, CPP_QUICK_NAMES - cpp


def test_py_default_is_the_thread_pool_default():
    options = parse_cli(["--workloads=cpu", "--workers=py-default", "--models=python-threads", "--cpu-scale=1"])
    plans, _ = suite.plan_suite(options)
    assert [p.name for p in plans] == ["cpu/python-threads/W:py-default/pool:cold/scale:1"]
    assert plans[0].settings.workers is None  # ThreadPoolExecutor() decides
    assert plans[0].fields["workers"] == min(32, (os.cpu_count() or 1) + 4)


@pytest.mark.parametrize("work, cpp_params", [
    (workloads.CpuWorkload(scale=1), {"increments_per_num": 1000000.0, "nums": [8, 7, 8, 5, 8, 8, 5, 4, 8, 7, 7, 8, 8, 7, 8, 8, 8], "scale": 1.0}),
    (workloads.SleepWorkload(tasks=100, sleep_ms=10), {"sleep_ms": 10.0, "tasks": 100, "time_scale": 1.0}),
    (workloads.HttpWorkload(url="http://127.0.0.1:42307/", tasks=100, delay_ms=5, body_bytes=1024),
     {"body_bytes": 1024, "delay_ms": 5.0, "keep_alive": True, "tasks": 100, "timeout_ms": 10000.0,
      "url": "http://127.0.0.1:42307/"}),
])
def test_params_are_the_cpp_params(work, cpp_params):
    """The params of results/default-final.json's entries, for the same experiment."""
    assert work.params() == cpp_params


def test_cpu_scale_and_time_scale_keys_are_formatted_like_cpp():
    assert suite.entry_name(workloads.CpuWorkload(scale=0.1), suite.RunSettings("python-sequential")) == \
        "cpu/python-sequential/scale:0.1"
    assert workloads.SleepWorkload(tasks=20, sleep_ms=20, time_scale=0.05).name_keys() == [("N", "20"), ("ms", "1")]
    assert workloads.SleepWorkload(tasks=20, sleep_ms=20, time_scale=1 / 3).name_keys()[1] == ("ms", "6.66667")


def test_list_prints_the_plan_without_running(tiny_run):
    from reference_support import run_cli
    completed = run_cli(["--list", *TINY_RUN_FLAGS])
    assert completed.returncode == 0, completed.stderr
    listed = [line for line in completed.stdout.splitlines() if "/" in line and not line.startswith("#")]
    ran = []
    for row in tiny_run["report"]["benchmarks"]:
        if row["run_name"] not in ran:
            ran.append(row["run_name"])
    assert listed == ran
