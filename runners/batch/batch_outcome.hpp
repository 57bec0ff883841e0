#pragma once
// What a runner gives back for a batch (docs/design.md "Runner"): per task, in task order,
// its result or its error, and a timeline entry; and the batch's own measured interval.

#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "workloads/task.hpp"

namespace concbench {

struct task_outcome {
  std::optional<task_result> result;  // empty when the task failed or never ran
  std::string error;                  // names the task and the model; empty on success
  // It failed only because the batch was being ended for another reason (another task's failure
  // or time-out, a stop request): a consequence, never the cause.
  bool abandoned = false;
};

struct timeline_entry {
  std::int64_t start_ns = -1;  // from the batch's start; -1: the task never started
  std::int64_t end_ns = -1;
  int worker = -1;  // pool thread, lane (coroutines), worker process
};

// CPU time and context switches of one or more processes (summed).
struct process_usage {
  std::int64_t user_ns = 0;
  std::int64_t system_ns = 0;
  std::int64_t voluntary_switches = 0;    // ru_nvcsw: gave up the CPU (waited)
  std::int64_t involuntary_switches = 0;  // ru_nivcsw: was preempted

  process_usage& operator+=(const process_usage& other) {
    user_ns += other.user_ns;
    system_ns += other.system_ns;
    voluntary_switches += other.voluntary_switches;
    involuntary_switches += other.involuntary_switches;
    return *this;
  }
  friend process_usage operator-(process_usage a, const process_usage& b) {
    a.user_ns -= b.user_ns;
    a.system_ns -= b.system_ns;
    a.voluntary_switches -= b.voluntary_switches;
    a.involuntary_switches -= b.involuntary_switches;
    return a;
  }
};

// The figures of a getrusage(2) or wait4(2) usage.
inline process_usage usage_of(const ::rusage& usage) {
  const auto ns = [](const ::timeval& t) {
    return std::int64_t{t.tv_sec} * 1'000'000'000 + std::int64_t{t.tv_usec} * 1000;
  };
  return {ns(usage.ru_utime), ns(usage.ru_stime), usage.ru_nvcsw, usage.ru_nivcsw};
}

struct batch_outcome {
  std::vector<task_outcome> tasks;
  std::vector<timeline_entry> timeline;
  std::chrono::nanoseconds interval{0};
  std::vector<std::string> batch_errors;  // failures of the runner itself (a thread it could not start)

  // Only from a process model asked to sample its workers (process_pool_runner::
  // sample_next_batch(), used by the untimed probe batch after an entry's timed repetitions,
  // never by a timed one: reading /proc costs time):
  // the proportional set size of the worker processes alive at once, each read from
  // /proc/PID/smaps_rollup while it was alive (just before it was retired, or after the batch
  // for a warm pool); for pool:per-task the mean over the batch's workers times the most alive
  // at once;
  std::optional<std::int64_t> workers_pss_bytes;
  // and the workers' CPU time and context switches during the batch: wait4's usage of every
  // worker reaped by the batch, plus the /proc/PID/stat and status growth of those that
  // outlive it (a warm pool's).
  std::optional<process_usage> workers_usage;

  bool ok() const;
  // Every error, batch errors first, then tasks in order; empty when ok().
  std::vector<std::string> errors() const;
  // The error that says why the batch failed: the runner's own, else the first task that failed
  // by itself (the worker killed by a signal, the task over the time-out), else the first task
  // error; nullopt when there is none. A consequence numbered lower never hides the cause.
  std::optional<std::string> first_cause() const;
};

// Most tasks running at once according to the timeline (what a pool of W really achieved).
int peak_concurrency(const std::vector<timeline_entry>& timeline);

}  // namespace concbench
