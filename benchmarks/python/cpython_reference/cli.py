"""The command line of the CPython reference: flags, their checks, and the help text.

It follows the C++ CLI (benchmarks/cli/cli_options.cpp) where both have a flag — the same names,
the same limits, `--flag=value` (and also `--flag value`) — so a person can run the two
side by side with the same flags. A bad flag or value raises CliError with one line a
person can act on; the entry point prints it and exits with status 2.
"""

from __future__ import annotations

import dataclasses
import math

from cpython_reference import models
from cpython_reference.workloads import CpuWorkload

KNOWN_SUITES = ["quick", "default"]
KNOWN_WORKLOADS = ["cpu", "sleep", "http", "messaging"]
DEFAULT_WORKLOADS = ["cpu", "sleep", "http"]  # messaging only when asked for, as C++'s scenarios
MAX_WORKERS = 10_000  # as the C++ side: threads and processes are limited system-wide
MAX_CPU_SCALE = 100.0  # CPython: scale 100 is ~6 minutes per sequential batch
MAX_TIME_SCALE = 100.0
MAX_REPETITIONS = 1000
VALUE_FLAGS = {"--suite", "--workloads", "--models", "--workers", "--cpu-scale", "--time-scale", "--http-url",
               "--benchmark_repetitions", "--out", "--test-fault"}


def one_line(text: str) -> str:
    """`text` with every unprintable character (a newline, a tab, a byte that was not UTF-8)
    written as its escape, so that a message quoting an argument stays one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


class CliError(Exception):
    """A bad command line: the message is one line for the person who typed it (an argument
    it quotes has its newlines and other unprintable characters escaped)."""

    def __init__(self, message: str):
        super().__init__(one_line(message))


@dataclasses.dataclass
class Options:
    suite: str = "default"
    workloads: list | None = None  # None: cpu, sleep and http (http if a server can be had)
    workloads_given: bool = False
    models: list | None = None
    workers: list | None = None  # labels: "2", "py-default"
    cpu_scales: list | None = None
    time_scale: float = 1.0
    http_url: str | None = None
    repetitions: int = 5
    out: str | None = None
    list: bool = False
    force: bool = False  # replace an existing --out that is not a concbench report
    help: bool = False
    test_fault: str | None = None


def _split(flag: str, text: str) -> list:
    parts = text.split(",")
    for part in parts:
        if not part:
            raise CliError(f"{flag}: empty item in '{text}'")
    seen = set()
    for part in parts:
        if part in seen:
            raise CliError(f"{flag}: '{part}' is given twice")
        seen.add(part)
    return parts


def _positive(flag: str, text: str, maximum: float, why: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CliError(f"{flag}: '{text}' is not a number") from None
    if not math.isfinite(value):
        raise CliError(f"{flag}: '{text}' is not a number")
    if value <= 0:
        raise CliError(f"{flag}: {text} must be greater than 0")
    if value > maximum:
        raise CliError(f"{flag}: {text} is above {maximum:g} ({why})")
    return value


def _whole(flag: str, text: str) -> int:
    try:
        return int(text, 10)
    except ValueError:
        raise CliError(f"{flag}: '{text}' is not a whole number") from None


def _worker_label(text: str) -> str:
    if text == "py-default":
        return text
    value = _whole("--workers", text)
    if value < 1:
        raise CliError(f"--workers: {text} must be at least 1")
    if value > MAX_WORKERS:
        raise CliError(f"--workers: {text} is above {MAX_WORKERS} (threads and processes are limited system-wide)")
    return str(value)


def _cpu_scale(text: str) -> float:
    scale = _positive("--cpu-scale", text, MAX_CPU_SCALE, "one CPython batch would take many minutes per model")
    try:
        CpuWorkload(scale=scale)
    except ValueError as e:
        raise CliError(f"--cpu-scale: {e}") from None
    return scale


def parse_cli(args: list) -> Options:
    options = Options()
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg in ("--help", "-h"):
            options.help = True
            continue
        if not arg.startswith("--"):
            raise CliError(f"unexpected argument '{arg}' (flags start with --)")
        flag, equals, value = arg.partition("=")
        if flag in ("--list", "--force"):
            if equals:
                raise CliError(f"{flag} takes no value")
            setattr(options, flag[2:], True)
            continue
        if flag not in VALUE_FLAGS:
            if flag in ("--benchmark_out", "--benchmark_format", "--benchmark_out_format"):
                raise CliError(f"{flag} is not supported: the report is always concbench's JSON (use --out=PATH)")
            raise CliError(f"unknown flag '{flag}' (see --help)")
        if not equals:
            if i >= len(args) or args[i].startswith("--"):
                raise CliError(f"{flag} needs a value, e.g. {flag}=...")
            value = args[i]
            i += 1
        if not value:
            raise CliError(f"{flag} needs a value, e.g. {flag}=...")

        if flag == "--suite":
            if value not in KNOWN_SUITES:
                raise CliError(f"--suite: unknown suite '{value}' (known: {', '.join(KNOWN_SUITES)})")
            options.suite = value
        elif flag == "--workloads":
            names = _split(flag, value)
            for name in names:
                if name not in KNOWN_WORKLOADS:
                    raise CliError(f"--workloads: unknown workload '{name}' (known: {', '.join(KNOWN_WORKLOADS)})")
            options.workloads = names
            options.workloads_given = True
        elif flag == "--models":
            names = _split(flag, value)
            for name in names:
                if name not in models.ALL_MODELS:
                    raise CliError(f"--models: unknown model '{name}' (known: {', '.join(models.ALL_MODELS)})")
            options.models = names
        elif flag == "--workers":
            options.workers = [_worker_label(part) for part in _split(flag, value)]
            if len(set(options.workers)) != len(options.workers):
                raise CliError(f"--workers: a value is given twice in '{value}'")
        elif flag == "--cpu-scale":
            options.cpu_scales = [_cpu_scale(part) for part in _split(flag, value)]
        elif flag == "--time-scale":
            options.time_scale = _positive(flag, value, MAX_TIME_SCALE, "one batch would take minutes per model")
        elif flag == "--http-url":
            if not value.startswith("http://") or len(value) <= len("http://"):
                raise CliError(f"--http-url: '{value}' is not an http:// URL")
            options.http_url = value
        elif flag == "--benchmark_repetitions":
            repetitions = _whole(flag, value)
            if repetitions < 1:
                raise CliError(f"{flag}: must be at least 1")
            if repetitions > MAX_REPETITIONS:
                raise CliError(f"{flag}: {value} is above {MAX_REPETITIONS}")
            options.repetitions = repetitions
        elif flag == "--out":
            options.out = value
        elif flag == "--test-fault":
            if value not in ("raise", "wrong"):
                raise CliError(f"--test-fault: '{value}' is not one of raise, wrong")
            options.test_fault = value
    if options.workloads is None:  # --test-fault alone runs only the fault workload
        options.workloads = [] if options.test_fault else list(DEFAULT_WORKLOADS)
    return options


HELP = """concbench_python: the CPython reference of concbench. The tutorials' experiments on this
interpreter (threads under the GIL, asyncio, process pools), written as a concbench report
whose entries line up by name with the C++ report's (model python-* instead of the C++ one).

