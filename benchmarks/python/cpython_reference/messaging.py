"""The `messaging` scenario on CPython: the tutorials' Pipe vs Queue (docs/tutorials.md section 5).

The C++ scenario (runners/scenarios/messaging_scenario.hpp), with CPython's own tools: a
client and an echo exchange M numbered messages of B bytes, in one of two modes:

  round_trip  the client sends a message and waits for its echo before the next: latency,
              reported as percentiles of the client's own round-trip times;
  stream      the client sends all M back to back, the echo receives them (checking their
              order) and answers once at the end: throughput.

Transports, as the tutorials use them:
  pipe   one `multiprocessing.Pipe(duplex=True)`, `send_bytes` / `recv_bytes` of the B-byte
         message. The tutorial sends objects (`conn.send(obj)`); the message here is already
         bytes, and `send` would only add a pickle of a bytes object (~1 µs a side) to what C++'s
         pipe does, so the raw form keeps "what the transport costs" comparable with C++'s
         `transport:pipe`. The entries are named `transport:pipe` to line up with C++'s, but
         a duplex Pipe is a Unix socketpair underneath: its kernel twin is C++'s
         `transport:socket` (C++'s pipe is two pipe(2)s). The queue below keeps the tutorial's
         object path, pickling included.
  queue  two `multiprocessing.Queue`s, one per direction, as the tutorial does (`put` / `get`
         of the same bytes message, pickled by the queue's feeder thread). Under python-threads
         the tutorials' thread queue: two `queue.Queue`s (no pickling, no OS pipe).

Models: python-processes-fork (the echo is a `multiprocessing.Process` of the fork context,
the client is the measuring process itself, as in the tutorial's parent/child) and
python-threads (the echo is a `threading.Thread`; the same Pipe, or queue.Queue). The C++
processes-fork runs both parties in fork-server workers; the per-message path is the same.

Pinning: `none` leaves placement to the scheduler; `same-cpu` pins both parties to the first
CPU of os.sched_getaffinity(0); `cross-cpu` to the first two (an error with one CPU: the suite
leaves those entries out). Each party pins itself (os.sched_setaffinity(0, ...) pins the
calling thread) before the start gate; the client restores its mask after the batch.

The interval starts when the echo is ready (it sends a `ready` frame once pinned) and ends
when the client has the last echo (round_trip) or the acknowledgement (stream); starting and
reaping the echo are outside it, as in C++.

Every message carries its sequence number (8 bytes, little-endian, as C++'s memcpy on x86),
checked by the receiver: a lost, repeated or reordered message is an error naming it. Control
frames (ready, error, done, stop) are the frames whose length is not B. Never a hang: a dead
echo process closes its end of the pipe (the parent drops its copy at once) and is seen by
the queue's timed `get` (is_alive); a stalled echo is stopped at a deadline; the echo process
is joined (else terminated, else killed) and reaped in every path.

Figures (per batch; measure.py averages them over a sample's iterations, as C++ does):
messages_per_second, bytes_per_second; round_trip adds round_trip_p50_ns, round_trip_p99_ns,
round_trip_mean_ns; python-processes-fork adds workers_cpu_ns (the echo process's CPU from its
gate to its last message: the client is the measuring process, whose CPU is cpu_time).
"""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
import os
import queue
import signal
import socket
import struct
import threading
import time

from cpython_reference.workloads import TaskSpec

THREADS = "python-threads"
PROCESSES_FORK = "python-processes-fork"
SUPPORTED_MODELS = (THREADS, PROCESSES_FORK)
TRANSPORTS = ("pipe", "queue")
MODES = ("round_trip", "stream")
PINNINGS = ("none", "same-cpu", "cross-cpu")
# Test seams (like C++'s messaging_fault): the echo of message `fault_message` dies (SIGKILL
# under processes; under threads, where a thread cannot die alone, it raises), raises, answers
# with the wrong sequence number, or stops answering (the deadline ends the batch).
FAULTS = ("none", "echo-dies", "echo-raises", "echo-misnumbers", "echo-stalls")
MAX_MESSAGE_BYTES = 64 * 1024 * 1024

SEQUENCE = struct.Struct("<Q")
DONE = struct.Struct("<QQ")  # echoed messages, echo CPU ns
WAIT_SLICE_S = 0.2  # a queue's get waits this long before it looks at its peer
JOIN_TIMEOUT_S = 10.0


