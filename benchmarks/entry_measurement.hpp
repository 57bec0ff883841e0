#pragma once
// One benchmark entry end to end: describe it for the report (fields, ideal, bound), and
// measure it inside Google Benchmark's loop exactly as DESIGN.md says: one batch per
// iteration, the runner's own interval as the manual time, verification outside it, a
// failed or wrong batch an error (SkipWithError), never a number.

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "batch_outcome.hpp"
#include "entry_metadata.hpp"
#include "machine_constants.hpp"
#include "suite.hpp"

namespace concbench {

struct measured_entry {
  entry_plan plan;
  std::vector<task_spec> batch;
  std::shared_ptr<entry_metadata> metadata;
  machine_constants constants;
};

// The report's fields of an entry, with its ideal and bound on this machine.
entry_metadata describe_entry(const entry_plan& plan, const std::vector<task_spec>& batch,
                              const machine_constants& constants);

// Google Benchmark's function body for an entry.
void measure_entry(benchmark::State& state, measured_entry& entry, std::stop_token stop);

// The task time-out of an entry when the user gave none: ten times the whole batch run
// sequentially at nominal speed, and at least a minute, so that it never trips on a slow
// machine yet ends a hung task.
std::chrono::milliseconds default_task_timeout(const workload& work);

// The error of an entry that the run's stop (Ctrl-C) reached before it started.
inline constexpr const char* interrupted_before_start = "interrupted: the run was stopped before this entry started";

// The first error of a batch (a failed task, a runner failure, or a result that does not
// verify), naming the task and the model; nullopt when every task is right.
std::optional<std::string> first_batch_error(const workload& work, std::span<const task_spec> batch,
                                             const batch_outcome& outcome, std::string_view model);

// The timeline as columns (task, worker, start_ns, end_ns) for the timeline file.
nlohmann::json timeline_columns(const batch_outcome& outcome, std::span<const task_spec> batch, int workers);

}  // namespace concbench
