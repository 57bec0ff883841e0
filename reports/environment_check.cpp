#include "reports/environment_check.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>

#include "reports/build_info.hpp"
#include "reports/machine_info.hpp"
#include "workloads/system/proc_files.hpp"

extern char** environ;

namespace concbench {
namespace {

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

std::string format(const char* pattern, double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

// Load above this on the machine's CPUs means something else runs (nothing of concbench's has
// started when the start state is read).
double busy_load(int online_cpus) { return std::max(0.5, 0.1 * online_cpus); }

// The first line `program args` prints, or "" when it cannot run, fails or takes over 2 s.
// posix_spawn (no fork of the measuring process), signals unblocked in the child.
std::string first_line_of(const std::string& program, const std::vector<std::string>& args) {
  if (::access(program.c_str(), X_OK) != 0) return "";
  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0) return "";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  std::vector<std::string> all{program};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : all) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, program.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(pipe_ends[1]);
  std::string output;
  if (spawned == 0) {
    pollfd watch{pipe_ends[0], POLLIN, 0};
    char buffer[256];
    while (::poll(&watch, 1, 2000) > 0) {
      const auto got = ::read(pipe_ends[0], buffer, sizeof buffer);
      if (got <= 0) break;
      output.append(buffer, static_cast<std::size_t>(got));
      if (output.size() > 4096) break;
    }
    ::kill(pid, SIGKILL);  // harmless once it has exited: it is not reaped yet
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  ::close(pipe_ends[0]);
  return trimmed(output.substr(0, output.find('\n')));
}

std::string systemd_detect_virt(const char* what) {
  for (const char* path : {"/usr/bin/systemd-detect-virt", "/bin/systemd-detect-virt"}) {
    if (::access(path, X_OK) == 0) return first_line_of(path, {what});
  }
  return "";
}

std::string container_kind(const std::string& detect_virt_answer) {
  if (!detect_virt_answer.empty()) return detect_virt_answer;
  if (std::filesystem::exists("/.dockerenv")) return "docker";
  if (std::filesystem::exists("/run/.containerenv")) return "podman";
  return "none";
}

}  // namespace

std::optional<std::array<double, 3>> parse_load_average(std::string_view loadavg) {
  std::istringstream in{std::string(loadavg)};
  std::array<double, 3> load{};
  if (!(in >> load[0] >> load[1] >> load[2])) return std::nullopt;
  return load;
}

std::optional<cpu_ticks> parse_cpu_ticks(std::string_view proc_stat) {
  std::istringstream in{std::string(proc_stat.substr(0, proc_stat.find('\n')))};
  std::string label;
  if (!(in >> label) || label != "cpu") return std::nullopt;
  cpu_ticks ticks;
  std::int64_t value = 0;
  int count = 0;
  while (count < 8 && in >> value) {
    ticks.total += value;
    if (count == 7) ticks.steal = value;
    ++count;
  }
  if (count < 4) return std::nullopt;  // user nice system idle at the least (old kernels lack steal)
  return ticks;
}

double steal_fraction(const cpu_ticks& start, const cpu_ticks& end) {
  const auto total = end.total - start.total;
  if (total <= 0) return 0;
  return std::max<double>(0, static_cast<double>(end.steal - start.steal) / static_cast<double>(total));
}

bool has_hypervisor_flag(std::string_view cpuinfo) {
  for (std::size_t at = 0; at < cpuinfo.size();) {
    const auto end = std::min(cpuinfo.find('\n', at), cpuinfo.size());
    const auto line = cpuinfo.substr(at, end - at);
    at = end + 1;
    if (line.substr(0, 5) != "flags" && line.substr(0, 8) != "Features") continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::istringstream flags{std::string(line.substr(colon + 1))};
    for (std::string flag; flags >> flag;) {
      if (flag == "hypervisor") return true;
    }
    return false;  // the first CPU's flags tell
  }
  return false;
}

std::string summarize_governors(std::vector<std::string> governors) {
  std::set<std::string> distinct;
  for (const auto& governor : governors) {
    if (auto name = trimmed(governor); !name.empty()) distinct.insert(name);
  }
  if (distinct.empty()) return "unknown";
  std::string joined;
  for (const auto& name : distinct) {
    if (!joined.empty()) joined += ',';
    joined += name;
  }
  return joined;
}

std::string detect_vm(std::string_view detect_virt_answer, std::string_view sys_vendor, std::string_view product_name,
                      bool hypervisor_flag) {
  const auto answer = trimmed(detect_virt_answer);
  if (!answer.empty()) return answer;  // "kvm", "none", ...
  const std::string dmi = std::string(sys_vendor) + " " + std::string(product_name);
  if (contains(dmi, "QEMU") || contains(dmi, "KVM")) return "kvm";
  if (contains(dmi, "VMware")) return "vmware";
  if (contains(dmi, "Microsoft Corporation") && contains(dmi, "Virtual Machine")) return "microsoft";
  if (contains(dmi, "Xen")) return "xen";
  if (contains(dmi, "innotek") || contains(dmi, "VirtualBox")) return "oracle";
  if (contains(dmi, "Amazon EC2")) return "amazon";
  if (contains(dmi, "Google Compute Engine")) return "google";
  if (contains(dmi, "Parallels")) return "parallels";
  return hypervisor_flag ? "unknown hypervisor" : "none";
}

std::string format_cpu_list(std::vector<int> cpus) {
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  std::string list;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!list.empty()) list += ",";
    list += std::to_string(cpus[i]);
    if (j > i) {
      list += '-';
      list += std::to_string(cpus[j]);
    }
    i = j + 1;
  }
  return list;
}

