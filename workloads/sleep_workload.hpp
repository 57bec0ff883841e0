#pragma once
// `sleep`: simulated I/O. Task i waits d_i; nothing runs on a CPU meanwhile.

#include <vector>

#include "workloads/workload.hpp"

namespace concbench {

class sleep_workload final : public workload {
 public:
  // `tasks` sleeps of `sleep_ms` each, every one shrunk by `time_scale` (so suites fit budgets).
  sleep_workload(int tasks, double sleep_ms, double time_scale = 1.0);

  std::string name() const override { return "sleep"; }
  nlohmann::json params() const override;
  std::vector<std::pair<std::string, std::string>> name_keys() const override;
  std::vector<task_spec> make_batch() const override;
  task_result run_blocking(const task_spec& task, std::stop_token stop) const override;
  boost::asio::awaitable<task_result> run_awaitable(task_spec task, std::stop_token stop) const override;
  std::optional<std::string> verify(const task_spec& task, const task_result& result) const override;
  time_estimate estimate(std::span<const task_spec> batch, const execution_shape& shape,
                         const machine_constants& constants) const override;
  double nominal_sequential_ns() const override;

  double effective_sleep_ms() const { return sleep_ms_ * time_scale_; }

 private:
  int tasks_;
  double sleep_ms_;
  double time_scale_;
};

}  // namespace concbench
