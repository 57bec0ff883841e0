// The machine's state: the parsers of /proc and /sys text, and the warnings (with their fixes)
// each state gives, at the start and at the end of a run.

#include <gtest/gtest.h>

#include <algorithm>

#include "reports/environment_check.hpp"

namespace concbench {
namespace {

bool any_contains(const std::vector<std::string>& warnings, const std::string& part) {
  return std::any_of(warnings.begin(), warnings.end(),
                     [&](const std::string& w) { return w.find(part) != std::string::npos; });
}

// A quiet bare-metal machine with 4 CPUs, a performance governor, an optimised build.
environment_state quiet_machine() {
  environment_state state;
  state.load_average = std::array<double, 3>{0.05, 0.1, 0.1};
  state.ticks = cpu_ticks{100'000, 0};
  state.governor = "performance";
  state.affinity = {0, 1, 2, 3};
  state.online_cpus = 4;
  state.usable_cpus = 4;
  return state;
}

TEST(environment_parsing, load_average) {
  const auto load = parse_load_average("3.21 1.50 0.75 2/189 12345\n");
  ASSERT_TRUE(load);
  EXPECT_DOUBLE_EQ((*load)[0], 3.21);
  EXPECT_DOUBLE_EQ((*load)[2], 0.75);
  EXPECT_FALSE(parse_load_average(""));
}

TEST(environment_parsing, cpu_ticks_and_steal) {
  const auto ticks = parse_cpu_ticks("cpu  1000 10 200 5000 30 0 4 60 7 0\ncpu0 1 2 3 4 5 6 7 8 9 0\n");
  ASSERT_TRUE(ticks);
  EXPECT_EQ(ticks->total, 1000 + 10 + 200 + 5000 + 30 + 0 + 4 + 60);  // guest is inside user
  EXPECT_EQ(ticks->steal, 60);
  EXPECT_FALSE(parse_cpu_ticks("intr 1 2 3\n"));
  EXPECT_FALSE(parse_cpu_ticks(""));
  // Steal over the run: 42 of 1000 ticks.
  EXPECT_DOUBLE_EQ(steal_fraction({10'000, 100}, {11'000, 142}), 0.042);
  EXPECT_DOUBLE_EQ(steal_fraction({10'000, 100}, {10'000, 100}), 0);
}

TEST(environment_parsing, hypervisor_flag) {
  EXPECT_TRUE(has_hypervisor_flag("processor\t: 0\nflags\t\t: fpu vme de hypervisor lahf_lm\n"));
  EXPECT_FALSE(has_hypervisor_flag("processor\t: 0\nflags\t\t: fpu vme de hypervisorx\n"));
  EXPECT_FALSE(has_hypervisor_flag(""));
}

TEST(environment_parsing, governors) {
  EXPECT_EQ(summarize_governors({}), "unknown");
  EXPECT_EQ(summarize_governors({"performance\n", "performance\n"}), "performance");
  EXPECT_EQ(summarize_governors({"powersave\n", "performance\n", ""}), "performance,powersave");
}

TEST(environment_parsing, virtual_machine) {
  EXPECT_EQ(detect_vm("kvm\n", "", "", true), "kvm");
  EXPECT_EQ(detect_vm("none", "QEMU", "Standard PC", true), "none");  // the tool's answer wins
  EXPECT_EQ(detect_vm("", "QEMU", "Standard PC (Q35 + ICH9, 2009)", true), "kvm");
  EXPECT_EQ(detect_vm("", "VMware, Inc.", "VMware Virtual Platform", true), "vmware");
  EXPECT_EQ(detect_vm("", "Microsoft Corporation", "Virtual Machine", true), "microsoft");
  EXPECT_EQ(detect_vm("", "Amazon EC2", "m5.large", true), "amazon");
  EXPECT_EQ(detect_vm("", "", "", true), "unknown hypervisor");
  EXPECT_EQ(detect_vm("", "Dell Inc.", "PowerEdge R640", false), "none");
}

TEST(environment_parsing, cpu_lists) {
  EXPECT_EQ(format_cpu_list({0}), "0");
  EXPECT_EQ(format_cpu_list({3, 0, 1, 2, 6}), "0-3,6");
  EXPECT_EQ(format_cpu_list({0, 2, 4, 5}), "0,2,4-5");
  EXPECT_EQ(format_cpu_list({}), "");
}

TEST(environment_warnings, a_quiet_machine_gives_none) {
  EXPECT_TRUE(start_warnings(quiet_machine()).empty());
  EXPECT_TRUE(end_warnings(quiet_machine(), quiet_machine()).empty());
}

TEST(environment_warnings, each_problem_names_its_fix) {
  auto state = quiet_machine();
  state.load_average = std::array<double, 3>{3.2, 3, 3};
  state.online_cpus = 2;
  state.affinity = {0, 1};
  state.usable_cpus = 2;
  state.governor = "powersave";
  state.virtualisation.vm = "kvm";
  state.debug_build = true;
  const auto warnings = start_warnings(state);
  EXPECT_TRUE(any_contains(warnings, "load average 3.2 on 2 CPUs: other work competes for the CPUs; stop it"));
  EXPECT_TRUE(
      any_contains(warnings, "CPU governor 'powersave': set 'performance' (cpupower frequency-set -g performance)"));
  EXPECT_TRUE(any_contains(warnings, "running in a VM (kvm)"));
  EXPECT_TRUE(any_contains(warnings, "debug build"));
  EXPECT_TRUE(any_contains(warnings, "cmake --preset release"));
  EXPECT_EQ(warnings.size(), 4u);
}

TEST(environment_warnings, pinning_and_quota) {
  auto state = quiet_machine();
  state.affinity = {0};
  state.usable_cpus = 1;
  auto warnings = start_warnings(state);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(any_contains(warnings, "pinned to CPUs 0 (taskset): P = 1")) << warnings[0];

  state = quiet_machine();
  state.usable_cpus = 2;  // cpu.max allows 1.5 CPUs of the 4
  warnings = start_warnings(state);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(any_contains(warnings, "cgroup CPU quota")) << warnings[0];
}

TEST(environment_warnings, at_the_end_steal_governor_and_load_that_concbench_cannot_explain) {
  const auto start = quiet_machine();
  auto end = quiet_machine();
  end.virtualisation.vm = "kvm";
  end.ticks = cpu_ticks{200'000, 4'200};  // 4.2 % of the 100,000 ticks of the run
  end.governor = "powersave";
  end.load_average = std::array<double, 3>{3.9, 1, 1};  // P = 4 of it may be concbench's own
  auto warnings = end_warnings(start, end);
  EXPECT_TRUE(any_contains(warnings, "running in a VM (kvm): steal time 4.2 % during the run"));
  EXPECT_TRUE(any_contains(warnings, "CPU governor changed from 'performance' to 'powersave'"));
  EXPECT_FALSE(any_contains(warnings, "load average"));
  end.load_average = std::array<double, 3>{6.5, 1, 1};  // concbench's own oversubscribed entries
  warnings = end_warnings(start, end);
  EXPECT_FALSE(any_contains(warnings, "load average"));

  const auto keys = end_context(start, end, warnings);
  EXPECT_NEAR(keys.at("steal_fraction").get<double>(), 0.042, 1e-12);
  EXPECT_EQ(keys.at("load_average_end")[0], 6.5);
  EXPECT_EQ(keys.at("cpu_governor_end"), "powersave");
  EXPECT_EQ(keys.at("warnings").size(), warnings.size());
}

TEST(environment_context, start_keys) {
  auto state = quiet_machine();
  state.virtualisation.vm = "kvm";
  state.virtualisation.container = "docker";
  const auto keys = start_context(state, {"w"});
  EXPECT_EQ(keys.at("cpu_governor"), "performance");
  EXPECT_EQ(keys.at("virtualisation").at("vm"), "kvm");
  EXPECT_EQ(keys.at("virtualisation").at("container"), "docker");
  EXPECT_EQ(keys.at("load_average_start").size(), 3u);
  EXPECT_TRUE(keys.at("load_average_end").is_null());
  EXPECT_TRUE(keys.at("steal_fraction").is_null());
  EXPECT_EQ(keys.at("affinity_cpus"), "0-3");
  EXPECT_EQ(keys.at("pinned"), false);
  EXPECT_EQ(keys.at("warnings"), nlohmann::json::array({"w"}));
}

TEST(environment_reading, this_machine_reads_without_errors) {
  const auto state = read_environment();
  EXPECT_TRUE(state.load_average);
  EXPECT_TRUE(state.ticks);
  EXPECT_FALSE(state.governor.empty());
  EXPECT_FALSE(state.virtualisation.vm.empty());
  EXPECT_GE(static_cast<int>(state.affinity.size()), state.usable_cpus);
  EXPECT_GE(state.online_cpus, 1);
}

}  // namespace
}  // namespace concbench
