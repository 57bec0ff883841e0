#include "workloads/empty_workload.hpp"

#include <stdexcept>

namespace concbench {

empty_workload::empty_workload(int tasks) : tasks_(tasks) {
  if (tasks_ < 1) throw std::invalid_argument("empty needs at least one task, got " + std::to_string(tasks_));
}

nlohmann::json empty_workload::params() const { return {{"tasks", tasks_}}; }

std::vector<std::pair<std::string, std::string>> empty_workload::name_keys() const {
  return {{"N", std::to_string(tasks_)}};
}

std::vector<task_spec> empty_workload::make_batch() const {
  std::vector<task_spec> batch;
  batch.reserve(static_cast<std::size_t>(tasks_));
  for (int i = 0; i < tasks_; ++i) batch.push_back({static_cast<std::size_t>(i), 0});
  return batch;
}

std::int64_t empty_workload::expected_value(std::size_t index) {
  // splitmix64's finaliser, kept non-negative (the value travels as a JSON integer).
  std::uint64_t z = static_cast<std::uint64_t>(index) + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<std::int64_t>(z >> 1);
}

task_result empty_workload::run_blocking(const task_spec& task, std::stop_token /*stop*/) const {
  // Nothing to stop: the task returns at once.
  return {expected_value(task.index)};
}

boost::asio::awaitable<task_result> empty_workload::run_awaitable(task_spec task, std::stop_token /*stop*/) const {
  co_return task_result{expected_value(task.index)};
}

std::optional<std::string> empty_workload::verify(const task_spec& task, const task_result& result) const {
  const auto expected = expected_value(task.index);
  if (result.value == expected) return std::nullopt;
  return "returned " + std::to_string(result.value) + ", task " + std::to_string(task.index) + " returns " +
         std::to_string(expected);
}

time_estimate empty_workload::estimate(std::span<const task_spec> /*batch*/, const execution_shape& /*shape*/,
                                       const machine_constants& /*constants*/) const {
  // Zero-overhead time of doing nothing: 0, and 0 is also a bound no schedule beats. The
  // report writes no efficiency for an ideal of 0 (reports/report_document.cpp).
  return {0, 0};
}

double empty_workload::nominal_sequential_ns() const { return tasks_ * nominal_ns_per_task; }

}  // namespace concbench
