#pragma once
// What the report says about the machine: the CPU, how many CPUs this process may use (P),
// memory, kernel. Read from /proc and /sys, so it works without privileges.

#include <nlohmann/json.hpp>
#include <string>

namespace concbench {

// P: CPUs in this process's affinity mask, further limited by a cgroup v2 CPU quota
// (cpu.max), never below 1. `taskset -c 0 concbench` gives 1.
int usable_cpus();

// Python's ThreadPoolExecutor default pool size as CPython 3.11 computes it:
// min(32, os.cpu_count() + 4), where os.cpu_count() counts the machine's CPUs, not P.
int python_default_workers();

std::string cpu_model();
int physical_cores();
long long memory_bytes();
std::string kernel_release();

// The fields above as the report's context keys.
nlohmann::json machine_context();

}  // namespace concbench
