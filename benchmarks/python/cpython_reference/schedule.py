"""Schedule simulations for the ideal: the zero-overhead time of a batch under a model.

A port of workloads/calibration/schedule_simulation.cpp, so that the CPython reference states its
ideal by the same rules as the C++ side (docs/design.md "Ideal and bound"): a pool takes tasks
in order, a free lane takes the next one (dynamic dispatch), and W workers on fewer CPUs
share them (processor sharing).
"""

from __future__ import annotations

import heapq


def greedy_makespan(durations_ns: list[float], lanes: int) -> float:
    """The finish time of `durations_ns` taken in order by `lanes` lanes, each free lane
    taking the next task (sleep and http waits: a wait needs no CPU)."""
    if lanes < 1:
        raise ValueError("greedy_makespan: lanes must be at least 1")
    free_at = [0.0] * min(lanes, max(1, len(durations_ns)))
    heapq.heapify(free_at)
    makespan = 0.0
    for duration in durations_ns:
        start = heapq.heappop(free_at)
        heapq.heappush(free_at, start + duration)
        makespan = max(makespan, start + duration)
    return makespan


def shared_cpu_makespan(work_ns: list[float], workers: int, cpus: int) -> float:
    """The finish time of CPU work taken in order by `workers` workers that share `cpus`
    CPUs (each running task gets min(1, cpus / running) of a CPU)."""
    if workers < 1 or cpus < 1:
        raise ValueError("shared_cpu_makespan: workers and cpus must be at least 1")
    running: list[float] = []
    next_task = 0
    now = 0.0
    while next_task < len(work_ns) or running:
        while len(running) < workers and next_task < len(work_ns):
            running.append(work_ns[next_task])
            next_task += 1
        rate = min(1.0, cpus / len(running))
        shortest = min(running)
        now += shortest / rate
        running = [remaining - shortest for remaining in running]
        running = [remaining for remaining in running if remaining > 0.0]
    return now
