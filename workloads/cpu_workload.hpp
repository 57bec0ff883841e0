#pragma once
// `cpu`: the tutorial's counting loop. Task i counts nums[i] x 1,000,000 x scale.

#include <vector>

#include "workloads/workload.hpp"

namespace concbench {

class cpu_workload final : public workload {
 public:
  // The tutorial's batch: 17 tasks, 122 million increments at scale 1.
  static const std::vector<int>& tutorial_nums();

  explicit cpu_workload(double scale, std::vector<int> nums = tutorial_nums());

  std::string name() const override { return "cpu"; }
  nlohmann::json params() const override;
  std::vector<std::pair<std::string, std::string>> name_keys() const override;
  std::vector<task_spec> make_batch() const override;
  task_result run_blocking(const task_spec& task, std::stop_token stop) const override;
  boost::asio::awaitable<task_result> run_awaitable(task_spec task, std::stop_token stop) const override;
  std::optional<std::string> verify(const task_spec& task, const task_result& result) const override;
  time_estimate estimate(std::span<const task_spec> batch, const execution_shape& shape,
                         const machine_constants& constants) const override;
  double nominal_sequential_ns() const override;
  std::vector<std::pair<std::string, double>> work_rate_counters(std::span<const task_spec> batch,
                                                                 std::span<const double> task_durations_ns,
                                                                 const machine_constants& constants) const override;

  double scale() const { return scale_; }

 private:
  double scale_;
  std::vector<int> nums_;
};

}  // namespace concbench
