#include "workloads/calibration/schedule_simulation.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <queue>
#include <stdexcept>
#include <vector>

namespace concbench {

double greedy_makespan(std::span<const double> durations_ns, int lanes) {
  if (lanes < 1) throw std::invalid_argument("greedy_makespan: lanes must be at least 1");
  // Min-heap of the times at which each lane becomes free.
  std::priority_queue<double, std::vector<double>, std::greater<>> free_at;
  for (int i = 0; i < lanes; ++i) free_at.push(0.0);
  double makespan = 0;
  for (const double duration : durations_ns) {
    const double start = free_at.top();
    free_at.pop();
    free_at.push(start + duration);
    makespan = std::max(makespan, start + duration);
  }
  return makespan;
}

double shared_cpu_makespan(std::span<const double> work_ns, int workers, int cpus) {
  if (workers < 1 || cpus < 1) throw std::invalid_argument("shared_cpu_makespan: workers and cpus must be at least 1");
  std::vector<double> running;  // remaining work of the tasks in progress
  std::size_t next = 0;
  double now = 0;
  while (next < work_ns.size() || !running.empty()) {
    while (running.size() < static_cast<std::size_t>(workers) && next < work_ns.size()) {
      running.push_back(work_ns[next++]);
    }
    const double rate = std::min(1.0, static_cast<double>(cpus) / static_cast<double>(running.size()));
    const double shortest = *std::min_element(running.begin(), running.end());
    now += shortest / rate;
    for (double& remaining : running) remaining -= shortest;
    // Exact zero for the finished ones: they were the minimum, subtracted from itself.
    std::erase_if(running, [](double remaining) { return remaining <= 0.0; });
  }
  return now;
}

}  // namespace concbench
