#pragma once
// Where a batch's time went, from its timeline (task, worker, start, end from the batch's
// start) and its interval: how long tasks took (percentiles), and the overhead split into
// start-up, teardown, imbalance between workers and the gap between a worker's tasks.
// Pure functions, so they are tested on hand-made timelines.

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "runners/batch/batch_outcome.hpp"

namespace concbench {

struct timeline_figures {
  std::optional<double> task_p50_ns;  // task durations (end − start), linear interpolation
  std::optional<double> task_p99_ns;
  std::optional<double> startup_ns;   // batch start to the first task's start
  std::optional<double> teardown_ns;  // the last task's end to the batch's end
  // The latest worker's last end minus the earliest worker's last end, over the workers that
  // ran tasks (0 with one worker): time some workers sat idle at the end.
  std::optional<double> imbalance_ns;
  // The mean gap between consecutive tasks on the same worker (a worker's next start minus its
  // previous end): dispatch cost. Absent when no worker ran two tasks (thread-per-task).
  std::optional<double> dispatch_gap_ns_per_task;
  // The batch's time per task with its start-up and teardown left out: (last end − first
  // start) / tasks that ran. For the `empty` workload, whose tasks take no time, it is the
  // model's dispatch cost per task as the whole pool delivers it.
  std::optional<double> dispatch_ns_per_task;
};

// Tasks that never started (start −1) are left out; every figure is absent when none started.
timeline_figures figures_of(std::span<const timeline_entry> timeline, std::chrono::nanoseconds interval);

// The figures as report counters, named as above; absent figures are left out.
std::vector<std::pair<std::string, double>> timeline_counters(const timeline_figures& figures);

// The q-quantile (0 ≤ q ≤ 1) of `values` with linear interpolation between order statistics
// (numpy's default); nullopt when empty.
std::optional<double> quantile(std::vector<double> values, double q);

}  // namespace concbench
