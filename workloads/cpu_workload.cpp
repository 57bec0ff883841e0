#include "workloads/cpu_workload.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "workloads/calibration/counting_loop.hpp"
#include "workloads/calibration/schedule_simulation.hpp"
#include "workloads/median.hpp"
#include "workloads/number_format.hpp"

namespace concbench {
namespace {
constexpr double increments_per_num = 1'000'000;
// Nominal cost of one increment (0.2-0.5 ns on current x86 cores); only used to fix iteration counts.
constexpr double nominal_ns_per_increment = 0.3;
}  // namespace

const std::vector<int>& cpu_workload::tutorial_nums() {
  static const std::vector<int> nums{8, 7, 8, 5, 8, 8, 5, 4, 8, 7, 7, 8, 8, 7, 8, 8, 8};
  return nums;
}

cpu_workload::cpu_workload(double scale, std::vector<int> nums) : scale_(scale), nums_(std::move(nums)) {
  if (!(scale_ > 0) || !std::isfinite(scale_)) {
    throw std::invalid_argument("cpu scale must be a positive number, got " + format_number(scale_));
  }
  if (nums_.empty()) throw std::invalid_argument("cpu workload needs at least one task");
  for (const int n : nums_) {
    if (n < 1) throw std::invalid_argument("cpu nums must be positive, got " + std::to_string(n));
    if (std::llround(n * increments_per_num * scale_) < 1) {
      throw std::invalid_argument("cpu scale " + format_number(scale_) + " leaves a task with no increments");
    }
  }
}

nlohmann::json cpu_workload::params() const {
  return {{"scale", scale_}, {"nums", nums_}, {"increments_per_num", increments_per_num}};
}

std::vector<std::pair<std::string, std::string>> cpu_workload::name_keys() const {
  return {{"scale", format_number(scale_)}};
}

std::vector<task_spec> cpu_workload::make_batch() const {
  std::vector<task_spec> batch;
  batch.reserve(nums_.size());
  for (std::size_t i = 0; i < nums_.size(); ++i) {
    batch.push_back({i, std::llround(nums_[i] * increments_per_num * scale_)});
  }
  return batch;
}

task_result cpu_workload::run_blocking(const task_spec& task, std::stop_token stop) const {
  return {count_up_to(task.size, stop)};
}

boost::asio::awaitable<task_result> cpu_workload::run_awaitable(task_spec task, std::stop_token stop) const {
  // CPU work inside a coroutine runs inline and blocks its loop thread, as under asyncio.
  co_return task_result{count_up_to(task.size, stop)};
}

std::optional<std::string> cpu_workload::verify(const task_spec& task, const task_result& result) const {
  if (result.value == task.size) return std::nullopt;
  return "counted " + std::to_string(result.value) + " instead of " + std::to_string(task.size);
}

time_estimate cpu_workload::estimate(std::span<const task_spec> batch, const execution_shape& shape,
                                     const machine_constants& constants) const {
  const int cpus = std::min(shape.cpu_lanes, constants.usable_cpus);  // Q = min(W, P)
  const double c1 = constants.increment_ns(1);
  const double cq = constants.increment_ns(cpus);
  std::vector<double> work;
  double total_increments = 0;
  double largest = 0;
  for (const auto& task : batch) {
    work.push_back(static_cast<double>(task.size) * cq);
    total_increments += static_cast<double>(task.size);
    largest = std::max(largest, static_cast<double>(task.size));
  }
  const double bound = std::max(total_increments * c1 / cpus, largest * c1);
  const double ideal = shared_cpu_makespan(work, shape.cpu_lanes, cpus);
  return {ideal, bound};
}

double cpu_workload::nominal_sequential_ns() const {
  double total = 0;
  for (const auto& task : make_batch()) total += static_cast<double>(task.size);
  return total * nominal_ns_per_increment;
}

std::vector<std::pair<std::string, double>> cpu_workload::work_rate_counters(std::span<const task_spec> batch,
                                                                             std::span<const double> task_durations_ns,
                                                                             const machine_constants& constants) const {
  // The median task's speed as its worker saw it: processor sharing (W > P) shows up here.
  std::vector<double> per_increment;
  for (std::size_t i = 0; i < batch.size() && i < task_durations_ns.size(); ++i) {
    if (batch[i].size > 0 && task_durations_ns[i] > 0) {
      per_increment.push_back(task_durations_ns[i] / static_cast<double>(batch[i].size));
    }
  }
  if (per_increment.empty()) return {};
  const double ns = median(std::move(per_increment));
  return {{"ns_per_increment", ns}, {"cycles_per_increment", ns * constants.core_ghz}};
}

}  // namespace concbench
