#pragma once
// The runner contract (docs/design.md "Runner"): run every task of a batch once, dynamically
// dispatched, and return each result and timeline entry in task order plus the batch's own
// interval. A runner never knows which workload it runs.

#include <chrono>
#include <memory>
#include <span>
#include <stop_token>

#include "runners/batch/batch_outcome.hpp"
#include "runners/batch/model.hpp"
#include "runners/batch/task_watchdog.hpp"
#include "workloads/workload.hpp"

namespace concbench {

class runner {
 public:
  virtual ~runner();
  // Never throws for a task's failure: it comes back in the outcome, naming task and model.
  // A stop request (Ctrl-C, or the task time-out) ends the batch: every task that had not
  // finished comes back as an error saying so.
  virtual batch_outcome run(const workload& work, std::span<const task_spec> batch, std::stop_token stop) = 0;

  // Stops a batch whose task runs longer than `limit` (zero: never); its watchdog thread starts
  // here, outside every batch. `grace`: how long stopped tasks get before they are reported as
  // ignoring the stop (tests shorten it). Throws std::system_error when that thread cannot be
  // started.
  void enable_task_timeout(std::chrono::milliseconds limit,
                           std::chrono::milliseconds grace = task_watchdog::default_stop_grace);

 protected:
  // For the runner's batch_recorder; null without a time-out.
  task_watchdog* watchdog() const { return watchdog_.get(); }

 private:
  std::unique_ptr<task_watchdog> watchdog_;
};

// A runner for these settings. A warm pool is built here, before any measured batch; a cold
// one inside every run(). Throws std::invalid_argument for settings the model cannot take,
// std::system_error when a warm pool's threads cannot be started. The task time-out comes from
// settings.task_timeout.
std::unique_ptr<runner> make_runner(const run_settings& settings);

}  // namespace concbench
