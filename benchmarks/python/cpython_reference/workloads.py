"""What one task does — cpu, sleep, http (and the test-only fault) — as the C++ workloads define it.

Each workload mirrors its C++ counterpart (workloads/*_workload.cpp) field for field:
the same `params`, the same name keys (formatted like C++'s `%.6g`), the same batch, the
same verification and the same ideal and bound (docs/design.md "Ideal and bound"). That is what
lets `cpu/python-threads/W:2/pool:cold/scale:1` line up with `cpu/threads/W:2/pool:cold/scale:1`.

A workload never knows which model runs it: it offers a blocking form (`run_blocking`,
called by sequential, thread and process models, and by asyncio's `form:blocking` variant)
and an awaitable form (`run_awaitable`, asyncio). CPU work in the awaitable form runs
inline and blocks the loop, exactly as it does under asyncio.

Workload objects are small frozen dataclasses: they are pickled to process workers.
"""

from __future__ import annotations

import dataclasses
import math
import time

from cpython_reference.schedule import greedy_makespan, shared_cpu_makespan

# asyncio and the http clients are imported where they are used: process workers import
# this module, and should not pay asyncio's import at start-up for a counting loop.

TUTORIAL_NUMS = (8, 7, 8, 5, 8, 8, 5, 4, 8, 7, 7, 8, 8, 7, 8, 8, 8)
INCREMENTS_PER_NUM = 1_000_000

# Nominal CPython costs, fixed (not calibrated) so that the iteration count of an entry is
# the same on every machine (docs/design.md "How a benchmark is timed"); never used in a result.
NOMINAL_NS_PER_INCREMENT = 33.0  # CPython 3.11: ~30 M increments/s
NOMINAL_ROUND_TRIP_NS = 200_000.0  # a stdlib client's loopback GET


def format_number(value: float) -> str:
    """As C++'s format_number: printf("%.6g")."""
    return f"{value:.6g}"


def exact_number(value: float) -> str:
    """The shortest text that reads back as `value` (C++'s std::to_chars): `5`, `0.5`."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclasses.dataclass(frozen=True)
class TaskSpec:
    """One task: its index in the batch and its size (increments, ns of sleep, body bytes)."""

    index: int
    size: int


@dataclasses.dataclass(frozen=True)
class ExecutionShape:
    """What a model offers a batch: CPU lanes (W, or 1), waiting lanes (W, K, or 1), and
    whether its clients share one interpreter (the http rate floor N/X applies)."""

    cpu_lanes: int
    wait_lanes: int
    in_process: bool


class Lane:
    """Per-lane state of an asyncio batch (the http connection); closed after the lane."""

    __slots__ = ("connection",)

    def __init__(self):
        self.connection = None  # an http_client.AsyncConnection, opened by the first GET

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()


def count_up_to(n: int) -> int:
    """The tutorials' CPU task: `counter += 1`, n times."""
    counter = 0
    for _ in range(n):
        counter += 1
    return counter


# ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CpuWorkload:
    """Counting loops: task i counts nums[i] x 1,000,000 x scale."""

    scale: float
    nums: tuple = TUTORIAL_NUMS
    name = "cpu"

    def __post_init__(self):
        if not (self.scale > 0) or not math.isfinite(self.scale):
            raise ValueError(f"cpu scale must be a positive number, got {format_number(self.scale)}")
        for n in self.nums:
            if round(n * INCREMENTS_PER_NUM * self.scale) < 1:
                raise ValueError(f"cpu scale {format_number(self.scale)} leaves a task with no increments")

    def params(self) -> dict:
        return {"scale": float(self.scale), "nums": list(self.nums), "increments_per_num": float(INCREMENTS_PER_NUM)}

    def name_keys(self) -> list:
        return [("scale", format_number(self.scale))]

    def make_batch(self) -> list:
        return [TaskSpec(i, round(n * INCREMENTS_PER_NUM * self.scale)) for i, n in enumerate(self.nums)]

    def run_blocking(self, spec: TaskSpec):
        return count_up_to(spec.size)

    async def run_awaitable(self, spec: TaskSpec, lane: Lane):
        return count_up_to(spec.size)  # inline: blocks the loop, as CPU work under asyncio does

    def verify(self, spec: TaskSpec, value) -> str | None:
        if value == spec.size:
            return None
        return f"counted {value} instead of {spec.size}"

    def estimate(self, batch: list, shape: ExecutionShape, constants) -> tuple:
        cpus = min(shape.cpu_lanes, constants.usable_cpus)  # Q = min(W, P)
        c1 = constants.increment_ns(1)
        cq = constants.increment_ns(cpus)
        total = sum(t.size for t in batch)
        largest = max(t.size for t in batch)
        bound = max(total * c1 / cpus, largest * c1)
        ideal = shared_cpu_makespan([t.size * cq for t in batch], shape.cpu_lanes, cpus)
        return ideal, bound

    def nominal_sequential_ns(self) -> float:
        return sum(t.size for t in self.make_batch()) * NOMINAL_NS_PER_INCREMENT

    def work_rate_counters(self, batch: list, durations_ns: list) -> dict:
        per_increment = sorted(d / t.size for t, d in zip(batch, durations_ns) if t.size > 0 and d > 0)
        if not per_increment:
            return {}
        return {"ns_per_increment": _median(per_increment)}


