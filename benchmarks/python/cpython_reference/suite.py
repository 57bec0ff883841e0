"""The entries a run executes (quick or default suite) and their grammar names.

Names follow the C++ grammar exactly (benchmarks/suites/suite.cpp entry_name):
`workload/model[/W:w][/loop_threads:1/K:k][/pool:cold][/form:f]/key:value...`, so an entry
here lines up with its C++ twin by name, model aside (`python-threads` ~ `threads`,
`python-asyncio` ~ `coroutines`). Sizes are fixed per suite, never per machine, so reports
from different machines match entry by entry; `W:py-default` is ThreadPoolExecutor's own
default, whatever it is on the machine (the context says: python_default_workers).

Why these sizes (2 vCPUs, CPython ~30 M increments/s):
- cpu: the tutorial's nums at scale 0.1 by default (12.2 M increments, ~0.4 s sequential).
  At scale 1, the tutorial's own size, a batch takes ~3.5 s and 5 repetitions of ~9 entries
  take ~3 minutes for cpu alone; at 0.1 the batch is still well above a cold pool's start-up
  on fork (~10 ms) and large enough against spawn's (~50-100 ms per worker) that the
  tutorial's ordering holds. `--cpu-scale=1` runs the tutorial's size (and matches C++'s
  `scale:1` entries by name). quick: 0.01.
- sleep: the C++ suites' batches (quick 20 x 20 ms, default 100 x 10 ms) for the model
  comparison, plus the tutorials' "asyncio scales to thousands" sweep: asyncio at 1,000,
  10,000 and 100,000 tasks, threads with W = N at 1,000 and 10,000 (when the thread limits
  allow it).
- http: the C++ suites' batches (quick 50, default 100 GETs, 5 ms delay, 1 KiB bodies).
- messaging (only when asked for, as in C++): the C++ suites' sizes (quick: 64-byte messages,
  2,000 round trips, 20,000 streamed; default: 64 and 4,096 bytes, 5,000 round trips, 100,000
  streamed), transports pipe and queue, pinning none / same-cpu / cross-cpu (cross-cpu left
  out on one CPU), under python-threads and python-processes-fork with W:2 (the two parties),
  named as C++'s scenarios are: `messaging/python-processes-fork/W:2/transport:pipe/...`.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import resource

from cpython_reference import models
from cpython_reference.messaging import MessagingWorkload, allowed_cpus
from cpython_reference.models import ASYNCIO, PROCESSES_FORK, PROCESS_MODELS, SEQUENTIAL, THREADS, RunSettings
from cpython_reference.workloads import CpuWorkload, FaultWorkload, HttpWorkload, SleepWorkload

PY_DEFAULT = "py-default"
HTTP_PLACEHOLDER_URL = "http://127.0.0.1:1/"  # until the server is known (and for --list)


@dataclasses.dataclass
class SuiteDefinition:
    cpu_scales: list
    cpu_workers: list  # labels: "2", "py-default"
    sleep_tasks: int
    sleep_ms: float
    sleep_workers: list
    sweep_ms: float
    asyncio_sweep: list  # N
    threads_sweep: list  # N, run with W = N
    http_tasks: int
    http_delay_ms: float
    http_body_bytes: int
    http_workers: list
    http_inflight: list  # K; 0 = all
    http_process_workers: list
    message_sizes: list  # B; as benchmarks/suites/scenario_suite.cpp
    round_trips: int  # M in round_trip mode
    streamed_messages: int  # M in stream mode


SUITES = {
    "quick": SuiteDefinition(
        cpu_scales=[0.03], cpu_workers=["2"],
        sleep_tasks=20, sleep_ms=20, sleep_workers=["4"],
        sweep_ms=20, asyncio_sweep=[1000], threads_sweep=[],
        http_tasks=50, http_delay_ms=5, http_body_bytes=1024, http_workers=["4"], http_inflight=[0],
        http_process_workers=[],
        message_sizes=[64], round_trips=2_000, streamed_messages=20_000),
    "default": SuiteDefinition(
        cpu_scales=[0.1], cpu_workers=["2", PY_DEFAULT],
        sleep_tasks=100, sleep_ms=10, sleep_workers=["2", "8", PY_DEFAULT],
        sweep_ms=10, asyncio_sweep=[1000, 10_000, 100_000], threads_sweep=[1000, 10_000],
        http_tasks=100, http_delay_ms=5, http_body_bytes=1024, http_workers=["2", "8", PY_DEFAULT],
        http_inflight=[8, 32, 0], http_process_workers=["8"],
        message_sizes=[64, 4096], round_trips=5_000, streamed_messages=100_000),
}
MESSAGING_MODELS = [THREADS, PROCESSES_FORK]  # as C++'s messaging_scenario::supports
MESSAGING_TRANSPORTS = ["pipe", "queue"]
MESSAGING_MODES = ["round_trip", "stream"]
MESSAGING_PINNINGS = ["none", "same-cpu", "cross-cpu"]
SCENARIO_WORKERS = 2  # messaging's two parties: the client and the echo


@dataclasses.dataclass
class EntryPlan:
    work: object
    settings: RunSettings
    name: str
    fields: dict
    comparison_key: str
    is_sequential: bool
    iterations: int


def worker_settings(model: str, label: str) -> RunSettings:
    return RunSettings(model=model, workers=None if label == PY_DEFAULT else int(label), workers_label=label)


def entry_name(work, s: RunSettings) -> str:
    name = f"{work.name}/{s.model}"
    if models.uses_workers(s.model):
        name += f"/W:{s.workers_label}"
    if models.uses_event_loop(s.model):
        name += "/loop_threads:1/K:" + ("all" if s.inflight == 0 else str(s.inflight))
    if models.uses_workers(s.model):
        name += "/pool:cold"
    if models.uses_event_loop(s.model):
        name += f"/form:{s.form}"
    for key, value in work.name_keys():
        name += f"/{key}:{value}"
    return name


def scenario_name(work, model: str) -> str:
    """C++'s scenario grammar (benchmarks/suites/scenario_suite.cpp entry_name): no pool, no form:
    `messaging/python-threads/W:2/transport:queue/mode:stream/bytes:64/messages:20000/pinning:none`."""
    name = f"{work.name}/{model}/W:{SCENARIO_WORKERS}"
    for key, value in work.name_keys():
        name += f"/{key}:{value}"
    return name


def make_scenario_plan(work, model: str) -> EntryPlan:
    """A scenario's entry: fields as C++'s describe_entry(scenario_plan) writes them."""
    fields = {
        "workload": work.name,
        "model": model,
        "workers": SCENARIO_WORKERS,
        "workers_label": str(SCENARIO_WORKERS),
        "loop_threads": None,
        "inflight": None,
        "pool": None,
        "task_form": "blocking",
        "tasks": len(work.make_batch()),
        "params": work.params(),
    }
    settings = RunSettings(model=model, workers=SCENARIO_WORKERS, workers_label=str(SCENARIO_WORKERS))
    return EntryPlan(work=work, settings=settings, name=scenario_name(work, model), fields=fields,
                     comparison_key=work.name + " " + json.dumps(work.params(), sort_keys=True),
                     is_sequential=False, iterations=iterations_per_sample(work))


def messaging_plans(suite: SuiteDefinition, selected: list) -> tuple:
    """(entries, skipped) of the messaging scenario, in C++'s order: transport, mode, size,
    pinning, model."""
    plans, skipped = [], []
    chosen = [m for m in MESSAGING_MODELS if m in selected]
    cpus = allowed_cpus()
    for transport in MESSAGING_TRANSPORTS:
        for mode in MESSAGING_MODES:
            for size in suite.message_sizes:
                for pinning in MESSAGING_PINNINGS:
                    work = MessagingWorkload(transport=transport, mode=mode, message_bytes=size,
                                             messages=suite.round_trips if mode == "round_trip"
                                             else suite.streamed_messages, pinning=pinning)
                    for model in chosen:
                        plan = make_scenario_plan(work, model)
                        if pinning == "cross-cpu" and len(cpus) < 2:
                            skipped.append((plan.name, f"cross-cpu pinning needs two CPUs, and this process "
                                                       f"may run on only CPU {cpus[0] if cpus else '?'}"))
                        else:
                            plans.append(plan)
    return plans, skipped


def iterations_per_sample(work) -> int:
    """As the C++ suite: one batch per iteration, 1 iteration for batches of 100 ms or more,
    else enough for ~100 ms (at most 1000), from a fixed nominal cost: the same everywhere."""
    batch_ns = work.nominal_sequential_ns()
    if batch_ns >= 100e6 or batch_ns <= 0:
        return 1
    return int(min(1000, math.ceil(100e6 / batch_ns)))


def make_plan(work, settings: RunSettings) -> EntryPlan:
    batch = work.make_batch()
    tasks = len(batch)
    event_loop = models.uses_event_loop(settings.model)
    workers = settings.effective_workers(tasks)
    fields = {
        "workload": work.name,
        "model": settings.model,
        "workers": workers,
        "workers_label": settings.workers_label or str(workers),
        "loop_threads": 1 if event_loop else None,
        "inflight": (tasks if settings.inflight == 0 else min(settings.inflight, tasks)) if event_loop else None,
        "pool": "cold" if models.uses_workers(settings.model) else None,
        "task_form": settings.form if event_loop else "blocking",
        "tasks": tasks,
        "params": work.params(),
    }
    return EntryPlan(work=work, settings=settings, name=entry_name(work, settings), fields=fields,
                     comparison_key=work.name + " " + json.dumps(work.params(), sort_keys=True),
                     is_sequential=settings.model == SEQUENTIAL, iterations=iterations_per_sample(work))


def thread_limit() -> int:
    """How many threads this process could start, from RLIMIT_NPROC, threads-max and the
    cgroup's pids.max (whichever is lowest)."""
    limits = []
    soft, _ = resource.getrlimit(resource.RLIMIT_NPROC)
    if soft != resource.RLIM_INFINITY:
        limits.append(soft)
    for path in ["/proc/sys/kernel/threads-max"]:
        try:
            with open(path) as f:
                limits.append(int(f.read()))
        except (OSError, ValueError):
            pass
    try:
        with open("/proc/self/cgroup") as f:
            cgroup = f.readline().strip().rsplit(":", 1)[1]
        with open(f"/sys/fs/cgroup{cgroup}/pids.max") as f:
            text = f.read().strip()
        if text != "max":
            with open(f"/sys/fs/cgroup{cgroup}/pids.current") as f:
                limits.append(int(text) - int(f.read()))
    except (OSError, ValueError, IndexError):
        pass
    return min(limits) if limits else 1 << 30