class ChannelEnded(Exception):
    """The peer is gone: end of file, a broken pipe, or a queue peer that stopped."""


class PartyError(Exception):
    """A party's failure, as one line naming the party (`client: ...`, `echo: ...`)."""


@dataclasses.dataclass
class ScenarioOutcome:
    """One batch: its interval, the measuring process's CPU over it, the verified figures;
    or an error naming the scenario, the model and the party (then no figure is kept)."""

    interval_ns: int = 0
    cpu_ns: int = 0
    figures: dict = dataclasses.field(default_factory=dict)
    error: str | None = None


def allowed_cpus() -> list:
    """The CPUs this process may run on, ascending (C++'s allowed_cpus())."""
    return sorted(os.sched_getaffinity(0))


def placement(pinning: str) -> tuple:
    """(client CPU, echo CPU), None for unpinned. Raises ValueError when it cannot be had."""
    if pinning == "none":
        return None, None
    cpus = allowed_cpus()
    if not cpus:
        raise ValueError("sched_getaffinity named no CPU")
    if pinning == "same-cpu":
        return cpus[0], cpus[0]
    if len(cpus) < 2:
        raise ValueError(f"cross-cpu pinning needs two CPUs, and this process may run on only CPU {cpus[0]} "
                         "(taskset?)")
    return cpus[0], cpus[1]


def _pin(cpu) -> None:
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})  # pid 0: the calling thread


def _percentile(sorted_values: list, fraction: float) -> float:
    """Nearest rank, as C++'s percentile(): the ceil(f * n)-th smallest."""
    rank = math.ceil(fraction * len(sorted_values))
    return float(sorted_values[min(len(sorted_values) - 1, max(rank, 1) - 1)])


def _describe_exit(code) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


@dataclasses.dataclass(frozen=True)
class MessagingWorkload:
    """The scenario's parameters (C++'s messaging_params) and its run under a model."""

    transport: str
    mode: str
    message_bytes: int
    messages: int
    pinning: str = "none"
    fault: str = "none"  # test seam, never in params or the name
    fault_message: int = 0
    deadline_s: float | None = None  # None: 60 s + 50x the nominal batch
    name = "messaging"
    scenario = True  # measure.py: runs whole batches itself, no tasks

    def __post_init__(self):
        if self.transport not in TRANSPORTS:
            raise ValueError(f"messaging: unknown transport '{self.transport}' (known: {', '.join(TRANSPORTS)})")
        if self.mode not in MODES:
            raise ValueError(f"messaging: unknown mode '{self.mode}' (known: {', '.join(MODES)})")
        if self.pinning not in PINNINGS:
            raise ValueError(f"messaging: unknown pinning '{self.pinning}' (known: {', '.join(PINNINGS)})")
        if self.fault not in FAULTS:
            raise ValueError(f"messaging: unknown fault '{self.fault}'")
        if not isinstance(self.message_bytes, int) or self.message_bytes < SEQUENCE.size:
            raise ValueError("messaging: a message needs at least 8 bytes (its sequence number)")
        if self.message_bytes > MAX_MESSAGE_BYTES:
            raise ValueError("messaging: messages of more than 64 MiB are not supported")
        if not isinstance(self.messages, int) or self.messages < 1:
            raise ValueError("messaging: messages must be at least 1")
        if self.deadline_s is not None and not self.deadline_s > 0:
            raise ValueError("messaging: the deadline must be positive")

    def params(self) -> dict:
        return {"transport": self.transport, "mode": self.mode, "message_bytes": self.message_bytes,
                "messages": self.messages, "pinning": self.pinning, "parties": 2}

    def name_keys(self) -> list:
        return [("transport", self.transport), ("mode", self.mode), ("bytes", str(self.message_bytes)),
                ("messages", str(self.messages)), ("pinning", self.pinning)]

    def make_batch(self) -> list:
        """The two parties (the report's `tasks`: 2), each with the messages it handles."""
        return [TaskSpec(0, self.messages), TaskSpec(1, self.messages)]

    def estimate(self, batch, shape, constants) -> tuple:
        return 0.0, 0.0  # as C++'s scenarios: no ideal or bound is stated

    def nominal_sequential_ns(self) -> float:
        """C++'s nominal costs (a round trip ~40 µs, a streamed message ~2 µs, 0.5 ns a byte),
        so that an entry's iterations are C++'s twin's."""
        per_message = (40_000.0 if self.mode == "round_trip" else 2_000.0) + 0.5 * self.message_bytes
        return per_message * self.messages

    def deadline(self) -> float:
        return self.deadline_s if self.deadline_s is not None else 60.0 + 50 * self.nominal_sequential_ns() / 1e9

    def who(self, model: str) -> str:
        return f"messaging ({self.transport}, {self.mode}) under {model}"

    def run(self, model: str) -> ScenarioOutcome:
        """One batch. Never raises for a failure of the batch: it is the outcome's error."""
        who = self.who(model)
        if model not in SUPPORTED_MODELS:
            return ScenarioOutcome(error=f"{who}: this model is not supported (python-threads and "
                                         "python-processes-fork are)")
        try:
            client_cpu, echo_cpu = placement(self.pinning)
        except (ValueError, OSError) as e:
            return ScenarioOutcome(error=f"{who}: {e}")
        batch = _Batch(self, model, client_cpu, echo_cpu)
        try:
            error = batch.run()
        except Exception as e:  # noqa: BLE001 - the model itself failed (e.g. fork refused)
            error = f"could not run the batch: {type(e).__name__}: {e}"
        if error:
            return ScenarioOutcome(error=f"{who}: {error}")
        return batch.outcome()

    def progress_text(self, row: dict) -> str:
        if "round_trip_p50_ns" in row:
            return (f"round trip p50 {row['round_trip_p50_ns'] / 1e3:.1f} µs, p99 "
                    f"{row['round_trip_p99_ns'] / 1e3:.1f} µs")
        return f"{row['messages_per_second']:,.0f} messages/s"


