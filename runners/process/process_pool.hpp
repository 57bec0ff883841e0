#pragma once
// The parent's side of a pool of worker processes, for both process models: it starts workers
// through a launcher, talks the worker protocol with each over its pipes, and multiplexes
// them with epoll. Dispatch is dynamic: a worker is sent its next task when its reply arrives,
// one task outstanding per worker; nothing is pre-assigned and no worker waits for another.
//
// A worker that dies (exits, is killed, crashes) or breaks the protocol (malformed, over-long
// or mislabelled line, no hello) fails the task it held, naming the task, the model and the
// cause (exit status or signal, the bad line); the batch then ends: the other workers are
// killed, every worker is reaped, the tasks not run fail as never run, and the pool is broken
// (its runner builds a new one for the next batch).

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runners/batch/batch_outcome.hpp"
#include "runners/batch/batch_recorder.hpp"
#include "runners/process/file_descriptors.hpp"
#include "runners/process/process_exit.hpp"
#include "runners/process/worker_process.hpp"
#include "runners/process/worker_protocol.hpp"
#include "workloads/workload.hpp"

namespace concbench {

class process_pool {
 public:
  struct batch_options {
    bool one_task_per_worker = false;  // pool:per-task: each worker runs one task and exits
    int max_workers = 1;               // per-task: most workers alive at once
    bool keep_workers = true;          // warm: workers stay for the next batch
    // Read each live worker's /proc/PID/smaps_rollup (Pss) just before it is retired (or, kept
    // workers, after the batch) and the CPU use of the workers that outlive the batch: see
    // take_resource_sample(). For an untimed probe batch only: reading /proc takes time.
    bool sample_resources = false;
  };

  // What a batch run with sample_resources saw of its workers.
  struct resource_sample {
    std::int64_t pss_bytes = 0;  // summed over the workers alive at once (batch_outcome.hpp)
    int workers_sampled = 0;     // workers whose Pss could be read
    // /proc growth of the CPU time and context switches of the workers the batch did not reap
    // (wait4 reports the others: take_exits()).
    process_usage kept_workers_usage;
  };

  // How long a started worker may take to say hello before it counts as failed.
  static constexpr std::chrono::seconds hello_timeout{10};

  process_pool(worker_launcher& launcher, std::string model_name);
  // Asks every worker still alive to exit, then kills and reaps whatever has not.
  ~process_pool();
  process_pool(const process_pool&) = delete;
  process_pool& operator=(const process_pool&) = delete;

  // Starts `count` more workers; their hellos are read later. Throws std::runtime_error.
  void launch(int count);
  // Waits until every started worker has said hello (a warm pool, before any batch). Throws
  // std::runtime_error naming the workers that failed instead.
  void await_ready();

  // Runs every task of the recorder's batch on this pool's workers and records each result
  // (stamped by the worker) or failure. Without keep_workers every worker is asked to exit and
  // reaped before it returns, so a cold pool's teardown falls inside the batch's interval.
  // A stop request ends the batch like a dead worker, with the tasks failed as interrupted.
  void run(batch_recorder& recorder, const workload& work, std::stop_token stop, const batch_options& options);

  // The pids of the workers that have said hello and hold no task: after await_ready(), every
  // worker started. Lets a caller that times start-up (launch_floor.hpp) show what it got.
  std::vector<int> idle_pids() const;

  // A worker died or a batch was stopped: the pool must not be used again.
  bool broken() const { return broken_; }
  // How each worker reaped so far ended, with its wait4 usage; handed over once.
  std::vector<process_exit> take_exits() { return std::move(exits_); }
  // The last batch's sample, if it was run with sample_resources; handed over once.
  std::optional<resource_sample> take_resource_sample() { return std::exchange(sample_, std::nullopt); }

 private:
  enum class state { starting, idle, busy, retiring, ended };
  struct slot;
  struct batch;

  void wait_for_events(int timeout_ms);
  void handle_readable(slot& worker);
  void handle_line(slot& worker, const std::string& line);
  void dispatch(slot& worker);
  void retire(slot& worker);
  void sample_pss(const slot& worker);
  // The worker failed; `what` says how ("" for an unexpected end: its exit tells the cause).
  void worker_lost(slot& worker, const std::string& what, bool kill_it);
  std::optional<process_exit> reap(slot& worker, std::chrono::milliseconds grace);
  void reap_retired(std::chrono::milliseconds grace);
  void top_up();
  void abort_batch();
  void unwatch(slot& worker);
  void ended(slot& worker);
  std::string describe(const slot& worker) const;

  worker_launcher& launcher_;
  std::string model_name_;
  unique_fd epoll_;
  std::vector<std::unique_ptr<slot>> slots_;  // never shrinks: epoll events carry the index
  std::vector<std::size_t> retiring_;
  // Slots launched and not yet heard from, in launch order, which is also the order of their
  // hello deadlines; slots that have since said hello are skipped when they reach the front.
  std::deque<std::size_t> starting_order_;
  int starting_ = 0;  // launched, no hello yet
  int active_ = 0;    // starting, idle or busy
  std::uint64_t next_id_ = 1;
  batch* batch_ = nullptr;         // the batch being run, if any
  std::vector<std::string> lost_;  // failures outside a batch, for await_ready
  std::vector<process_exit> exits_;
  std::optional<resource_sample> sample_;
  bool broken_ = false;
};

// The figures a sampled batch reads from /proc, as pure parsers of the files' text.
// "Pss:  1234 kB" of /proc/PID/smaps_rollup, in bytes.
std::optional<std::int64_t> parse_pss_bytes(std::string_view smaps_rollup);
// utime and stime (fields 14 and 15) of /proc/PID/stat, and voluntary_ctxt_switches and
// nonvoluntary_ctxt_switches of /proc/PID/status; ticks_per_second is sysconf(_SC_CLK_TCK).
std::optional<process_usage> parse_proc_usage(std::string_view stat, std::string_view status, long ticks_per_second);

}  // namespace concbench
