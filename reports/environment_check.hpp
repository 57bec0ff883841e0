#pragma once
// The machine's state around a run, and what in it makes the figures less trustworthy, told
// nanobench-style: a warning that says what is wrong and what to do about it. Read once before
// the run (before calibration loads the CPUs) and once at its end; both go into the report's
// context, and the warnings are printed.
//
// The parsers take the text of the /proc and /sys files, so they are tested on strings.

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace concbench {

// The first line of /proc/stat: all CPUs' time in ticks, and the part of it stolen by the
// hypervisor for other guests.
struct cpu_ticks {
  std::int64_t total = 0;
  std::int64_t steal = 0;
};

struct virtualisation_info {
  std::string vm = "none";         // "kvm", "vmware", "microsoft", ..., "unknown hypervisor", "none"
  std::string container = "none";  // "docker", "podman", "lxc", ..., "none"
  bool hypervisor_flag = false;    // /proc/cpuinfo's "hypervisor" CPU flag
  std::string sys_vendor;          // /sys/class/dmi/id/sys_vendor (empty if unreadable)
  std::string product_name;        // /sys/class/dmi/id/product_name
};

struct environment_state {
  std::optional<std::array<double, 3>> load_average;  // 1, 5 and 15 minutes
  std::optional<cpu_ticks> ticks;
  std::string governor = "unknown";  // the CPUs' scaling_governor; several joined by ','
  virtualisation_info virtualisation;
  std::vector<int> affinity;  // the CPUs this process may run on (sched_getaffinity)
  int online_cpus = 1;
  int usable_cpus = 1;  // P (machine_info.hpp)
  bool debug_build = false;
};

// "0.52 0.58 0.59 1/189 12345" -> {0.52, 0.58, 0.59}.
std::optional<std::array<double, 3>> parse_load_average(std::string_view loadavg);
// "cpu  user nice system idle iowait irq softirq steal guest guest_nice": total is the sum of
// the first eight (guest time is already counted in user), steal the eighth.
std::optional<cpu_ticks> parse_cpu_ticks(std::string_view proc_stat);
// The stolen share of the CPU time between two readings, 0 when none passed.
double steal_fraction(const cpu_ticks& start, const cpu_ticks& end);
bool has_hypervisor_flag(std::string_view cpuinfo);
// Distinct governors, sorted and joined by ','; "unknown" when there are none (no cpufreq,
// as in most VMs).
std::string summarize_governors(std::vector<std::string> governors);
// The hypervisor: `systemd-detect-virt --vm`'s answer when it gave one (empty when it could not
// run), else the DMI vendor and product (QEMU/KVM, VMware, Hyper-V, Xen, VirtualBox, ...), else
// "unknown hypervisor" when the CPU flag says there is one, else "none".
std::string detect_vm(std::string_view detect_virt_answer, std::string_view sys_vendor, std::string_view product_name,
                      bool hypervisor_flag);
// {0, 1, 2, 3, 6} -> "0-3,6".
std::string format_cpu_list(std::vector<int> cpus);

// What the state says before a run, one warning per problem, each with its fix:
// load average, CPU governor, virtual machine, debug build, pinning and CPU quota.
std::vector<std::string> start_warnings(const environment_state& state);
// What changed during the run: the load rose beyond what concbench itself can explain, steal
// time, a governor that changed.
std::vector<std::string> end_warnings(const environment_state& start, const environment_state& end);

// The report's context keys: cpu_governor, virtualisation, load_average_start,
// load_average_end (null until the end), steal_fraction (null until the end), affinity_cpus,
// pinned, debug_build, warnings.
nlohmann::json start_context(const environment_state& state, const std::vector<std::string>& warnings);
nlohmann::json end_context(const environment_state& start, const environment_state& end,
                           const std::vector<std::string>& all_warnings);

// Reads everything from /proc, /sys, sched_getaffinity and systemd-detect-virt (if installed).
environment_state read_environment();

// The start and end checks of one run, for main().
class run_environment {
 public:
  // Reads the state now: call it before calibration makes the CPUs busy.
  run_environment();
  // Prints "concbench: warning: ..." for each start warning.
  void print_start_warnings(std::ostream& out) const;
  nlohmann::json start_context() const;
  // Reads the state again, prints the end warnings, and returns the context keys to set.
  nlohmann::json finish(std::ostream& out);

 private:
  environment_state start_;
  std::vector<std::string> warnings_;
};

}  // namespace concbench
