#pragma once
// One start-up entry end to end, the sibling of entry_measurement.hpp for the `startup`
// workload: each iteration gets W worker processes ready (runners/process/launch_floor.hpp) and the
// time until the last hello is the manual time; stopping and reaping them is outside it, in
// both the manual and the process CPU time. A model's ideal and bound are its floor's median
// in the same report (entry_metadata::ideal_entry); a floor is its own ideal.

#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <stop_token>

#include "benchmarks/suites/suite.hpp"
#include "reports/entry_metadata.hpp"

namespace concbench {

struct measured_startup_entry {
  startup_plan plan;
  std::shared_ptr<entry_metadata> metadata;
  int repetitions_run = 0;
  // --task-timeout-ms: a start of W workers lasting longer fails the entry saying so (its
  // workers are then stopped and reaped); zero: never. A start cannot be stopped half-way, but
  // it never lasts long: every worker not ready within process_pool::hello_timeout is killed.
  std::chrono::milliseconds timeout{0};
};

// The time-out of a start-up entry when the user gave none: a minute, as for a task entry
// whose batch is short (default_task_timeout).
inline constexpr std::chrono::milliseconds default_startup_timeout{60'000};

// The report's fields of a start-up entry: workload "startup", the subject as its model,
// W workers and tasks, params {"workers": W}, a cold pool, blocking; its ideal is its floor's.
entry_metadata describe_entry(const startup_plan& plan);

// Google Benchmark's function body for a start-up entry. Sets the counter
// start_ns_per_worker: the sample's mean time to ready divided by W.
void measure_startup_entry(benchmark::State& state, measured_startup_entry& entry, std::stop_token stop);

}  // namespace concbench
