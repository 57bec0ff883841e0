#include "runners/batch/batch_outcome.hpp"

#include <algorithm>
#include <utility>

namespace concbench {

bool batch_outcome::ok() const {
  return batch_errors.empty() &&
         std::all_of(tasks.begin(), tasks.end(), [](const task_outcome& t) { return t.result && t.error.empty(); });
}

std::vector<std::string> batch_outcome::errors() const {
  std::vector<std::string> all = batch_errors;
  for (const auto& task : tasks) {
    if (!task.error.empty()) all.push_back(task.error);
  }
  return all;
}

std::optional<std::string> batch_outcome::first_cause() const {
  if (!batch_errors.empty()) return batch_errors.front();
  const task_outcome* first = nullptr;
  for (const auto& task : tasks) {
    if (task.error.empty()) continue;
    if (!task.abandoned) return task.error;
    if (!first) first = &task;
  }
  if (first) return first->error;
  return std::nullopt;
}

int peak_concurrency(const std::vector<timeline_entry>& timeline) {
  // Sweep over start (+1) and end (-1) events; an end at the same instant as a start comes
  // first, so back-to-back tasks on one worker do not count as overlapping.
  std::vector<std::pair<std::int64_t, int>> events;
  for (const auto& entry : timeline) {
    if (entry.start_ns < 0 || entry.end_ns < 0) continue;
    events.emplace_back(entry.start_ns, +1);
    events.emplace_back(entry.end_ns, -1);
  }
  std::sort(events.begin(), events.end());
  int running = 0;
  int peak = 0;
  for (const auto& [time, delta] : events) {
    running += delta;
    peak = std::max(peak, running);
  }
  return peak;
}

}  // namespace concbench
