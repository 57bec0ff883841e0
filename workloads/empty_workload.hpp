#pragma once
// `empty`: a task that does nothing but return a value derived from its index, so that a
// batch's time is the model's own cost of handing out N tasks (dispatch) and verification
// still proves that every task ran and handed back its own result.
//
// Its ideal and bound are 0: doing nothing costs nothing and no schedule beats 0, so the
// whole measured interval is overhead. With an ideal of 0 the report carries no efficiency
// for `empty` (efficiency = ideal / measured would be 0 for every model and say nothing);
// the figure to read is the interval per task (real_time / tasks).

#include <vector>

#include "workloads/workload.hpp"

namespace concbench {

class empty_workload final : public workload {
 public:
  explicit empty_workload(int tasks);

  std::string name() const override { return "empty"; }
  nlohmann::json params() const override;
  std::vector<std::pair<std::string, std::string>> name_keys() const override;
  std::vector<task_spec> make_batch() const override;
  task_result run_blocking(const task_spec& task, std::stop_token stop) const override;
  boost::asio::awaitable<task_result> run_awaitable(task_spec task, std::stop_token stop) const override;
  std::optional<std::string> verify(const task_spec& task, const task_result& result) const override;
  time_estimate estimate(std::span<const task_spec> batch, const execution_shape& shape,
                         const machine_constants& constants) const override;
  double nominal_sequential_ns() const override;

  // What task `index` returns: a mix of its index, so that a result handed back for the wrong
  // task (or never written) fails verification.
  static std::int64_t expected_value(std::size_t index);

  // A nominal cost of one empty task run in place (a call and two clock readings); it only
  // fixes the nominal batch size (iterations, the default time-out), never a result.
  static constexpr double nominal_ns_per_task = 100;

 private:
  int tasks_;
};

}  // namespace concbench
