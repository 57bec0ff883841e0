#pragma once
// The runner contract (DESIGN.md): run every task of a batch once, dynamically dispatched,
// and return each result and timeline entry in task order plus the batch's own interval.
// A runner never knows which workload it runs.

#include <memory>
#include <span>
#include <stop_token>

#include "batch_outcome.hpp"
#include "model.hpp"
#include "workload.hpp"

namespace concbench {

class runner {
 public:
  virtual ~runner() = default;
  // Never throws for a task's failure: it comes back in the outcome, naming task and model.
  virtual batch_outcome run(const workload& work, std::span<const task_spec> batch, std::stop_token stop) = 0;
};

// A runner for these settings. A warm pool is built here, before any measured batch; a cold
// one inside every run(). Throws std::invalid_argument for settings the model cannot take,
// std::system_error when a warm pool's threads cannot be started.
std::unique_ptr<runner> make_runner(const run_settings& settings);

}  // namespace concbench
