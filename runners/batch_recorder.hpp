#pragma once
// The bookkeeping every runner shares: preallocated result and timeline slots (one per task,
// written only by whoever runs that task), stamps from the batch's start, and errors that
// name the task and the model.

#include <chrono>
#include <exception>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>

#include "batch_outcome.hpp"
#include "workload.hpp"

namespace concbench {

class batch_recorder {
 public:
  using clock = std::chrono::steady_clock;

  // The batch's interval starts here.
  batch_recorder(std::span<const task_spec> batch, std::string_view workload_name, std::string_view model_name);

  void task_started(std::size_t index, int worker);
  void task_succeeded(std::size_t index, const task_result& result);
  // Stamps the end and keeps the message (prefixed with the task and the model).
  void task_failed(std::size_t index, std::string_view cause);
  // The same, for a task that ran in another process and was stamped there: `start` and `end`
  // are that process's steady_clock readings (CLOCK_MONOTONIC is shared machine-wide), taken
  // in place of this process's dispatch and arrival times. task_started() came first.
  void task_succeeded(std::size_t index, const task_result& result, clock::time_point start, clock::time_point end);
  void task_failed(std::size_t index, std::string_view cause, clock::time_point start, clock::time_point end);
  // The runner could not do its part (a thread or process it could not start).
  void batch_failed(std::string message);

  // Runs the blocking form of task `index` on the calling thread and records everything.
  void run_blocking(const workload& work, std::size_t index, int worker, std::stop_token stop);

  // Ends the interval and hands the outcome over.
  batch_outcome finish();

  std::size_t size() const { return batch_.size(); }
  const task_spec& task(std::size_t index) const { return batch_[index]; }
  std::string describe_task(std::size_t index) const;

 private:
  std::int64_t since_start_ns() const;
  std::int64_t offset_ns(clock::time_point at) const;

  std::span<const task_spec> batch_;
  std::string workload_name_;
  std::string model_name_;
  clock::time_point start_;
  batch_outcome outcome_;
};

// The message of whatever was thrown.
std::string describe_exception(std::exception_ptr error);

}  // namespace concbench
