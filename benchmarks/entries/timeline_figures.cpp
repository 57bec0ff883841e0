#include "benchmarks/entries/timeline_figures.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace concbench {

std::optional<double> quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const auto above = std::min(below + 1, values.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return values[below] + (values[above] - values[below]) * fraction;
}

timeline_figures figures_of(std::span<const timeline_entry> timeline, std::chrono::nanoseconds interval) {
  std::vector<double> durations;
  std::map<int, std::vector<const timeline_entry*>> by_worker;
  std::int64_t first_start = 0, last_end = 0;
  for (const auto& entry : timeline) {
    if (entry.start_ns < 0 || entry.end_ns < 0) continue;
    if (durations.empty() || entry.start_ns < first_start) first_start = entry.start_ns;
    if (durations.empty() || entry.end_ns > last_end) last_end = entry.end_ns;
    durations.push_back(static_cast<double>(entry.end_ns - entry.start_ns));
    by_worker[entry.worker].push_back(&entry);
  }
  timeline_figures figures;
  if (durations.empty()) return figures;
  figures.task_p50_ns = quantile(durations, 0.5);
  figures.task_p99_ns = quantile(durations, 0.99);
  figures.startup_ns = static_cast<double>(first_start);
  figures.teardown_ns = static_cast<double>(std::max<std::int64_t>(interval.count() - last_end, 0));
  figures.dispatch_ns_per_task = static_cast<double>(last_end - first_start) / static_cast<double>(durations.size());

  std::int64_t earliest_last_end = last_end, latest_last_end = 0;
  double gaps = 0;
  std::size_t gap_count = 0;
  for (auto& [worker, tasks] : by_worker) {
    std::sort(tasks.begin(), tasks.end(), [](const auto* a, const auto* b) { return a->start_ns < b->start_ns; });
    std::int64_t worker_last_end = 0;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      worker_last_end = std::max(worker_last_end, tasks[i]->end_ns);
      if (i > 0) {
        gaps += static_cast<double>(tasks[i]->start_ns - tasks[i - 1]->end_ns);
        ++gap_count;
      }
    }
    earliest_last_end = std::min(earliest_last_end, worker_last_end);
    latest_last_end = std::max(latest_last_end, worker_last_end);
  }
  figures.imbalance_ns = static_cast<double>(latest_last_end - earliest_last_end);
  if (gap_count > 0) figures.dispatch_gap_ns_per_task = gaps / static_cast<double>(gap_count);
  return figures;
}

std::vector<std::pair<std::string, double>> timeline_counters(const timeline_figures& figures) {
  std::vector<std::pair<std::string, double>> counters;
  const auto add = [&](const char* name, const std::optional<double>& value) {
    if (value) counters.emplace_back(name, *value);
  };
  add("task_p50_ns", figures.task_p50_ns);
  add("task_p99_ns", figures.task_p99_ns);
  add("startup_ns", figures.startup_ns);
  add("teardown_ns", figures.teardown_ns);
  add("imbalance_ns", figures.imbalance_ns);
  add("dispatch_gap_ns_per_task", figures.dispatch_gap_ns_per_task);
  add("dispatch_ns_per_task", figures.dispatch_ns_per_task);
  return counters;
}

}  // namespace concbench
