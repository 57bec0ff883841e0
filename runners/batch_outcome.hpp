#pragma once
// What a runner gives back for a batch (DESIGN.md "Runner"): per task, in task order, its
// result or its error, and a timeline entry; and the batch's own measured interval.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "task.hpp"

namespace concbench {

struct task_outcome {
  std::optional<task_result> result;  // empty when the task failed or never ran
  std::string error;                  // names the task and the model; empty on success
};

struct timeline_entry {
  std::int64_t start_ns = -1;  // from the batch's start; -1: the task never started
  std::int64_t end_ns = -1;
  int worker = -1;  // pool thread, lane (coroutines), worker process
};

struct batch_outcome {
  std::vector<task_outcome> tasks;
  std::vector<timeline_entry> timeline;
  std::chrono::nanoseconds interval{0};
  std::vector<std::string> batch_errors;  // failures of the runner itself (a thread it could not start)

  bool ok() const;
  // Every error, batch errors first, then tasks in order; empty when ok().
  std::vector<std::string> errors() const;
};

// Most tasks running at once according to the timeline (what a pool of W really achieved).
int peak_concurrency(const std::vector<timeline_entry>& timeline);

}  // namespace concbench