std::vector<std::string> start_warnings(const environment_state& state) {
  std::vector<std::string> warnings;
  if (state.load_average && (*state.load_average)[0] > busy_load(state.online_cpus)) {
    warnings.push_back("load average " + format("%.1f", (*state.load_average)[0]) + " on " +
                       std::to_string(state.online_cpus) +
                       " CPUs: other work competes for the CPUs; stop it or expect noise");
  }
  if (state.governor != "unknown" && state.governor != "performance") {
    warnings.push_back("CPU governor '" + state.governor +
                       "': set 'performance' (cpupower frequency-set -g performance)");
  }
  if (state.virtualisation.vm != "none") {
    warnings.push_back("running in a VM (" + state.virtualisation.vm +
                       "): other guests can take CPU time (steal); the report records the steal time of the "
                       "run, and a dedicated or bare-metal machine gives steadier figures");
  }
  if (state.debug_build)
    warnings.push_back("debug build: figures are not representative; build with cmake --preset release");
  const int affinity = static_cast<int>(state.affinity.size());
  if (affinity > 0 && affinity < state.online_cpus) {
    warnings.push_back("pinned to CPUs " + format_cpu_list(state.affinity) +
                       " (taskset): P = " + std::to_string(state.usable_cpus) + " of the machine's " +
                       std::to_string(state.online_cpus) + " CPUs");
  }
  if (affinity > 0 && state.usable_cpus < affinity) {
    warnings.push_back("a cgroup CPU quota (cpu.max) limits this run to P = " + std::to_string(state.usable_cpus) +
                       " of the " + std::to_string(affinity) + " CPUs it may run on");
  }
  return warnings;
}

std::vector<std::string> end_warnings(const environment_state& start, const environment_state& end) {
  std::vector<std::string> warnings;
  // The load average at the end is recorded, not judged: concbench's own entries run more
  // threads and processes than P (py-default pools, a thread per task), so a high load at the
  // end says nothing about other work. Steal time does.
  if (start.ticks && end.ticks) {
    const double steal = steal_fraction(*start.ticks, *end.ticks);
    if (steal >= 0.01) {
      warnings.push_back("running in a VM (" + end.virtualisation.vm + "): steal time " + format("%.1f", steal * 100) +
                         " % during the run: other guests took CPU time from this one; expect noise");
    }
  }
  if (start.governor != end.governor) {
    warnings.push_back("CPU governor changed from '" + start.governor + "' to '" + end.governor +
                       "' during the run: set 'performance' (cpupower frequency-set -g performance)");
  }
  return warnings;
}

