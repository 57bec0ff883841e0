#pragma once
// One scenario entry end to end: describe it for the report, and measure it inside Google
// Benchmark's loop as docs/design.md "How a benchmark is timed" says: one batch per iteration,
// the scenario's own interval as the manual time (its workers start before it and are reaped
// after it), a failed or wrong batch an error (SkipWithError), never a number. The scenario's
// verified figures become the entry's counters (lost_updates, ns_per_update, items_per_second,
// ...), each the mean over the sample's iterations.

#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <stop_token>

#include "benchmarks/suites/scenario_suite.hpp"
#include "reports/entry_metadata.hpp"

namespace concbench {

struct measured_scenario_entry {
  scenario_plan plan;
  std::shared_ptr<entry_metadata> metadata;
  int repetitions_run = 0;
  bool warm_up = true;  // --warm-up: one untimed batch before the first repetition (if affordable)
  // --task-timeout-ms: a batch running longer is stopped (batch_deadline.hpp) and the entry
  // fails saying so; zero: never.
  std::chrono::milliseconds timeout{0};
};

// The time-out of a scenario entry when the user gave none: default_timeout_for_batch of its
// nominal batch.
std::chrono::milliseconds default_task_timeout(const scenario_plan& plan);

// The report's fields of a scenario entry. A scenario has no ideal or bound yet
// (docs/design.md "Ideal and bound" defines them for workloads only): both are 0, so the report
// carries no efficiency for it; speedup compares to the sequential entry of the same scenario
// and parameters.
entry_metadata describe_entry(const scenario_plan& plan);

// Google Benchmark's function body for a scenario entry. Before its first repetition it runs
// one untimed batch, as measure_entry does (entry_measurement.hpp), when its nominal batch is
// under max_untimed_batch_ns and entry.warm_up is set.
void measure_scenario_entry(benchmark::State& state, measured_scenario_entry& entry, std::stop_token stop);

// Whether the entry gets that warm-up batch.
bool warms_up(const measured_scenario_entry& entry);

}  // namespace concbench