def _pool_entries(work, pool_models: list, labels: list) -> list:
    return [make_plan(work, worker_settings(model, label)) for model in pool_models for label in labels]


def plan_suite(options, http_url: str | None = None) -> tuple:
    """(entries, skipped): skipped lists (name, why) of entries this machine cannot run."""
    suite = SUITES[options.suite]
    chosen = options.models or models.ALL_MODELS
    selected = [m for m in models.ALL_MODELS if m in chosen]  # sequential first: speedups need it
    process_models = [m for m in selected if m in PROCESS_MODELS]
    plans: list = []
    skipped: list = []

    def want(model):
        return model in selected

    if "cpu" in options.workloads:
        for scale in options.cpu_scales or suite.cpu_scales:
            work = CpuWorkload(scale=scale)
            if want(SEQUENTIAL):
                plans.append(make_plan(work, RunSettings(SEQUENTIAL)))
            if want(THREADS):
                plans += _pool_entries(work, [THREADS], options.workers or suite.cpu_workers)
            if want(ASYNCIO):
                plans.append(make_plan(work, RunSettings(ASYNCIO, form="awaitable")))
            plans += _pool_entries(work, process_models, options.workers or suite.cpu_workers)

    if "sleep" in options.workloads:
        work = SleepWorkload(tasks=suite.sleep_tasks, sleep_ms=suite.sleep_ms, time_scale=options.time_scale)
        if want(SEQUENTIAL):
            plans.append(make_plan(work, RunSettings(SEQUENTIAL)))
        if want(THREADS):
            plans += _pool_entries(work, [THREADS], options.workers or suite.sleep_workers)
        if want(ASYNCIO):
            plans.append(make_plan(work, RunSettings(ASYNCIO, form="awaitable")))
            plans.append(make_plan(work, RunSettings(ASYNCIO, form="blocking")))
        # "asyncio scales to thousands of tasks where threads are too heavy"
        sweep = sorted(set(suite.asyncio_sweep) | (set(suite.threads_sweep) if want(THREADS) else set()))
        limit = thread_limit()
        for n in sweep:
            work = SleepWorkload(tasks=n, sleep_ms=suite.sweep_ms, time_scale=options.time_scale)
            if want(THREADS) and n in suite.threads_sweep:
                plan = make_plan(work, worker_settings(THREADS, str(n)))
                if n + 256 <= limit * 0.8:
                    plans.append(plan)
                else:
                    skipped.append((plan.name, f"{n} threads exceed this machine's thread limit ({limit})"))
            if want(ASYNCIO) and n in suite.asyncio_sweep:
                plans.append(make_plan(work, RunSettings(ASYNCIO, form="awaitable")))

    if "http" in options.workloads:
        work = HttpWorkload(url=http_url or HTTP_PLACEHOLDER_URL, tasks=suite.http_tasks,
                            delay_ms=suite.http_delay_ms * options.time_scale, body_bytes=suite.http_body_bytes)
        if want(SEQUENTIAL):
            plans.append(make_plan(work, RunSettings(SEQUENTIAL)))
        if want(THREADS):
            plans += _pool_entries(work, [THREADS], options.workers or suite.http_workers)
        if want(ASYNCIO):
            for k in suite.http_inflight:
                plans.append(make_plan(work, RunSettings(ASYNCIO, inflight=k, form="awaitable")))
            plans.append(make_plan(work, RunSettings(ASYNCIO, form="blocking")))
        # The tutorials' scraper with a process pool: fork only, unless the models were chosen.
        http_process_models = process_models if options.models else [m for m in process_models if m == PROCESSES_FORK]
        plans += _pool_entries(work, http_process_models, options.workers or suite.http_process_workers)

    if "messaging" in options.workloads:
        messaging_entries, messaging_skipped = messaging_plans(suite, selected)
        plans += messaging_entries
        skipped += messaging_skipped

    if options.test_fault:
        work = FaultWorkload(kind=options.test_fault)
        for model in selected:
            if model == ASYNCIO:
                plans.append(make_plan(work, RunSettings(ASYNCIO, form="awaitable")))
            elif models.uses_workers(model):
                plans.append(make_plan(work, worker_settings(model, "2")))
            else:
                plans.append(make_plan(work, RunSettings(model)))

    names = [p.name for p in plans]
    if len(set(names)) != len(names):
        raise ValueError("two entries share a name")
    return plans, skipped


def estimated_seconds(plans: list, repetitions: int) -> float:
    """A rough duration: nominal batch time per entry and model (for --list and progress)."""
    total = 0.0
    for p in plans:
        batch_s = p.work.nominal_sequential_ns() / 1e9
        lanes = p.settings.lanes(p.fields["tasks"])
        if getattr(p.work, "scenario", False):
            # CPython on 2 vCPUs: a round trip ~20-100 µs (nominal 40), a streamed message ~3-30 µs (nominal 2)
            batch_s *= 10 if p.work.mode == "stream" else 1.5
            total += (batch_s + 0.01) * p.iterations * repetitions
            continue
        if p.work.name == "cpu":
            batch_s = batch_s / min(lanes, os.cpu_count() or 1) if p.settings.model in PROCESS_MODELS else batch_s
        else:
            batch_s /= max(1, lanes)
        total += (batch_s * p.iterations + (0.1 if p.settings.model in PROCESS_MODELS else 0.0)) * repetitions
    return total
