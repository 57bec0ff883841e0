#pragma once
// The bookkeeping every runner shares: preallocated result and timeline slots (one per task,
// written only by whoever runs that task), stamps from the batch's start, and errors that
// name the task and the model.

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>

#include "runners/batch/batch_outcome.hpp"
#include "runners/batch/task_watchdog.hpp"
#include "workloads/workload.hpp"

namespace concbench {

class batch_recorder final : public watched_batch {
 public:
  using clock = std::chrono::steady_clock;

  // The batch's interval starts here. `stop` is the caller's (Ctrl-C); with a watchdog the
  // recorder adds its own stop source for the task time-out, and tasks must be given
  // stop_token() rather than `stop`.
  batch_recorder(std::span<const task_spec> batch, std::string_view workload_name, std::string_view model_name,
                 std::stop_token stop = {}, task_watchdog* watchdog = nullptr);
  ~batch_recorder();
  batch_recorder(const batch_recorder&) = delete;
  batch_recorder& operator=(const batch_recorder&) = delete;

  // What every task of this batch must honour: the caller's stop and the task time-out.
  std::stop_token stop_token() const;
  bool stop_requested() const { return stop_token().stop_requested(); }

  void task_started(std::size_t index, int worker);
  void task_succeeded(std::size_t index, const task_result& result);
  // Stamps the end and keeps the message (prefixed with the task and the model).
  void task_failed(std::size_t index, std::string_view cause);
  // The same, for a task that ran in another process and was stamped there: `start` and `end`
  // are that process's steady_clock readings (CLOCK_MONOTONIC is shared machine-wide), taken
  // in place of this process's dispatch and arrival times. task_started() came first.
  void task_succeeded(std::size_t index, const task_result& result, clock::time_point start, clock::time_point end);
  void task_failed(std::size_t index, std::string_view cause, clock::time_point start, clock::time_point end);
  // A task the runner gave up on because the batch was being ended for another reason (another
  // task's failure, a stop): recorded like task_failed, marked as a consequence
  // (task_outcome::abandoned).
  void task_abandoned(std::size_t index, std::string_view cause);
  // The runner could not do its part (a thread or process it could not start). Thread-safe.
  void batch_failed(std::string message);

  // For the watchdog: stops the batch when a task has run longer than `limit`, naming every
  // such task in a batch error; true when it did. Thread-safe.
  bool stop_overdue_tasks(std::chrono::milliseconds limit) override;
  // "task 3 of cpu under threads (and 1 more)", or empty when nothing runs. Thread-safe.
  std::string describe_running_tasks() const;
  // For the watchdog, its grace after the time-out's stop gone: notes every task still running
  // as ignoring the stop and describes them as describe_running_tasks() does. When they end,
  // the time-out's batch error (the entry's error) says how long each ignored the stop and
  // that a thread cannot be killed, and so does each one's own error. Thread-safe.
  std::string note_tasks_ignoring_stop() override;

  // Runs the blocking form of task `index` on the calling thread and records everything; a
  // task is not started once the batch has been stopped.
  void run_blocking(const workload& work, std::size_t index, int worker);

  // Ends the interval and hands the outcome over.
  batch_outcome finish();

  std::size_t size() const { return batch_.size(); }
  const task_spec& task(std::size_t index) const { return batch_[index]; }
  std::string describe_task(std::size_t index) const;

 private:
  std::int64_t since_start_ns() const;
  std::int64_t offset_ns(clock::time_point at) const;
  void mark_running(std::size_t index, std::int64_t since_ns);
  void mark_ended(std::size_t index, std::int64_t end_ns);
  // "task 2 ignored the stop request for 1.2 s" for the tasks noted by note_tasks_ignoring_stop
  // (only those that ended), and what that means; empty when none.
  std::string describe_ignored_stop() const;
  // The error of a task that ended after the batch was stopped, or of one that timed out.
  std::optional<std::string> stopped_cause(std::size_t index) const;
  // Sets the task's error: its stopped_cause when it has one (a consequence unless it is the task
  // that overran), else `cause` (a consequence when `abandoned`).
  void set_error(std::size_t index, std::string_view cause, bool abandoned);

  std::span<const task_spec> batch_;
  std::string workload_name_;
  std::string model_name_;
  clock::time_point start_;
  batch_outcome outcome_;
  std::stop_token caller_stop_;
  // Only with a watchdog: the time-out's stop source (the caller's stop forwarded into it), each
  // task's start while it runs (-1 otherwise) and whether it overran.
  task_watchdog* watchdog_ = nullptr;
  std::optional<std::stop_source> timeout_stop_;
  std::optional<std::stop_callback<std::function<void()>>> forward_caller_stop_;
  std::unique_ptr<std::atomic<std::int64_t>[]> running_since_ns_;
  std::unique_ptr<std::atomic<bool>[]> overran_;
  // When the time-out requested the stop (-1: it did not), which batch error says so, and per
  // task whether it still ran after the watchdog's grace and then for how long after the stop.
  std::atomic<std::int64_t> timeout_stop_ns_{-1};
  std::size_t timeout_error_index_ = 0;
  std::unique_ptr<std::atomic<bool>[]> ignoring_stop_;
  std::unique_ptr<std::atomic<std::int64_t>[]> ignored_stop_ns_;
  std::chrono::milliseconds timeout_{0};
  mutable std::mutex errors_mutex_;  // batch errors come from any thread
};

// The message of whatever was thrown.
std::string describe_exception(std::exception_ptr error);

}  // namespace concbench
