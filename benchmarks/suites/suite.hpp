#pragma once
// The suites: which (workload, model, settings) entries a run executes, in which order.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "benchmarks/cli/cli_options.hpp"
#include "runners/batch/model.hpp"
#include "workloads/workload.hpp"

namespace concbench {

struct entry_plan {
  std::shared_ptr<const workload> work;
  run_settings settings;
  std::string workers_label;  // "2", "py-default"; empty when the model has no W
};

// What a start-up entry (workload `startup`) starts: a process model's pool, or the bare
// mechanism under it, the floor that model is measured against (runners/process/launch_floor.hpp).
enum class startup_subject { floor_fork_server, floor_posix_spawn, processes_fork, processes_spawn };

// A start-up entry: the time for `subject` to get `workers` worker processes ready.
struct startup_plan {
  startup_subject subject = startup_subject::processes_fork;
  int workers = 1;
  std::string workers_label;      // "8", "py-default"
  std::string worker_executable;  // the spawned binary; empty means this one (/proc/self/exe)
};

// The URL http entries carry until main knows the server's (listing needs no server).
inline constexpr const char* http_placeholder_url = "http://127.0.0.1:1/";

// What a run of a suite aims for and may spend when the command line does not say
// (--precision, --budget): set per suite in suite.cpp's definitions.
struct run_targets {
  double precision_pct = 0;
  double budget_seconds = 0;
};
run_targets suite_targets(const std::string& suite);

// The order in which a budget keeps entries when it cannot cover all of them, and in which the
// rounds after the floor carry them to the precision, 0 first: the tutorials' experiments, cpu
// first (its batches swing by tens of per cent on a shared machine, so its intervals need the
// most repetitions; a sleep batch is within a per cent at its floor), then sleep and the
// tutorials' sleep shapes; then the rest; and last the entries whose one repetition takes more
// than expensive_repetition_seconds (cpu at scale 100): each costs the budget as much as dozens
// of others, and --suite=scale measures them. Within each of these groups the sequential entries
// come first: every speedup divides by one.
inline constexpr double expensive_repetition_seconds = 2.0;
int run_priority(std::string_view workload, std::string_view model, double repetition_seconds);

// Whether any planned entry fetches over http (then a server must be running).
bool uses_http(const std::vector<entry_plan>& plans);

// Batch entries of the chosen suite with the command line's replacements applied. Sequential
// entries come first within each batch, so speedups are known as soon as others finish.
// Throws cli_error when the selection leaves nothing to run (counting start-up entries).
std::vector<entry_plan> plan_suite(const cli_options& options);

// The start-up entries of the chosen suite: present when the workloads include `startup` and
// a process model is selected; for each W, each selected model right after its floor. They run
// after the batch entries.
std::vector<startup_plan> plan_startup(const cli_options& options);

std::string_view to_string(startup_subject subject);  // "floor-fork-server", "processes-fork"
// The floor an entry is measured against (a floor is its own).
startup_subject floor_of(startup_subject subject);

// The grammar name (docs/design.md "How a benchmark is timed"): workload/model/key:value/...,
// keys in a fixed order: W, loop_threads, K, pool, form, then the workload's own.
std::string entry_name(const entry_plan& plan);
// startup/<subject>/W:<label>, e.g. startup/processes-spawn/W:8.
std::string entry_name(const startup_plan& plan);

// Batches per measured sample, fixed from the workload's nominal size (the same on every
// machine): 1 for batches of 100 ms or more.
int iterations_per_sample(const workload& work);
// Starts of W workers per measured sample, fixed from W and the start mechanism (the same on
// every machine, and for a model and its floor) so that a sample lasts about 50 ms or more.
int iterations_per_sample(const startup_plan& plan);

}  // namespace concbench
