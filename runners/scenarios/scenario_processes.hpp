#pragma once
// The measuring side of a scenario under processes-fork: forks one scenario worker per spec
// through the fork server, waits until every one is ready at the start gate, opens the gate,
// collects each one's report and reaps them all. A stop request, a worker's failure, or a
// worker that dies (end of file on its report pipe) ends the batch at once with an error
// naming it; the others are killed and every worker is reaped before this returns.

#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "runners/process/file_descriptors.hpp"
#include "runners/process/fork_server.hpp"
#include "runners/scenarios/scenario_worker.hpp"

namespace concbench {

struct scenario_worker_spec {
  forked_job job;            // encode_job() of one of scenario_jobs.hpp's jobs
  std::vector<int> own_fds;  // the job's own descriptors (borrowed), after the report pipe and the gate
  std::string label;         // "worker 2", "consumer 1": what errors call it
};

struct scenario_worker_finish {
  std::uint64_t count = 0;
  std::int64_t start_ns = 0;  // steady_clock, as the worker read it
  std::int64_t end_ns = 0;
  job_figures figures;  // the job's own, when its kind has any
};

struct scenario_processes_outcome {
  std::vector<scenario_worker_finish> workers;  // in spec order; complete when ok
  std::chrono::nanoseconds interval{0};         // gate opened → the last worker finished
  // User plus system CPU time of all the workers, from wait4 (the measuring process's own CPU
  // time leaves them out); known when ok.
  std::chrono::nanoseconds workers_cpu{0};
  std::string error;  // empty on success
};

// `close_after_fork`: the caller's copies of descriptors that only the workers may hold once
// they run (both ends of a data pipe: its readers see end of file only when every write end is
// closed), closed as soon as the workers are forked. `who` starts every error message
// ("pipeline under processes-fork").
scenario_processes_outcome run_scenario_processes(const std::vector<scenario_worker_spec>& specs,
                                                  std::vector<unique_fd> close_after_fork, std::stop_token stop,
                                                  const std::string& who);

}  // namespace concbench
