#include "workloads/sleep_workload.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "workloads/calibration/schedule_simulation.hpp"
#include "workloads/interruptible_sleep.hpp"
#include "workloads/number_format.hpp"

namespace concbench {

sleep_workload::sleep_workload(int tasks, double sleep_ms, double time_scale)
    : tasks_(tasks), sleep_ms_(sleep_ms), time_scale_(time_scale) {
  if (tasks_ < 1) throw std::invalid_argument("sleep needs at least one task, got " + std::to_string(tasks_));
  if (!(sleep_ms_ >= 0) || !std::isfinite(sleep_ms_)) {
    throw std::invalid_argument("sleep length must be a non-negative number of ms, got " + format_number(sleep_ms_));
  }
  if (!(time_scale_ > 0) || !std::isfinite(time_scale_)) {
    throw std::invalid_argument("time scale must be a positive number, got " + format_number(time_scale_));
  }
}

nlohmann::json sleep_workload::params() const {
  return {{"tasks", tasks_}, {"sleep_ms", sleep_ms_}, {"time_scale", time_scale_}};
}

std::vector<std::pair<std::string, std::string>> sleep_workload::name_keys() const {
  return {{"N", std::to_string(tasks_)}, {"ms", format_number(effective_sleep_ms())}};
}

std::vector<task_spec> sleep_workload::make_batch() const {
  const auto ns = std::llround(effective_sleep_ms() * 1e6);
  std::vector<task_spec> batch;
  batch.reserve(static_cast<std::size_t>(tasks_));
  for (int i = 0; i < tasks_; ++i) batch.push_back({static_cast<std::size_t>(i), ns});
  return batch;
}

task_result sleep_workload::run_blocking(const task_spec& task, std::stop_token stop) const {
  return {sleep_unless_stopped(std::chrono::nanoseconds(task.size), stop).count()};
}

boost::asio::awaitable<task_result> sleep_workload::run_awaitable(task_spec task, std::stop_token stop) const {
  const auto slept = co_await async_sleep_unless_stopped(std::chrono::nanoseconds(task.size), stop);
  co_return task_result{slept.count()};
}

std::optional<std::string> sleep_workload::verify(const task_spec& task, const task_result& result) const {
  if (result.value >= task.size) return std::nullopt;
  return "slept " + std::to_string(result.value) + " ns of " + std::to_string(task.size) + " ns";
}

time_estimate sleep_workload::estimate(std::span<const task_spec> batch, const execution_shape& shape,
                                       const machine_constants& constants) const {
  std::vector<double> with_overshoot;
  double total = 0;
  double longest = 0;
  for (const auto& task : batch) {
    const auto d = static_cast<double>(task.size);
    with_overshoot.push_back(d + constants.sleep_overshoot_ns);
    total += d;
    longest = std::max(longest, d);
  }
  return {greedy_makespan(with_overshoot, shape.wait_lanes), std::max(total / shape.wait_lanes, longest)};
}

double sleep_workload::nominal_sequential_ns() const { return tasks_ * effective_sleep_ms() * 1e6; }

}  // namespace concbench
