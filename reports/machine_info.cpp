#include "reports/machine_info.hpp"

#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "workloads/system/proc_files.hpp"

namespace concbench {
namespace {

// The CPU count a cgroup v2 quota allows ("max 100000" = no limit, "150000 100000" = 1.5).
std::optional<double> cgroup_cpu_quota() {
  const std::string cgroup = own_cgroup_v2_folder();
  if (cgroup.empty()) return std::nullopt;
  std::istringstream fields(first_line(cgroup + "/cpu.max"));
  std::string quota;
  double period = 0;
  if (!(fields >> quota >> period) || quota == "max" || period <= 0) return std::nullopt;
  try {
    return std::stod(quota) / period;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

int usable_cpus() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  int cpus = sched_getaffinity(0, sizeof mask, &mask) == 0 ? CPU_COUNT(&mask)
                                                           : static_cast<int>(std::thread::hardware_concurrency());
  if (const auto quota = cgroup_cpu_quota()) cpus = std::min(cpus, static_cast<int>(std::ceil(*quota)));
  return std::max(1, cpus);
}

int python_default_workers() {
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  return static_cast<int>(std::min<long>(32, std::max<long>(1, online) + 4));
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    // x86 says "model name", some arm64 kernels only "CPU part"; take the first we see.
    if (line.rfind("model name", 0) == 0 || line.rfind("Model", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        return value;
      }
    }
  }
  return "unknown";
}

int physical_cores() {
  // Distinct (package, core) pairs over the online CPUs.
  std::set<std::pair<std::string, std::string>> cores;
  const long configured = sysconf(_SC_NPROCESSORS_CONF);
  for (long cpu = 0; cpu < configured; ++cpu) {
    const std::string base = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
    const auto core = first_line(base + "core_id");
    if (core.empty()) continue;
    cores.emplace(first_line(base + "physical_package_id"), core);
  }
  return cores.empty() ? static_cast<int>(std::thread::hardware_concurrency()) : static_cast<int>(cores.size());
}

long long memory_bytes() { return kib_line_bytes(read_text("/proc/meminfo"), "MemTotal:").value_or(0); }

std::string kernel_release() {
  utsname name{};
  if (uname(&name) != 0) return "unknown";
  return std::string(name.sysname) + " " + name.release + " " + name.machine;
}

nlohmann::json machine_context() {
  return {{"cpu_model", cpu_model()},           {"usable_cpus", usable_cpus()},
          {"physical_cores", physical_cores()}, {"memory_bytes", memory_bytes()},
          {"kernel", kernel_release()},         {"python_default_workers", python_default_workers()}};
}

}  // namespace concbench
