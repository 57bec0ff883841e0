"""How a batch runs under each CPython model, and the batch's own measured interval.

The models are the tutorials' own tools, used the way the tutorials use them:

- `python-sequential`: a for loop.
- `python-threads`: `with ThreadPoolExecutor(max_workers=W) as ex:` (W = None is its own
  default, labelled `W:py-default` as on the C++ side).
- `python-asyncio`: `asyncio.run(...)` of one coroutine per task (K:all) or of K lanes that
  each take the next task; `form:blocking` calls the blocking form inside the coroutine, the
  tutorials' "time.sleep stalls the loop" lesson.
- `python-processes-{fork,spawn,forkserver}`: `with ProcessPoolExecutor(W, mp_context=...)`.

Pools are cold: built and torn down inside the timed interval, as the tutorials time
`with ...Executor() as ex:`; so is `asyncio.run` (its loop is the asyncio "pool"). Dispatch
is the executor's own (a free worker takes the next task). A task's exception is kept with
its task (every future is read; `gather(return_exceptions=True)`), never lost.

CPU time is this process's plus its reaped children's (getrusage); the workers of
`forkserver` are the fork server's children, not ours, so their CPU time is added from what
each worker reported with its last task (its own cumulative user + system time).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import gc
import multiprocessing
import os
import resource
import signal
import threading
import time

from cpython_reference import http_client
from cpython_reference.task_execution import execute
from cpython_reference.workloads import ExecutionShape, Lane, TaskSpec

SEQUENTIAL = "python-sequential"
THREADS = "python-threads"
ASYNCIO = "python-asyncio"
PROCESSES_FORK = "python-processes-fork"
PROCESSES_SPAWN = "python-processes-spawn"
PROCESSES_FORKSERVER = "python-processes-forkserver"
ALL_MODELS = [SEQUENTIAL, THREADS, ASYNCIO, PROCESSES_FORK, PROCESSES_SPAWN, PROCESSES_FORKSERVER]
PROCESS_MODELS = {PROCESSES_FORK: "fork", PROCESSES_SPAWN: "spawn", PROCESSES_FORKSERVER: "forkserver"}


def uses_workers(model: str) -> bool:
    return model == THREADS or model in PROCESS_MODELS


def uses_event_loop(model: str) -> bool:
    return model == ASYNCIO


def thread_pool_default_workers() -> int:
    """ThreadPoolExecutor's own default (3.8+): min(32, CPUs + 4); the C++ `py-default`."""
    return min(32, (os.cpu_count() or 1) + 4)


@dataclasses.dataclass(frozen=True)
class RunSettings:
    """How one entry runs its batches. workers None = the executor's default (py-default)."""

    model: str
    workers: int | None = None
    workers_label: str = ""
    inflight: int = 0  # asyncio K; 0 = every task in flight (K:all)
    form: str = "blocking"  # asyncio: "awaitable" or "blocking"

    def effective_workers(self, tasks: int) -> int:
        if uses_workers(self.model):
            return self.workers if self.workers is not None else thread_pool_default_workers()
        return 1  # sequential; asyncio: its one loop thread

    def lanes(self, tasks: int) -> int:
        if self.model == ASYNCIO:
            k = tasks if self.inflight == 0 else min(self.inflight, tasks)
            return 1 if self.form == "blocking" else k  # a blocking call leaves one lane
        return self.effective_workers(tasks)

    def shape(self, tasks: int) -> ExecutionShape:
        cpu_lanes = self.effective_workers(tasks) if uses_workers(self.model) else 1
        return ExecutionShape(cpu_lanes=cpu_lanes, wait_lanes=self.lanes(tasks),
                              in_process=self.model not in PROCESS_MODELS)


@dataclasses.dataclass
class TaskOutcome:
    value: object = None
    error: str | None = None
    start_ns: int = 0  # from the batch's start
    end_ns: int = 0
    worker: int = 0


@dataclasses.dataclass
class BatchOutcome:
    tasks: list
    interval_ns: int
    cpu_ns: int
    workers: int

    def first_error(self) -> str | None:
        errors = [t.error for t in self.tasks if t.error]
        if not errors:
            return None
        return errors[0] + (f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else "")