@dataclasses.dataclass(frozen=True)
class SleepWorkload:
    """Simulated I/O: N tasks each sleep sleep_ms x time_scale."""

    tasks: int
    sleep_ms: float
    time_scale: float = 1.0
    name = "sleep"

    def __post_init__(self):
        if self.tasks < 1:
            raise ValueError(f"sleep needs at least one task, got {self.tasks}")
        if not (self.sleep_ms >= 0) or not math.isfinite(self.sleep_ms):
            raise ValueError(f"sleep length must be a non-negative number of ms, got {self.sleep_ms}")
        if not (self.time_scale > 0) or not math.isfinite(self.time_scale):
            raise ValueError(f"time scale must be a positive number, got {self.time_scale}")

    @property
    def effective_sleep_ms(self) -> float:
        return self.sleep_ms * self.time_scale

    def params(self) -> dict:
        return {"tasks": self.tasks, "sleep_ms": float(self.sleep_ms), "time_scale": float(self.time_scale)}

    def name_keys(self) -> list:
        return [("N", str(self.tasks)), ("ms", format_number(self.effective_sleep_ms))]

    def make_batch(self) -> list:
        ns = round(self.effective_sleep_ms * 1e6)
        return [TaskSpec(i, ns) for i in range(self.tasks)]

    def run_blocking(self, spec: TaskSpec):
        start = time.perf_counter_ns()
        time.sleep(spec.size / 1e9)
        return time.perf_counter_ns() - start

    async def run_awaitable(self, spec: TaskSpec, lane: Lane):
        import asyncio

        start = time.perf_counter_ns()
        await asyncio.sleep(spec.size / 1e9)
        return time.perf_counter_ns() - start

    def verify(self, spec: TaskSpec, value) -> str | None:
        if isinstance(value, int) and value >= spec.size:
            return None
        return f"slept {value} ns of {spec.size} ns"

    def estimate(self, batch: list, shape: ExecutionShape, constants) -> tuple:
        with_overshoot = [t.size + constants.sleep_overshoot_ns for t in batch]
        total = sum(t.size for t in batch)
        longest = max(t.size for t in batch)
        return greedy_makespan(with_overshoot, shape.wait_lanes), max(total / shape.wait_lanes, longest)

    def nominal_sequential_ns(self) -> float:
        return self.tasks * self.effective_sleep_ms * 1e6