Usage: /usr/bin/python3 benchmarks/python/concbench_python.py [flags]

  --out=PATH              the report (default: results/concbench-python-<date>-<time>.json),
                          written at the end; the timelines go beside it as
                          <name>.timelines.json, the rows so far as <name>.partial.json while
                          the run goes on. A link is followed (its target is written); a
                          device, fifo, socket or directory is refused, and so is an existing
                          file that is not a concbench report (timeline file), unless --force
  --force                 replace an existing --out (or its timeline file) that is not a
                          concbench report (timeline file); never a device, fifo or directory
  --suite=quick|default   quick: small batches, well under 30 s; default (the default): cpu at
                          scale 0.1, sleep 100 x 10 ms plus asyncio at 1,000 / 10,000 /
                          100,000 tasks and threads with W = N at 1,000 / 10,000, http 100
                          GETs; a few minutes on 2 CPUs
  --workloads=LIST        cpu, sleep, http, messaging (default: cpu, sleep, http; http without
                          --http-url uses concbench's own server when the C++ binary is built,
                          else is left out). messaging: the tutorials' Pipe vs Queue, a client
                          and an echo exchanging numbered messages (round trips and a stream)
                          under python-threads and python-processes-fork, C++'s suite sizes
                          (quick ~1 minute, default ~3 minutes on 2 vCPUs)
  --models=LIST           python-sequential, python-threads, python-asyncio,
                          python-processes-fork, python-processes-spawn,
                          python-processes-forkserver (default: all)
  --workers=LIST          W for the pools, e.g. 1,2,py-default (py-default: ThreadPoolExecutor's
                          own default, min(32, CPUs + 4))
  --cpu-scale=LIST        each cpu task counts n x 1,000,000 x scale (default 0.1; quick 0.01;
                          1 is the tutorial's own size, ~3.5 s per sequential batch)
  --time-scale=X          every sleep and server delay lasts its length x X (e.g. 0.1)
  --http-url=URL          GET from this server, e.g. one started with
                          `build/release/benchmarks/concbench serve --port=8080`
  --benchmark_repetitions=N   repetitions per entry (default 5)
  --list                  print the entries the run would execute, and its estimated time
  --help                  this text

Test-only: --test-fault=raise|wrong runs the `fault` workload (task 1 raises, or returns a
wrong count; besides --workloads if given) to check that failures become entry errors.

Exit status: 0 all entries ran and verified; 1 some entry failed (its error is in the
report), or a write of the report failed (a full disk: the run stops, the last complete
write stays); 2 bad command line, output path or http server.
"""
