#pragma once
// The scenario entries (docs/design.md "Scenario"): `shared`, `pipeline`, `messaging` and
// `fork-cost` under the models that can run them, at the chosen suite's sizes. They run only
// when --workloads names them (the suites'
// own workload lists do not), after the batch entries.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "benchmarks/cli/cli_options.hpp"
#include "runners/batch/model.hpp"
#include "runners/scenarios/scenario.hpp"

namespace concbench {

struct scenario_plan {
  std::shared_ptr<const scenario> work;
  run_settings settings;
  std::string workers_label;  // "2"; empty when the model has no W
};

// The workload names that are scenarios: "shared", "pipeline", "messaging", "fork-cost".
const std::vector<std::string>& scenario_workloads();

// The scenario entries of the chosen suite for the workloads --workloads names, in that order;
// within each, sequential first (the others' speedups need it). Models: those selected that the
// scenario supports (scenario::supports: sequential, threads, coroutines and processes-fork for
// shared and pipeline; for fork-cost the one model of each start kind); W: --workers, else the
// suite's (fork-cost: 1, its one parent process). Empty when --workloads names no scenario.
std::vector<scenario_plan> plan_scenarios(const cli_options& options);

// The grammar name: workload/model/key:value/..., keys in the order of the batch entries (W,
// loop_threads), then the scenario's own, e.g.
//   shared/threads/W:2/discipline:mutex/tasks:4/updates:10000/pause:yield
//   shared/coroutines/loop_threads:2/discipline:atomic/tasks:4/updates:10000/pause:yield
//   pipeline/processes-fork/W:4/producers:2/consumers:2/capacity:64/items:20000
//   messaging/threads/W:2/transport:pipe/mode:round_trip/bytes:64/messages:2000/pinning:cross-cpu
//   fork-cost/processes-spawn/W:1/parent_rss_mb:100/start:posix_spawn/starts:20
// A scenario has no pool (its workers start before the interval), no K (every task is in
// flight) and no form (coroutines always await), so none of those keys appear. For a pipeline W
// is producers + consumers (threads and processes), the threads or processes it runs on.
std::string entry_name(const scenario_plan& plan);

// A rough time for one batch under the plan's model from fixed nominal constants (the same on
// every machine): what fixes the iterations per sample, and what --list can estimate with.
// Wall time a batch spends outside its interval is included where it is large (fork-cost's
// parent growing its memory), so a sample of many cheap starts does not cost seconds.
double nominal_batch_ns(const scenario_plan& plan);

// Batches per measured sample, from nominal_batch_ns: 1 for batches of 100 ms or more, and
// for fork-cost (a batch is already its starts' sample).
int iterations_per_sample(const scenario_plan& plan);

}  // namespace concbench
