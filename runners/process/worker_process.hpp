#pragma once
// One worker process as its pool sees it, whichever way it was started: its pid, the two pipe
// ends the pool talks through, and how to kill and reap it. A launcher starts them.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runners/process/file_descriptors.hpp"
#include "runners/process/process_exit.hpp"

namespace concbench {

class worker_process {
 public:
  worker_process(int pid, unique_fd to_worker, unique_fd from_worker)
      : pid_(pid), to_worker_(std::move(to_worker)), from_worker_(std::move(from_worker)) {}
  // Kills and reaps a worker that was never reaped: no process outlives its handle.
  virtual ~worker_process() = default;
  worker_process(const worker_process&) = delete;
  worker_process& operator=(const worker_process&) = delete;

  int pid() const { return pid_; }
  int to_worker() const { return to_worker_.get(); }
  int from_worker() const { return from_worker_.get(); }
  // Closing the pipe to a worker asks it to exit (it sees end of file between tasks).
  void close_to_worker() { to_worker_.reset(); }
  void close_pipes() {
    to_worker_.reset();
    from_worker_.reset();
  }

  // SIGKILL to the worker's process group. Harmless once it has ended; never reaches a
  // stranger, since the pid stays reserved until the worker is reaped.
  virtual void kill() = 0;
  // How it ended, once reaped, waiting up to `timeout` (zero: just look); nullopt if it still
  // runs. After a result, later calls return the same result.
  virtual std::optional<process_exit> wait(std::chrono::milliseconds timeout) = 0;

 protected:
  int pid_;
  unique_fd to_worker_;
  unique_fd from_worker_;
};

class worker_launcher {
 public:
  virtual ~worker_launcher() = default;
  // Starts `count` workers, all or none: on failure it stops the ones that started and throws
  // std::runtime_error saying what went wrong and what to check.
  virtual std::vector<std::unique_ptr<worker_process>> launch(int count) = 0;
};

// processes-fork: workers forked by the fork server (fork_server.hpp), which must be running.
std::unique_ptr<worker_launcher> make_fork_launcher();
// processes-spawn: `executable --concbench-worker --in-fd=3 --out-fd=4` started with
// Boost.Process; an empty `executable` means this binary (/proc/self/exe).
std::unique_ptr<worker_launcher> make_spawn_launcher(std::string executable);

}  // namespace concbench
