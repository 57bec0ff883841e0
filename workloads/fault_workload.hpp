#pragma once
// `fault` (test-only): small counting tasks where one task misbehaves on purpose, so tests can
// check that every model surfaces the failure. `exit`, `crash` and `kill` end the process that
// runs the task: use them only under process models. `ignore-stop` sleeps `ignore_ms` with a
// plain std::this_thread::sleep_for, deaf to its stop token (the one task concbench has that
// does not honour it: what a thread that cannot be killed looks like); under coroutines it
// blocks its loop thread for as long. `fail_from_run` makes the faulty task misbehave only
// from its N-th run in this process on (1: every run), e.g. only in the probe batch after a
// timed one.

#include <atomic>
#include <chrono>
#include <string>

#include "workloads/workload.hpp"

namespace concbench {

enum class fault_mode { throws, wrong_result, exits, crashes, killed, hangs, ignores_stop };

std::string to_string(fault_mode mode);
fault_mode parse_fault_mode(const std::string& text);  // throws std::invalid_argument

class fault_workload final : public workload {
 public:
  fault_workload(int tasks, int faulty_index, fault_mode mode, std::int64_t increments = 1000, int fail_from_run = 1,
                 std::chrono::milliseconds ignore_for = std::chrono::milliseconds(1000));

  std::string name() const override { return "fault"; }
  nlohmann::json params() const override;
  std::vector<std::pair<std::string, std::string>> name_keys() const override;
  std::vector<task_spec> make_batch() const override;
  task_result run_blocking(const task_spec& task, std::stop_token stop) const override;
  boost::asio::awaitable<task_result> run_awaitable(task_spec task, std::stop_token stop) const override;
  std::optional<std::string> verify(const task_spec& task, const task_result& result) const override;
  time_estimate estimate(std::span<const task_spec> batch, const execution_shape& shape,
                         const machine_constants& constants) const override;
  double nominal_sequential_ns() const override { return 0; }

 private:
  // What the faulty task does instead of its work; returns the (wrong) result it gives back.
  task_result misbehave(std::stop_token stop) const;
  // Whether this run of the faulty task misbehaves (counts its runs: fail_from_run).
  bool misbehaves_now() const;

  int tasks_;
  int faulty_index_;
  fault_mode mode_;
  std::int64_t increments_;
  int fail_from_run_;
  std::chrono::milliseconds ignore_for_;
  mutable std::atomic<int> faulty_runs_{0};
};

}  // namespace concbench
