"""The report's `context`: Google Benchmark's fields plus concbench's (reports/machine_info.cpp).

The same keys as the C++ report, so that a Python report and a C++ report of one machine
read alike and plot/ labels both with the same CPU and P. Where the C++ side describes its
build (compiler, flags, Boost, Google Benchmark), this one describes the interpreter: the
implementation and version under "build", the C compiler CPython was built with, and "n/a"
for the libraries it does not use (the schema requires the keys).
"""

from __future__ import annotations

import datetime
import math
import os
import platform
import socket
import subprocess
import sys
import sysconfig

from cpython_reference import models

# The version concbench writes (reports/report.schema.json). The fields versions 2 and 3 added
# are all optional, and the reference writes none of them: its aggregate rows are Google
# Benchmark's four, without the lead estimator's row or intervals.
CONCBENCH_SCHEMA_VERSION = 3
# benchmarks/python/cpython_reference/context.py: four folders below the repository.
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def _read_first_line(path: str) -> str:
    try:
        with open(path) as f:
            return f.readline().strip()
    except OSError:
        return ""


def _cgroup_cpu_quota() -> float | None:
    cgroup = _read_first_line("/proc/self/cgroup")  # "0::/path" on cgroup v2
    if ":" not in cgroup:
        return None
    fields = _read_first_line("/sys/fs/cgroup" + cgroup.rsplit(":", 1)[1] + "/cpu.max").split()
    if len(fields) != 2 or fields[0] == "max":
        return None
    try:
        return float(fields[0]) / float(fields[1])
    except (ValueError, ZeroDivisionError):
        return None


def usable_cpus() -> int:
    """P: the affinity mask, capped by a cgroup v2 CPU quota (as the C++ usable_cpus())."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    quota = _cgroup_cpu_quota()
    if quota is not None:
        cpus = min(cpus, math.ceil(quota))
    return max(1, cpus)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") or line.startswith("Model"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def physical_cores() -> int:
    cores = set()
    for cpu in range(os.cpu_count() or 1):
        base = f"/sys/devices/system/cpu/cpu{cpu}/topology/"
        core = _read_first_line(base + "core_id")
        if core:
            cores.add((_read_first_line(base + "physical_package_id"), core))
    return len(cores) or (os.cpu_count() or 1)


def memory_bytes() -> int:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def mhz_per_cpu() -> int:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("cpu mhz"):
                    return round(float(line.split(":", 1)[1]))
    except (OSError, ValueError):
        pass
    return 0


def _size_bytes(text: str) -> int:
    text = text.strip().upper()
    scale = {"K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}.get(text[-1:], 1)
    try:
        return int(text.rstrip("KMG")) * scale
    except ValueError:
        return 0


def caches() -> list:
    """As Google Benchmark lists them: level, type, size, CPUs sharing it."""
    out = []
    base = "/sys/devices/system/cpu/cpu0/cache"
    try:
        indices = sorted(d for d in os.listdir(base) if d.startswith("index"))
    except OSError:
        return out
    for index in indices:
        shared = _read_first_line(f"{base}/{index}/shared_cpu_list")
        sharing = 0
        for part in shared.split(","):
            if "-" in part:
                lo, hi = part.split("-")
                sharing += int(hi) - int(lo) + 1
            elif part:
                sharing += 1
        out.append({"type": _read_first_line(f"{base}/{index}/type"),
                    "level": int(_read_first_line(f"{base}/{index}/level") or 0),
                    "size": _size_bytes(_read_first_line(f"{base}/{index}/size")),
                    "num_sharing": sharing})
    return out


def cpu_scaling_enabled() -> bool:
    governor = _read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")
    return bool(governor) and governor != "performance"


def kernel() -> str:
    u = os.uname()
    return f"{u.sysname} {u.release} {u.machine}"


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "-C", REPO, "rev-parse", "--short=12", "HEAD"],
                             capture_output=True, text=True, timeout=5)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def build_context() -> dict:
    return {
        "compiler": platform.python_compiler(),
        "flags": sysconfig.get_config_var("OPT") or "",
        "build_type": f"{platform.python_implementation()} {platform.python_version()}",
        "boost_version": "n/a",
        "benchmark_version": "n/a (concbench_python times its batches itself)",
        "concbench_version": "0.1.0",
        "git_commit": git_commit(),
        "python_implementation": platform.python_implementation(),
        "python_version": platform.python_version(),
        "python_executable": sys.executable,
    }


def machine_context(command_line: list, suite: str, constants) -> dict:
    now = datetime.datetime.now(datetime.timezone.utc).astimezone()
    return {
        "date": now.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "host_name": socket.gethostname(),
        "executable": sys.executable,
        "num_cpus": os.cpu_count() or 1,
        "mhz_per_cpu": mhz_per_cpu(),
        "cpu_scaling_enabled": cpu_scaling_enabled(),
        "caches": caches(),
        "load_avg": list(os.getloadavg()),
        "library_build_type": "none",
        "concbench_schema_version": CONCBENCH_SCHEMA_VERSION,
        "cpu_model": cpu_model(),
        "usable_cpus": constants.usable_cpus,
        "physical_cores": physical_cores(),
        "memory_bytes": memory_bytes(),
        "kernel": kernel(),
        "python_default_workers": models.thread_pool_default_workers(),
        "python_process_pool_default_workers": os.cpu_count() or 1,
        "build": build_context(),
        "machine_constants": constants.to_json(),
        "command_line": command_line,
        "suite": suite,
        "implementation": "python",
    }
