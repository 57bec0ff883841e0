"""One task in its blocking form, wherever it runs: in this process, a pool thread or a worker
process.

A module of its own, importing almost nothing, because spawn and forkserver workers import
the module of every function they are sent: a worker should pay at start-up for what the
tutorials' workers pay for (their small script and concurrent.futures), not for asyncio or
the report writer. The workload object arrives pickled; its module (workloads) is as lean.
"""

from __future__ import annotations

import os
import threading
import time


def execute(work, spec):
    """Runs `spec` with `work.run_blocking`; returns (value, start ns, end ns, worker tag,
    this process's cumulative user + system CPU ns). Exceptions propagate to the caller
    (the runner keeps them with their task)."""
    start = time.perf_counter_ns()
    value = work.run_blocking(spec)
    end = time.perf_counter_ns()
    return value, start, end, (os.getpid(), threading.get_ident()), time.process_time_ns()
