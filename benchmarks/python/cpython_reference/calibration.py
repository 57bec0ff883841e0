"""This machine's constants as CPython sees them, measured once at start (docs/design.md "How a
benchmark is timed"): the cost of one counting increment with k cores busy (c_k), the
overshoot of a sleep (ε), and for http the round trip (r) and saturated rate (X).

They are CPython's own figures, not the C++ binary's: an ideal is the zero-overhead time of
*this* interpreter's task on this machine, so a Python entry's efficiency says how much the
model (GIL, pool start-up, loop) costs, not how slow CPython's loop is against C++'s.

c_k is measured with k processes counting at once (threads would measure the GIL). Like
the C++ calibration it takes the best round after a warm-up round, and keeps c_k >= c_(k-1).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import statistics
import time

from cpython_reference import models
from cpython_reference.workloads import HttpWorkload, count_up_to


class CalibrationError(Exception):
    """A constant could not be measured (e.g. the http server does not answer)."""


@dataclasses.dataclass
class MachineConstants:
    usable_cpus: int
    ns_per_increment_by_busy_cores: list
    sleep_overshoot_ns: float
    core_ghz: float
    core_ghz_source: str = "/proc/cpuinfo"
    loopback_round_trip_ns: float = 0.0
    loopback_requests_per_second: float = 0.0

    def increment_ns(self, busy_cores: int) -> float:
        c = self.ns_per_increment_by_busy_cores
        return c[max(1, min(busy_cores, len(c))) - 1]

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


def _count_and_time(increments: int, barrier, results) -> None:
    barrier.wait()
    start = time.perf_counter_ns()
    counted = count_up_to(increments)
    results.put((time.perf_counter_ns() - start) / counted)


def measure_increment_ns(busy_cores: int, increments: int, rounds: int) -> float:
    context = multiprocessing.get_context("fork")
    best = 0.0
    for round_index in range(-1, rounds):  # round -1: untimed warm-up (clock ramp-up)
        barrier = context.Barrier(busy_cores)
        results = context.SimpleQueue()
        workers = [context.Process(target=_count_and_time, args=(increments, barrier, results))
                   for _ in range(busy_cores)]
        for w in workers:
            w.start()
        per_process = [results.get() for _ in workers]
        for w in workers:
            w.join()
        round_ns = statistics.median(per_process)
        if round_index == 0 or (round_index > 0 and round_ns < best):
            best = round_ns
    return best


def measure_sleep_overshoot_ns(samples: int = 20, sample_ms: float = 1.0) -> float:
    asked = int(sample_ms * 1e6)
    overshoot = []
    for _ in range(samples):
        start = time.perf_counter_ns()
        time.sleep(asked / 1e9)
        overshoot.append(time.perf_counter_ns() - start - asked)
    return max(0.0, float(statistics.median(overshoot)))


def core_ghz() -> tuple:
    """The core clock from /proc/cpuinfo (CPython cannot time single dependent adds as the
    C++ calibration does); the cpufreq maximum, else 1 GHz, when the kernel does not say."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("cpu mhz"):
                    return float(line.split(":", 1)[1]) / 1000.0, "/proc/cpuinfo"
    except (OSError, ValueError):
        pass
    try:
        with open("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq") as f:
            return int(f.read()) / 1e6, "cpufreq cpuinfo_max_freq"
    except (OSError, ValueError):
        return 1.0, "unknown (1 GHz assumed)"


def measure_http(constants: MachineConstants, url: str, body_bytes: int, timeout_ms: float) -> None:
    """r: the median GET at zero delay on one keep-alive connection (http.client);
    X: the rate of 400 zero-delay GETs over 16 asyncio connections (the fastest in-process
    client here). Raises CalibrationError when the server does not answer right."""
    probe = HttpWorkload(url=url, tasks=30, delay_ms=0.0, body_bytes=body_bytes, timeout_ms=timeout_ms)
    batch = probe.make_batch()
    outcome = models.run_batch(probe, batch, models.RunSettings(models.SEQUENTIAL))
    _check(probe, batch, outcome, url)
    constants.loopback_round_trip_ns = float(statistics.median(t.end_ns - t.start_ns for t in outcome.tasks[5:]))
    flood = HttpWorkload(url=url, tasks=400, delay_ms=0.0, body_bytes=body_bytes, timeout_ms=timeout_ms)
    batch = flood.make_batch()
    outcome = models.run_batch(flood, batch, models.RunSettings(models.ASYNCIO, inflight=16, form="awaitable"))
    _check(flood, batch, outcome, url)
    constants.loopback_requests_per_second = len(batch) / (outcome.interval_ns / 1e9)


def _check(work, batch, outcome, url) -> None:
    error = outcome.first_error()
    if error is None:
        for spec, task in zip(batch, outcome.tasks):
            wrong = work.verify(spec, task.value)
            if wrong:
                error = wrong
                break
    if error:
        raise CalibrationError(f"the http server at {url} does not answer as concbench's does: {error}")


def calibrate(usable_cpus: int, quick: bool) -> MachineConstants:
    increments = 300_000 if quick else 1_000_000  # ~10 / ~33 ms per sample
    rounds = 2 if quick else 3
    costs: list = []
    for k in range(1, usable_cpus + 1):
        measured = measure_increment_ns(k, increments, rounds)
        costs.append(measured if k == 1 else max(measured, costs[-1]))
    ghz, source = core_ghz()
    return MachineConstants(usable_cpus=usable_cpus, ns_per_increment_by_busy_cores=costs,
                            sleep_overshoot_ns=measure_sleep_overshoot_ns(), core_ghz=ghz, core_ghz_source=source)
