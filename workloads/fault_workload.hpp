#pragma once
// `fault` (test-only): small counting tasks where one task misbehaves on purpose, so tests can
// check that every model surfaces the failure. `exit`, `crash` and `kill` end the process that
// runs the task: use them only under process models.

#include <string>

#include "workload.hpp"

namespace concbench {

enum class fault_mode { throws, wrong_result, exits, crashes, killed, hangs };

std::string to_string(fault_mode mode);
fault_mode parse_fault_mode(const std::string& text);  // throws std::invalid_argument

class fault_workload final : public workload {
 public:
  fault_workload(int tasks, int faulty_index, fault_mode mode, std::int64_t increments = 1000);

  std::string name() const override { return "fault"; }
  nlohmann::json params() const override;
  std::vector<std::pair<std::string, std::string>> name_keys() const override;
  std::vector<task_spec> make_batch() const override;
  task_result run_blocking(const task_spec& task, std::stop_token stop) const override;
  boost::asio::awaitable<task_result> run_awaitable(task_spec task,
                                                    std::stop_token stop) const override;
  std::optional<std::string> verify(const task_spec& task, const task_result& result) const override;
  time_estimate estimate(std::span<const task_spec> batch, const execution_shape& shape,
                         const machine_constants& constants) const override;
  double nominal_sequential_ns() const override { return 0; }

 private:
  // What the faulty task does instead of its work; returns the (wrong) result it gives back.
  task_result misbehave(std::stop_token stop) const;

  int tasks_;
  int faulty_index_;
  fault_mode mode_;
  std::int64_t increments_;
};

}  // namespace concbench