namespace {

nlohmann::json load_json(const std::optional<std::array<double, 3>>& load) {
  if (!load) return nullptr;
  return {(*load)[0], (*load)[1], (*load)[2]};
}

}  // namespace

nlohmann::json start_context(const environment_state& state, const std::vector<std::string>& warnings) {
  const auto& v = state.virtualisation;
  return {{"cpu_governor", state.governor},
          {"virtualisation",
           {{"vm", v.vm},
            {"container", v.container},
            {"hypervisor_flag", v.hypervisor_flag},
            {"sys_vendor", v.sys_vendor},
            {"product_name", v.product_name}}},
          {"load_average_start", load_json(state.load_average)},
          {"load_average_end", nullptr},
          {"steal_fraction", nullptr},
          {"affinity_cpus", format_cpu_list(state.affinity)},
          {"pinned", !state.affinity.empty() && static_cast<int>(state.affinity.size()) < state.online_cpus},
          {"debug_build", state.debug_build},
          {"warnings", warnings}};
}

nlohmann::json end_context(const environment_state& start, const environment_state& end,
                           const std::vector<std::string>& all_warnings) {
  nlohmann::json keys = {{"load_average_end", load_json(end.load_average)}, {"warnings", all_warnings}};
  keys["steal_fraction"] =
      start.ticks && end.ticks ? nlohmann::json(steal_fraction(*start.ticks, *end.ticks)) : nlohmann::json(nullptr);
  if (end.governor != start.governor) keys["cpu_governor_end"] = end.governor;
  return keys;
}

environment_state read_environment() {
  environment_state state;
  state.load_average = parse_load_average(read_text("/proc/loadavg"));
  state.ticks = parse_cpu_ticks(read_text("/proc/stat"));
  std::vector<std::string> governors;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator("/sys/devices/system/cpu", ignored)) {
    const auto name = entry.path().filename().string();
    if (name.size() < 4 || name.rfind("cpu", 0) != 0 || !std::isdigit(static_cast<unsigned char>(name[3]))) continue;
    const auto governor = entry.path() / "cpufreq" / "scaling_governor";
    if (std::filesystem::exists(governor, ignored)) governors.push_back(read_text(governor.string()));
  }
  state.governor = summarize_governors(governors);
  auto& v = state.virtualisation;
  v.hypervisor_flag = has_hypervisor_flag(read_text("/proc/cpuinfo"));
  v.sys_vendor = trimmed(read_text("/sys/class/dmi/id/sys_vendor"));
  v.product_name = trimmed(read_text("/sys/class/dmi/id/product_name"));
  v.vm = detect_vm(systemd_detect_virt("--vm"), v.sys_vendor, v.product_name, v.hypervisor_flag);
  v.container = container_kind(systemd_detect_virt("--container"));
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (::sched_getaffinity(0, sizeof mask, &mask) == 0) {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &mask)) state.affinity.push_back(cpu);
    }
  }
  state.online_cpus = static_cast<int>(std::max<long>(1, ::sysconf(_SC_NPROCESSORS_ONLN)));
  state.usable_cpus = usable_cpus();
  state.debug_build = !is_optimised_build();
  return state;
}

run_environment::run_environment() : start_(read_environment()), warnings_(start_warnings(start_)) {}

void run_environment::print_start_warnings(std::ostream& out) const {
  for (const auto& warning : warnings_) out << "concbench: warning: " << warning << "\n";
  out << std::flush;
}

nlohmann::json run_environment::start_context() const { return concbench::start_context(start_, warnings_); }

nlohmann::json run_environment::finish(std::ostream& out) {
  const auto end = read_environment();
  const auto more = end_warnings(start_, end);
  for (const auto& warning : more) out << "concbench: warning: " << warning << "\n";
  out << std::flush;
  warnings_.insert(warnings_.end(), more.begin(), more.end());
  return end_context(start_, end, warnings_);
}

}  // namespace concbench