@dataclasses.dataclass(frozen=True)
class HttpWorkload:
    """N GETs of `<url-path><i>?delay_ms=L&bytes=B` against concbench's server (or any that
    honours those two query parameters); a response is right when it is 200 with B bytes."""

    url: str
    tasks: int
    delay_ms: float
    body_bytes: int
    timeout_ms: float = 10_000.0
    name = "http"

    def __post_init__(self):
        from cpython_reference import http_client

        http_client.split_url(self.url)  # raises on a bad URL
        if self.tasks < 1:
            raise ValueError(f"http needs at least one task, got {self.tasks}")
        if not (self.delay_ms >= 0) or not math.isfinite(self.delay_ms):
            raise ValueError(f"http delay must be a non-negative number of ms, got {self.delay_ms}")
        if self.body_bytes < 0:
            raise ValueError(f"http body size must be at least 0 bytes, got {self.body_bytes}")

    def params(self) -> dict:
        return {"url": self.url, "tasks": self.tasks, "delay_ms": float(self.delay_ms),
                "body_bytes": self.body_bytes, "timeout_ms": float(self.timeout_ms), "keep_alive": True}

    def name_keys(self) -> list:
        return [("N", str(self.tasks)), ("delay_ms", format_number(self.delay_ms)), ("bytes", str(self.body_bytes))]

    def make_batch(self) -> list:
        return [TaskSpec(i, self.body_bytes) for i in range(self.tasks)]

    def target(self, spec: TaskSpec) -> str:
        from cpython_reference import http_client

        _, _, path = http_client.split_url(self.url)
        return f"{path}{spec.index}?delay_ms={exact_number(self.delay_ms)}&bytes={spec.size}"

    def run_blocking(self, spec: TaskSpec):
        from cpython_reference import http_client

        host, port, _ = http_client.split_url(self.url)
        status, body = http_client.get_blocking(host, port, self.target(spec), self.timeout_ms / 1e3)
        return status, len(body)

    async def run_awaitable(self, spec: TaskSpec, lane: Lane):
        import asyncio

        from cpython_reference import http_client

        host, port, _ = http_client.split_url(self.url)
        if lane.connection is None:
            lane.connection = http_client.AsyncConnection(host, port)
        status, body = await asyncio.wait_for(lane.connection.get(self.target(spec)), self.timeout_ms / 1e3)
        return status, len(body)

    def verify(self, spec: TaskSpec, value) -> str | None:
        status, length = value
        path = self.target(spec).split("?")[0]
        if status != 200:
            return f"GET {path} answered status {status} instead of 200"
        if length != spec.size:
            return f"GET {path} returned {length} bytes instead of {spec.size}"
        return None

    def estimate(self, batch: list, shape: ExecutionShape, constants) -> tuple:
        n = len(batch)
        lanes = max(1, shape.wait_lanes)  # W for pools, K for asyncio, 1 sequential
        one = self.delay_ms * 1e6 + constants.loopback_round_trip_ns  # L + r
        # N / X: one interpreter's clients cannot go faster than X requests/s whatever the
        # concurrency; process models have a client per process, so the term is left out.
        x = constants.loopback_requests_per_second
        rate_floor = n / x * 1e9 if x > 0 and shape.in_process else 0.0
        ideal = max(math.ceil(n / lanes) * one, rate_floor)
        bound = max(n * one / lanes, one, rate_floor)
        return ideal, bound

    def nominal_sequential_ns(self) -> float:
        return self.tasks * (self.delay_ms * 1e6 + NOMINAL_ROUND_TRIP_NS)


@dataclasses.dataclass(frozen=True)
class FaultWorkload:
    """Test-only (like C++'s fault workload): three small counts, task 1 raises (`raise`) or
    returns a wrong count (`wrong`). It proves failures come back as entry errors.

    Two more kinds, for the pools' failure paths only (not on the command line): `dies`, the
    worker process of task 1 kills itself (SIGKILL; in the measuring process, where that
    would end the run, it raises instead), and `hangs`, task 1 does not end (it sleeps
    HANG_S) until its worker is killed."""

    kind: str
    name = "fault"
    FAULTY_TASK = 1
    KINDS = ("raise", "wrong", "dies", "hangs")
    HANG_S = 60.0

    def __post_init__(self):
        if self.kind not in self.KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(self.KINDS)}, got {self.kind!r}")

    def params(self) -> dict:
        return {"kind": self.kind, "tasks": 3, "faulty_task": self.FAULTY_TASK}

    def name_keys(self) -> list:
        return [("kind", self.kind)]

    def make_batch(self) -> list:
        return [TaskSpec(i, 1000) for i in range(3)]

    def run_blocking(self, spec: TaskSpec):
        counted = count_up_to(spec.size)
        if spec.index == self.FAULTY_TASK:
            if self.kind == "raise":
                raise RuntimeError(f"fault injected in task {spec.index}")
            if self.kind == "dies":
                import multiprocessing
                import os
                import signal
                if multiprocessing.parent_process() is not None:  # a worker process
                    os.kill(os.getpid(), signal.SIGKILL)
                raise RuntimeError(f"fault injected in task {spec.index}: its process would die")
            if self.kind == "hangs":
                time.sleep(self.HANG_S)
            return counted - 1
        return counted

    async def run_awaitable(self, spec: TaskSpec, lane: Lane):
        return self.run_blocking(spec)

    def verify(self, spec: TaskSpec, value) -> str | None:
        return None if value == spec.size else f"counted {value} instead of {spec.size}"

    def estimate(self, batch: list, shape: ExecutionShape, constants) -> tuple:
        return CpuWorkload.estimate(self, batch, shape, constants)  # type: ignore[arg-type]

    def nominal_sequential_ns(self) -> float:
        return 0.0  # one iteration per sample


def _median(sorted_values: list) -> float:
    n = len(sorted_values)
    return sorted_values[n // 2] if n % 2 else (sorted_values[n // 2 - 1] + sorted_values[n // 2]) / 2
