#pragma once
// `processes-fork` and `processes-spawn`: W worker processes run the blocking form of the
// tasks, dynamically dispatched (process_pool.hpp). The two models differ only in how a worker
// starts: forked by the fork server (fork_server.hpp) or re-executed by Boost.Process.
//
// Pools:
//   cold      W workers started and reaped inside the measured interval, as the tutorials
//             time `with ProcessPoolExecutor() as ex:`;
//   warm      W workers started when the runner is made, before any batch, and kept; a batch
//             that loses a worker breaks the pool, and the next run() builds a new one before
//             its interval starts;
//   per-task  one process per task, the tutorials' `Process` per job: at most W alive at once,
//             a new one started as soon as one has answered (W = N starts them all at once,
//             exactly like the tutorial). Every start and exit falls inside the interval.

#include <memory>
#include <vector>

#include "runners/batch/runner.hpp"
#include "runners/process/process_exit.hpp"
#include "runners/process/process_pool.hpp"
#include "runners/process/worker_process.hpp"

namespace concbench {

class process_pool_runner final : public runner {
 public:
  // settings.model must be a process model. A warm pool is started here: throws
  // std::runtime_error when it cannot be (and std::logic_error for processes-fork when the
  // fork server is not running).
  explicit process_pool_runner(const run_settings& settings);
  ~process_pool_runner() override;

  batch_outcome run(const workload& work, std::span<const task_spec> batch, std::stop_token stop) override;

  // How each worker reaped during the last run() ended, with its wait4 CPU time and peak RSS.
  const std::vector<process_exit>& last_exits() const { return last_exits_; }

  // The next run() samples its workers: the outcome's workers_pss_bytes and workers_usage
  // (batch_outcome.hpp). For the untimed probe batch only; one batch, then off again.
  void sample_next_batch() { sample_next_ = true; }

 private:
  std::unique_ptr<process_pool> start_warm_pool();

  model_kind model_;
  int workers_;
  pool_mode pool_;
  std::unique_ptr<worker_launcher> launcher_;
  std::unique_ptr<process_pool> warm_pool_;
  std::vector<process_exit> last_exits_;
  bool sample_next_ = false;
};

}  // namespace concbench
