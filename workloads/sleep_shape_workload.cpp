#include "workloads/sleep_shape_workload.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "workloads/calibration/schedule_simulation.hpp"
#include "workloads/interruptible_sleep.hpp"
#include "workloads/number_format.hpp"

namespace concbench {
namespace {

constexpr int random_tasks = 5;
constexpr std::int64_t random_max_ms = 4'000;
// interleaved: {sleeps, ms each} per function.
constexpr int interleaved_sleeps[] = {3, 5};
constexpr double interleaved_ms[] = {1'000, 800};

}  // namespace

const std::vector<std::string>& sleep_shape_workload::shapes() {
  static const std::vector<std::string> names{"random", "interleaved"};
  return names;
}

sleep_shape_workload::sleep_shape_workload(std::string shape, double time_scale, std::uint64_t seed)
    : shape_(std::move(shape)), time_scale_(time_scale), seed_(seed) {
  if (std::find(shapes().begin(), shapes().end(), shape_) == shapes().end()) {
    throw std::invalid_argument("unknown sleep shape '" + shape_ + "' (random, interleaved)");
  }
  if (!(time_scale_ > 0) || !std::isfinite(time_scale_)) {
    throw std::invalid_argument("time scale must be a positive number, got " + format_number(time_scale_));
  }
}

nlohmann::json sleep_shape_workload::params() const {
  nlohmann::json params{{"shape", shape_}, {"time_scale", time_scale_}};
  if (shape_ == "random") params["seed"] = seed_;
  return params;
}

std::vector<std::pair<std::string, std::string>> sleep_shape_workload::name_keys() const {
  std::vector<std::pair<std::string, std::string>> keys{{"shape", shape_}};
  if (shape_ == "random") keys.emplace_back("seed", std::to_string(seed_));
  keys.emplace_back("time_scale", format_number(time_scale_));
  return keys;
}

int sleep_shape_workload::sleeps_of(std::size_t index) const {
  return shape_ == "interleaved" ? interleaved_sleeps[index % 2] : 1;
}

std::vector<task_spec> sleep_shape_workload::make_batch() const {
  std::vector<task_spec> batch;
  if (shape_ == "interleaved") {
    for (std::size_t i = 0; i < 2; ++i) batch.push_back({i, std::llround(interleaved_ms[i] * time_scale_ * 1e6)});
    return batch;
  }
  // mt19937_64 is specified to the bit, and the modulo keeps the draw free of the library's
  // distribution code: the same lengths on every machine for the same seed.
  std::mt19937_64 draw(seed_);
  for (std::size_t i = 0; i < random_tasks; ++i) {
    const auto ms = static_cast<double>(draw() % (random_max_ms + 1));
    batch.push_back({i, std::llround(ms * time_scale_ * 1e6)});
  }
  return batch;
}

task_result sleep_shape_workload::run_blocking(const task_spec& task, std::stop_token stop) const {
  std::int64_t slept = 0;
  for (int k = 0; k < sleeps_of(task.index) && !stop.stop_requested(); ++k) {
    slept += sleep_unless_stopped(std::chrono::nanoseconds(task.size), stop).count();
  }
  return {slept};
}

boost::asio::awaitable<task_result> sleep_shape_workload::run_awaitable(task_spec task, std::stop_token stop) const {
  std::int64_t slept = 0;
  for (int k = 0; k < sleeps_of(task.index) && !stop.stop_requested(); ++k) {
    slept += (co_await async_sleep_unless_stopped(std::chrono::nanoseconds(task.size), stop)).count();
  }
  co_return task_result{slept};
}

std::optional<std::string> sleep_shape_workload::verify(const task_spec& task, const task_result& result) const {
  const std::int64_t wanted = task.size * sleeps_of(task.index);
  if (result.value >= wanted) return std::nullopt;
  return "slept " + std::to_string(result.value) + " ns of " + std::to_string(wanted) + " ns";
}

time_estimate sleep_shape_workload::estimate(std::span<const task_spec> batch, const execution_shape& shape,
                                             const machine_constants& constants) const {
  std::vector<double> with_overshoot;
  double total = 0, longest = 0;
  for (const auto& task : batch) {
    const double sleeps = sleeps_of(task.index);
    const double d = static_cast<double>(task.size) * sleeps;
    with_overshoot.push_back(d + sleeps * constants.sleep_overshoot_ns);
    total += d;
    longest = std::max(longest, d);
  }
  return {greedy_makespan(with_overshoot, shape.wait_lanes), std::max(total / shape.wait_lanes, longest)};
}

double sleep_shape_workload::nominal_sequential_ns() const {
  double total = 0;
  for (const auto& task : make_batch()) total += static_cast<double>(task.size) * sleeps_of(task.index);
  return total;
}

}  // namespace concbench