# ---------------------------------------------------------------------------------------
# Frames: a data frame is exactly B bytes (sequence number first); anything else is control.


def _message_pattern(message_bytes: int) -> bytes:
    """C++'s make_message: byte i is i * 131 + 7 (mod 256), a pattern of period 256."""
    period = bytes((i * 131 + 7) & 0xFF for i in range(256))
    return (period * (message_bytes // 256 + 1))[:message_bytes]


def _control(tag: bytes, body: bytes, message_bytes: int) -> bytes:
    frame = tag + body
    return frame + b"\0" if len(frame) == message_bytes else frame


def _error_text(frame: bytes) -> str:
    return frame[1:].rstrip(b"\0").decode("utf-8", "replace")


def _queue_receiver(get, empty, peer_gone):
    """A queue's blocking get that looks at its peer every WAIT_SLICE_S: the tutorial's `get()`
    has no timeout, but a dead peer would leave it waiting for ever. One poll(2) more per
    message for multiprocessing.Queue; a timed Condition wait for queue.Queue."""

    def receive():
        while True:
            try:
                return get(timeout=WAIT_SLICE_S)
            except empty:
                why = peer_gone()
                if why:
                    raise ChannelEnded(why) from None

    return receive


def _pipe_receiver(connection):
    recv_bytes = connection.recv_bytes

    def receive():
        try:
            return recv_bytes()
        except (EOFError, OSError) as e:
            raise ChannelEnded("end of file" if isinstance(e, EOFError) else str(e)) from None

    return receive


def _pipe_sender(connection):
    send_bytes = connection.send_bytes

    def send(frame):
        try:
            send_bytes(frame)
        except OSError as e:  # BrokenPipeError, ConnectionResetError: the peer closed its end
            raise ChannelEnded(str(e)) from None

    return send


def _shut_down(connection) -> None:
    """Ends a Pipe end for both sides, even with a thread blocked on it (close() alone would
    not wake a blocked recv in another thread)."""
    try:
        s = socket.socket(fileno=os.dup(connection.fileno()))
    except OSError:
        return
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        s.close()


# ---------------------------------------------------------------------------------------
# The parties.


def run_echo(work: MessagingWorkload, send, receive, cpu, in_process: bool, release: threading.Event | None) -> None:
    """The echo: answers each message (round_trip) or checks each one's place and answers once
    at the end (stream); then a `done` frame with its count and CPU. A failure becomes an
    `error` frame for the client; a vanished client ends it quietly."""
    b, m = work.message_bytes, work.messages
    echoed = 0
    try:
        _pin(cpu)
        send(_control(b"R", b"", b))
        cpu0 = time.process_time_ns()
        misnumbered = False
        unpack = SEQUENCE.unpack_from
        faulty = work.fault_message if work.fault != "none" else -1
        round_trip = work.mode == "round_trip"
        for i in range(m):
            message = receive()
            if len(message) != b:
                return  # the client's `stop`: it gave up
            sequence = unpack(message)[0]
            if sequence != i:
                raise PartyError(f"echo: expected message {i}, got message {sequence}")
            if i == faulty:
                if work.fault == "echo-dies" and not in_process:
                    os.kill(os.getpid(), signal.SIGKILL)
                if work.fault in ("echo-dies", "echo-raises"):
                    raise PartyError(f"echo: failed on message {i} (injected fault)")
                if work.fault == "echo-stalls":
                    if release is not None:
                        release.wait()
                    else:
                        time.sleep(3600)
                    return
                misnumbered = True  # echo-misnumbers: this echo (round_trip) or the acknowledgement
                message = SEQUENCE.pack(i + 1) + message[SEQUENCE.size:]
            if round_trip:
                send(message)
            echoed = i + 1
        if not round_trip:
            send(SEQUENCE.pack(m - 1 if misnumbered else m) + bytes(b - SEQUENCE.size))
        send(_control(b"D", DONE.pack(echoed, time.process_time_ns() - cpu0), b))
    except ChannelEnded:
        return
    except Exception as e:  # noqa: BLE001 - told to the client, which names it
        text = str(e) if isinstance(e, PartyError) else f"echo: raised {type(e).__name__}: {e}"
        try:
            send(_control(b"E", text.encode(), b))
        except ChannelEnded:
            pass


def _echo_process(work, connection, other_end, queues, cpu, parent_pid) -> None:
    """The echo process's target (fork: nothing is pickled). It drops the client's end of the
    pipe, so that the client's end of file is the echo's death, and gives up when its parent
    goes away (a queue shows neither)."""
    if connection is not None:
        other_end.close()
        send, receive = _pipe_sender(connection), _pipe_receiver(connection)
    else:
        requests, replies = queues
        send = replies.put
        receive = _queue_receiver(requests.get, queue.Empty,
                                  lambda: "the client went away" if os.getppid() != parent_pid else None)
    run_echo(work, send, receive, cpu, in_process=False, release=None)


class _Batch:
    """One batch under one model: the channel, the echo, the client's run, and the clean-up."""

    def __init__(self, work: MessagingWorkload, model: str, client_cpu, echo_cpu):
        self.work = work
        self.model = model
        self.client_cpu = client_cpu
        self.echo_cpu = echo_cpu
        self.timed_out = threading.Event()
        self.release = threading.Event()  # frees a stalled echo thread at clean-up
        self.echo = None  # the Process or Thread
        self.client_end = self.echo_end = None  # Pipe ends
        self.queues = None  # (requests, replies)
        self.interval_ns = self.cpu_ns = 0
        self.round_trips: list | None = None
        self.echoed = 0
        self.echo_cpu_ns: int | None = None

    # -- set-up and clean-up ------------------------------------------------------------

    def _start(self):
        work = self.work
        if self.model == PROCESSES_FORK:
            context = multiprocessing.get_context("fork")
            if work.transport == "pipe":
                self.client_end, self.echo_end = context.Pipe(duplex=True)
                args = (work, self.echo_end, self.client_end, None, self.echo_cpu, os.getpid())
            else:
                self.queues = (context.Queue(), context.Queue())
                args = (work, None, None, self.queues, self.echo_cpu, os.getpid())
            self.echo = context.Process(target=_echo_process, args=args, name="concbench-echo", daemon=True)
            self.echo.start()
            if self.echo_end is not None:
                self.echo_end.close()  # only the echo holds its end: its death is our end of file
        else:
            if work.transport == "pipe":
                self.client_end, self.echo_end = multiprocessing.Pipe(duplex=True)
                send, receive = _pipe_sender(self.echo_end), _pipe_receiver(self.echo_end)
            else:
                self.queues = (queue.Queue(), queue.Queue())
                send = self.queues[1].put
                receive = _queue_receiver(self.queues[0].get, queue.Empty,
                                          lambda: "the client gave up" if self.release.is_set() else None)

            def echo_thread():
                try:
                    run_echo(work, send, receive, self.echo_cpu, in_process=True, release=self.release)
                finally:
                    if self.echo_end is not None:
                        _shut_down(self.echo_end)  # the client sees the end of the channel

            self.echo = threading.Thread(target=echo_thread, name="concbench-echo", daemon=True)
            self.echo.start()

    def _client_channel(self):
        if self.client_end is not None:
            return _pipe_sender(self.client_end), _pipe_receiver(self.client_end)
        requests, replies = self.queues
        empty = queue.Empty
        return requests.put, _queue_receiver(replies.get, empty, self._echo_gone)

    def _echo_gone(self) -> str | None:
        if self.timed_out.is_set():
            return "deadline"
        if not self.echo.is_alive():
            return "the echo ended"
        return None

    def _on_deadline(self):
        self.timed_out.set()
        if self.model == PROCESSES_FORK:
            self.echo.kill()  # its end of the pipe closes; a queue's get sees it gone
        elif self.echo_end is not None:
            _shut_down(self.echo_end)

    def _stop(self, failed: bool) -> str | None:
        """Ends the echo in every path; returns a clean-up failure worth reporting, if any."""
        problem = None
        if self.echo is None:
            return None
        if self.model == PROCESSES_FORK:
            if failed and self.echo.is_alive():  # tell a waiting echo to go: end of file, or `stop`
                if self.client_end is not None:
                    self.client_end.close()
                else:
                    self.queues[0].put(b"S")
            self.echo.join(JOIN_TIMEOUT_S if not failed else 1.0)
            if self.echo.is_alive():
                self.echo.terminate()
                self.echo.join(2.0)
            if self.echo.is_alive():
                self.echo.kill()
                self.echo.join()
            if not failed and self.echo.exitcode != 0:
                problem = f"the echo process ended with {_describe_exit(self.echo.exitcode)}"
            self.echo.close()
            if self.queues is not None:
                self._close_process_queues(failed)
        else:
            self.release.set()
            if self.queues is not None:
                self.queues[0].put(b"S")  # stop: a control frame for a waiting echo
            if self.client_end is not None:
                _shut_down(self.client_end)
            self.echo.join(JOIN_TIMEOUT_S)
            if self.echo.is_alive() and not failed:
                problem = "the echo thread did not end"
        for end in (self.client_end, self.echo_end):
            if end is not None:
                end.close()
        return problem

    def _close_process_queues(self, failed: bool):
        requests, replies = self.queues
        if failed:
            # Our feeder thread may still hold messages for a pipe no one reads: read them
            # here (bounded), so that it ends; else let it go at exit rather than wait for it.
            stop_at = time.monotonic() + 30.0
            while time.monotonic() < stop_at:
                try:
                    requests.get(timeout=0.05)
                except queue.Empty:
                    break
                except (OSError, EOFError, ValueError):
                    break
            requests.cancel_join_thread()
            replies.cancel_join_thread()
        for q in (requests, replies):
            q.close()
            if not failed:
                q.join_thread()

    # -- the batch ----------------------------------------------------------------------

    def run(self) -> str | None:
        original_mask = os.sched_getaffinity(0)
        watchdog = threading.Timer(self.work.deadline(), self._on_deadline)
        watchdog.daemon = True
        error = None
        completed = False  # also false when an exception (KeyboardInterrupt) passes through
        try:
            self._start()
            watchdog.start()  # before pinning: its thread keeps the process's mask
            try:
                _pin(self.client_cpu)
                error = self._client()
                completed = error is None
            finally:
                os.sched_setaffinity(0, original_mask)
        finally:
            watchdog.cancel()
            if watchdog.is_alive():
                watchdog.join()
            problem = self._stop(failed=not completed)
        return error or problem

    def _client(self) -> str | None:
        work = self.work
        b, m = work.message_bytes, work.messages
        send, receive = self._client_channel()
        progress = 0
        try:
            self._expect_control(receive(), b"R", "its ready signal")
            tail = _message_pattern(b)[SEQUENCE.size:]
            pack, unpack = SEQUENCE.pack, SEQUENCE.unpack_from
            clock = time.perf_counter_ns
            if work.mode == "round_trip":
                round_trips = [0] * m
                cpu0 = time.process_time_ns()
                t0 = clock()
                for i in range(m):
                    message = pack(i) + tail
                    sent = clock()
                    send(message)
                    reply = receive()
                    round_trips[i] = clock() - sent
                    if len(reply) != b:
                        self._raise_control(reply)
                    if unpack(reply)[0] != i:
                        raise PartyError(f"client: message {i} came back as message {unpack(reply)[0]}")
                    progress = i + 1
                t1 = clock()
                cpu1 = time.process_time_ns()
                self.round_trips = round_trips
            else:
                cpu0 = time.process_time_ns()
                t0 = clock()
                for i in range(m):
                    send(pack(i) + tail)
                    progress = i + 1
                ack = receive()
                t1 = clock()
                cpu1 = time.process_time_ns()
                if len(ack) != b:
                    self._raise_control(ack)
                if unpack(ack)[0] != m:
                    raise PartyError(f"client: the echo acknowledged {unpack(ack)[0]} of {m} messages")
            self.interval_ns, self.cpu_ns = t1 - t0, cpu1 - cpu0
            done = receive()
            self._expect_control(done, b"D", "the echo's count after the last message")
            self.echoed, echo_cpu = DONE.unpack_from(done, 1)
            self.echo_cpu_ns = echo_cpu if self.model == PROCESSES_FORK else None
            if self.echoed != m:
                return f"the client got {m} and the echo {self.echoed} of {m} messages through"
            return None
        except PartyError as e:
            return str(e)
        except ChannelEnded as e:
            return self._channel_ended(str(e), progress)

    def _expect_control(self, frame: bytes, tag: bytes, what: str) -> None:
        if len(frame) != self.work.message_bytes and frame[:1] == tag:
            return
        self._raise_control(frame)
        raise PartyError(f"client: expected {what}, got a message")

    def _raise_control(self, frame: bytes):
        if len(frame) == self.work.message_bytes:
            return
        if frame[:1] == b"E":
            raise PartyError(_error_text(frame))
        raise PartyError(f"client: unexpected frame of {len(frame)} bytes from the echo")

    def _channel_ended(self, why: str, progress: int) -> str:
        """Why the channel ended under the client: the echo's own error if it sent one, else
        its death (exit status), else the deadline."""
        if self.client_end is not None and not self.timed_out.is_set():
            try:  # a broken pipe on send: the echo's error frame may still be waiting
                while True:
                    frame = self.client_end.recv_bytes() if self.client_end.poll(0.5) else None
                    if frame is None:
                        break
                    if len(frame) != self.work.message_bytes and frame[:1] == b"E":
                        return _error_text(frame)
            except (EOFError, OSError):
                pass
        m = self.work.messages
        through = (f"the client got {progress} of {m} round trips through" if self.work.mode == "round_trip"
                   else f"the client had sent {progress} of {m} messages")
        if self.timed_out.is_set():
            return (f"no answer within the deadline of {self.work.deadline():g} s: the echo was stopped; "
                    f"{through}")
        if self.model == PROCESSES_FORK:
            self.echo.join(2.0)
            return f"the echo process died ({_describe_exit(self.echo.exitcode)}); {through}"
        return f"the echo ended the channel ({why}); {through}"

    def outcome(self) -> ScenarioOutcome:
        work = self.work
        seconds = self.interval_ns / 1e9
        figures = {}
        if seconds > 0:
            figures["messages_per_second"] = work.messages / seconds
            figures["bytes_per_second"] = work.messages * work.message_bytes / seconds
        if self.round_trips is not None:
            ordered = sorted(self.round_trips)
            figures["round_trip_p50_ns"] = _percentile(ordered, 0.50)
            figures["round_trip_p99_ns"] = _percentile(ordered, 0.99)
            figures["round_trip_mean_ns"] = sum(ordered) / len(ordered)
        if self.echo_cpu_ns is not None:
            figures["workers_cpu_ns"] = float(self.echo_cpu_ns)
        return ScenarioOutcome(interval_ns=self.interval_ns, cpu_ns=self.cpu_ns, figures=figures)
