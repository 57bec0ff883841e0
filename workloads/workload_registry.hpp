#pragma once
// The one list of workload names: every name --workloads takes, and every name a worker process
// is asked to rebuild, with its kind. The command line validates --workloads against it, the
// suites (benchmarks/suites) plan each name of it, and make_workload (workload_factory.hpp)
// builds its task workloads. Names and kinds only: what validates a name links no workload. A scenario's
// class lives above this layer (runners/scenarios), so its row names it and the scenario suite
// makes it.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace concbench {

// The names, for code that plans or recognises one of them.
namespace workload_names {
inline constexpr std::string_view cpu = "cpu";
inline constexpr std::string_view sleep = "sleep";
inline constexpr std::string_view sleep_shapes = "sleep-shapes";  // the tutorials' sleeps, made as `sleep`
inline constexpr std::string_view http = "http";
inline constexpr std::string_view startup = "startup";
inline constexpr std::string_view empty = "empty";
inline constexpr std::string_view fault = "fault";
inline constexpr std::string_view shared = "shared";
inline constexpr std::string_view pipeline = "pipeline";
inline constexpr std::string_view messaging = "messaging";
inline constexpr std::string_view fork_cost = "fork-cost";
}  // namespace workload_names

enum class workload_kind {
  task,      // independent tasks a runner executes (workload.hpp)
  scenario,  // a whole interacting batch run by itself (runners/scenarios/scenario.hpp)
  startup,   // no workload: the start of worker processes is what is timed
};

struct registered_workload {
  std::string_view name;
  workload_kind kind;
  bool selectable = true;  // false: for concbench's own tests, not --workloads
};

// Every registered name, in the order --workloads lists them.
std::span<const registered_workload> registered_workloads();
// The row of `name`, or null.
const registered_workload* find_workload(std::string_view name);
// The names --workloads takes, in that order.
std::vector<std::string> selectable_workloads();
// The selectable names of one kind, in that order.
std::vector<std::string> workloads_of_kind(workload_kind kind);

}  // namespace concbench