def _cpu_ns() -> int:
    """This process's user + system time plus its reaped children's: what os.times() reports,
    read through getrusage for microseconds instead of os.times()'s 10 ms clock ticks."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return int((own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime) * 1e9)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _task_error(work, spec: TaskSpec, model: str, exc: BaseException) -> str:
    return f"task {spec.index} of {work.name} under {model}: raised {_describe(exc)}"


def _outcomes_from(work, batch, model, raw, t0) -> tuple[list, int]:
    """TaskOutcomes from (value, start, end, tag, cpu) tuples or exceptions; workers numbered
    by first start. Also the summed last-reported CPU of every worker process."""
    first_start: dict = {}
    for r in raw:
        if not isinstance(r, BaseException):
            first_start[r[3]] = min(first_start.get(r[3], r[1]), r[1])
    number = {tag: i for i, tag in enumerate(sorted(first_start, key=first_start.get))}
    worker_cpu: dict[int, int] = {}
    outcomes = []
    for spec, r in zip(batch, raw):
        if isinstance(r, BaseException):
            outcomes.append(TaskOutcome(error=_task_error(work, spec, model, r)))
            continue
        value, start, end, tag, cpu = r
        worker_cpu[tag[0]] = max(worker_cpu.get(tag[0], 0), cpu)
        outcomes.append(TaskOutcome(value=value, start_ns=start - t0, end_ns=end - t0, worker=number[tag]))
    return outcomes, sum(worker_cpu.values())


def _run_sequential(work, batch, settings):
    raw = []
    cpu0 = _cpu_ns()
    t0 = time.perf_counter_ns()
    for spec in batch:
        try:
            raw.append(execute(work, spec))
        except Exception as exc:  # noqa: BLE001 - kept with its task
            raw.append(exc)
    t1 = time.perf_counter_ns()
    cpu1 = _cpu_ns()
    return raw, t0, t1, cpu1 - cpu0


def _collect(futures) -> list:
    raw = []
    for f in futures:
        exc = f.exception()
        raw.append(exc if exc is not None else f.result())
    return raw


def _run_threads(work, batch, settings):
    cpu0 = _cpu_ns()
    t0 = time.perf_counter_ns()
    with concurrent.futures.ThreadPoolExecutor(max_workers=settings.workers) as ex:
        futures = [ex.submit(execute, work, spec) for spec in batch]
    t1 = time.perf_counter_ns()
    cpu1 = _cpu_ns()
    return _collect(futures), t0, t1, cpu1 - cpu0


def _run_processes(work, batch, settings):
    context = multiprocessing.get_context(PROCESS_MODELS[settings.model])
    workers = settings.effective_workers(len(batch))
    # Untimed: to tell this pool's workers and threads apart if it has to be abandoned.
    earlier = set(multiprocessing.active_children()), set(threading.enumerate())
    cpu0 = _cpu_ns()
    t0 = time.perf_counter_ns()
    ex = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        futures = [ex.submit(execute, work, spec) for spec in batch]
        ex.shutdown(wait=True)  # what `with ... as ex:` does on its way out
    except BaseException:
        _abandon_pool(ex, earlier)
        raise
    t1 = time.perf_counter_ns()
    cpu1 = _cpu_ns()
    return _collect(futures), t0, t1, cpu1 - cpu0


def _end_processes(processes, grace_s: float = 0.0) -> None:
    """Joins each multiprocessing Process within `grace_s`, else kills it; always reaps it
    (a forkserver worker is the fork server's child: its join reads the status the fork
    server reaped)."""
    for p in processes:
        p.join(grace_s)
    for p in processes:
        if p.exitcode is None:
            try:
                p.kill()
            except OSError:
                pass
    for p in processes:
        p.join(5.0)


POOL_END_S = 10.0


def _abandon_pool(ex, earlier: tuple) -> None:
    """A pool left by an exception (submit failed, the pool could not start a worker, Ctrl-C
    during a task that does not end): `with`'s shutdown(wait=True) would wait for the running
    tasks, maybe for ever. Its pending tasks are cancelled and its workers killed; then the
    shutdown finds the pool broken and joins its manager thread and every worker.

    Then its threads are waited for (bounded) until they have really ended: in CPython 3.11
    a Thread.join() interrupted by an exception (the Ctrl-C that got us here, during
    shutdown's join) marks a thread that is still running as ended (threading's
    _wait_for_tstate_lock, bpo-45274), so the shutdown above may return while the pool's
    manager thread still runs, holding its queues and semaphores. threading.enumerate()
    lists a thread until it has ended."""
    processes, threads = earlier
    _end_processes([p for p in multiprocessing.active_children() if p not in processes])
    ex.shutdown(wait=True, cancel_futures=True)
    deadline = time.monotonic() + POOL_END_S
    while any(t not in threads for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.01)


async def _asyncio_batch(work, batch, settings, raw: list) -> None:
    """One coroutine per task (K:all, as the tutorials' `gather`), or K lanes that each take
    the next task. Kept lean: at 100,000 tasks every extra await per task shows."""
    blocking = settings.form == "blocking"
    tag = (os.getpid(), 0)  # one loop thread: worker 0

    async def one(spec: TaskSpec, lane: Lane, own_lane: bool):
        start = time.perf_counter_ns()
        try:
            value = work.run_blocking(spec) if blocking else await work.run_awaitable(spec, lane)
            raw[spec.index] = (value, start, time.perf_counter_ns(), tag, 0)
        except Exception as exc:  # noqa: BLE001 - kept with its task
            raw[spec.index] = exc
        finally:
            if own_lane and lane.connection is not None:
                await lane.close()

    lanes = len(batch) if settings.inflight == 0 else min(settings.inflight, len(batch))
    if lanes >= len(batch):
        await asyncio.gather(*(one(spec, Lane(), True) for spec in batch))
        return
    pending = iter(batch)

    async def lane_worker():
        lane = Lane()
        try:
            for spec in pending:  # a free lane takes the next task
                await one(spec, lane, False)
        finally:
            await lane.close()

    await asyncio.gather(*(lane_worker() for _ in range(lanes)))


def _run_asyncio(work, batch, settings):
    raw: list = [None] * len(batch)
    cpu0 = _cpu_ns()
    t0 = time.perf_counter_ns()
    asyncio.run(_asyncio_batch(work, batch, settings, raw))
    t1 = time.perf_counter_ns()
    cpu1 = _cpu_ns()
    return raw, t0, t1, cpu1 - cpu0


_RUNNERS = {SEQUENTIAL: _run_sequential, THREADS: _run_threads, ASYNCIO: _run_asyncio}


def run_batch(work, batch: list, settings: RunSettings) -> BatchOutcome:
    """Runs every task of `batch` once under `settings`; results in task order.

    Raises only for a failure of the model itself (e.g. the pool cannot start); a task's
    failure is that task's error."""
    runner = _RUNNERS.get(settings.model) or (_run_processes if settings.model in PROCESS_MODELS else None)
    if runner is None:
        raise ValueError(f"unknown model '{settings.model}'")
    try:
        raw, t0, t1, cpu = runner(work, batch, settings)
    finally:
        http_client.close_connections()  # untimed: every batch starts with no connection
    for i, r in enumerate(raw):
        if r is None:
            raw[i] = RuntimeError("no result")
    outcomes, worker_cpu = _outcomes_from(work, batch, settings.model, raw, t0)
    if settings.model == PROCESSES_FORKSERVER:
        cpu += worker_cpu  # the fork server's children, not ours
    return BatchOutcome(tasks=outcomes, interval_ns=t1 - t0, cpu_ns=cpu,
                        workers=settings.effective_workers(len(batch)))


def prepare(model: str) -> None:
    """Untimed set-up a model needs once per run: the fork server is started before any
    measurement (as C++'s fork server is started first thing in main)."""
    if model == PROCESSES_FORKSERVER:
        from multiprocessing import forkserver
        forkserver.ensure_running()


HELPER_STOP_S = 5.0


def _stop_helper(helper, pid: int | None) -> None:
    """helper._stop() closes our end of the helper's pipe and waits for it; bounded: if
    something else still holds that pipe (a process this run did not end), the helper is
    killed, and the wait returns."""
    if pid is None:
        return

    def stop():
        try:
            helper._stop()
        except OSError:  # ChildProcessError: already reaped; its pipe already closed
            pass

    stopper = threading.Thread(target=stop, name="concbench-stop-helper", daemon=True)
    stopper.start()
    stopper.join(HELPER_STOP_S)
    if stopper.is_alive():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        stopper.join(HELPER_STOP_S)


def finish() -> None:
    """The end of a run (prepare's counterpart): nothing multiprocessing started is left.

    First any process of ours still running (every pool and echo is ended on its own failure
    paths; this is the last guard, e.g. after Ctrl-C), then the fork server (its workers hold
    its "alive" pipe, so it goes after them), then the resource tracker (started by the fork
    server and by spawn's and forkserver's semaphores; the fork server's workers hold its
    pipe). Both helpers are long-lived by design: a normal program never stops them, and
    they end on their own when this process exits and their pipes reach end of file, but
    after it has exited no one waits for them: orphans, reaped by init, or left <defunct>
    under a child subreaper (systemd --user, a container's init, a test runner) above it.
    A benchmark run leaves nothing behind, so they are stopped and reaped here.

    CPython 3.11 has no public call that stops them; `_forkserver._stop()` and
    `_resource_tracker._stop()` (close the pipe, waitpid) are what CPython's own test suite
    uses. If they are gone in a later Python, the helpers are left to end as before."""
    _end_processes(multiprocessing.active_children(), grace_s=1.0)
    # An abandoned pool may still be garbage in a reference cycle (through a traceback): its
    # semaphores' finalizers unlink them and unregister them with the tracker; run after the
    # tracker has gone (it unlinks what is left as leaked), they would fail, and start a
    # new tracker.
    gc.collect()
    from multiprocessing import forkserver, resource_tracker
    server = getattr(forkserver, "_forkserver", None)
    if server is not None and hasattr(server, "_stop"):
        _stop_helper(server, getattr(server, "_forkserver_pid", None))
    tracker = getattr(resource_tracker, "_resource_tracker", None)
    if tracker is not None and hasattr(tracker, "_stop"):
        _stop_helper(tracker, getattr(tracker, "_pid", None))
