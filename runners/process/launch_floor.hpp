#pragma once
// How long it takes to get W worker processes ready, each having said its hello (the worker
// protocol's first line), measured three ways:
//   - the floors under the two process models, the bare mechanism with nothing around it: a
//     fork from the fork server, and a posix_spawn of the worker binary;
//   - a process model's own start: exactly what its pool runs to get W workers ready.
// concbench's startup entries time both, so each model is judged against the floor of its own
// mechanism measured by the same run. Stopping and reaping the workers is never part
// of the time: it happens when the ready_workers are destroyed (or stop() is called).
//
// Each function starts all `count` workers or none: when one cannot be started or sends no
// valid hello, every worker started is killed and reaped, and std::runtime_error says which
// worker failed and how (a binary that is missing, not executable or no concbench build is
// named). std::invalid_argument for a count below 1 or a model that starts no processes.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "runners/batch/model.hpp"

namespace concbench {

class ready_workers {
 public:
  // Holds the started workers; destroying it stops them (end of file on their pipe, then
  // SIGKILL to whatever has not exited in time) and reaps every one.
  class owner {
   public:
    virtual ~owner() = default;
  };

  ready_workers(std::chrono::nanoseconds time_to_ready, std::vector<int> pids, std::unique_ptr<owner> workers)
      : time_to_ready_(time_to_ready), pids_(std::move(pids)), workers_(std::move(workers)) {}

  // From the first start request to the last hello read.
  std::chrono::nanoseconds time_to_ready() const { return time_to_ready_; }
  // The ready workers' pids, one per worker, each one having said hello.
  const std::vector<int>& pids() const { return pids_; }
  // Stops and reaps the workers now rather than at destruction.
  void stop() { workers_.reset(); }

 private:
  std::chrono::nanoseconds time_to_ready_;
  std::vector<int> pids_;
  std::unique_ptr<owner> workers_;
};

// The fork floor: fork_workers(count) straight from the fork server (which must be running),
// then each worker's hello read with the protocol's line reader. No launcher, no pool, no epoll.
ready_workers floor_fork_server(int count);

// The spawn floor: posix_spawn of `executable --concbench-worker --in-fd=3 --out-fd=4` (empty
// `executable`: this binary, /proc/self/exe, as processes-spawn re-executes it), its two pipe
// ends placed on 3 and 4 by the spawn's own file actions, in its own process group, then each
// worker's hello read as above.
ready_workers floor_posix_spawn(const std::string& executable, int count);

// What a pool of `model` (processes-fork or processes-spawn) does to get `count` workers ready:
// process_pool::launch, then await_ready, as a warm pool starts. The launcher is made before
// the time starts (a pool is given one); the pool itself is built inside it.
ready_workers model_start(model_kind model, int count, const std::string& executable);

}  // namespace concbench
