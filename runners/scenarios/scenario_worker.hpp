#pragma once
// The worker side of a scenario under processes-fork. The fork server forks a scenario worker
// on request (fork_scenario_workers, fork_server.hpp) with a fixed-size job description and
// the descriptors the measuring process sent along; the worker reports on a pipe of its own,
// waits at a start gate shared by every worker of the batch, runs its share and leaves only
// through _exit.
//
// Descriptors, in order: the write end of its report pipe, the read end of the start gate
// (end of file opens it: the measuring process closes the write end), then the job's own (the
// shared memory, a pipe end).

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

namespace concbench {

enum class scenario_job_kind : std::uint32_t {
  shared_counter = 1,
  pipeline_producer = 2,
  pipeline_consumer = 3,
  messaging_client = 4,
  messaging_echo = 5,
  fork_cost_parent = 6,
};

struct scenario_job {
  scenario_job_kind kind = scenario_job_kind::shared_counter;
  std::uint32_t index = 0;       // the worker's index within its role
  std::uint64_t values[8] = {};  // the kind's own parameters
};
static_assert(std::is_trivially_copyable_v<scenario_job>);

inline constexpr std::size_t scenario_report_fd = 0;
inline constexpr std::size_t scenario_gate_fd = 1;
inline constexpr std::size_t scenario_first_own_fd = 2;
inline constexpr std::size_t max_scenario_fds = 4;

// One message on a report pipe: fixed size, below PIPE_BUF, so one write is one message.
inline constexpr std::size_t max_job_figures = 6;

// A job's own measured figures beyond its count (say, round-trip percentiles), whose meaning
// each job kind defines.
struct job_figures {
  double values[max_job_figures] = {};
};
static_assert(std::is_trivially_copyable_v<job_figures>);

struct scenario_report {
  enum class kind : std::uint32_t { ready = 1, done = 2, failed = 3 };
  kind what = kind::ready;
  std::uint64_t count = 0;    // done: what the worker did (updates, items)
  std::int64_t start_ns = 0;  // done: steady_clock when it passed the gate, and when it finished
  std::int64_t end_ns = 0;
  job_figures figures;     // done: the job's own figures
  char message[240] = {};  // failed: why, NUL-terminated
};
static_assert(std::is_trivially_copyable_v<scenario_report>);
static_assert(sizeof(scenario_report) <= 512, "one write of a report must be atomic (PIPE_BUF)");

// Runs in a freshly forked child of the fork server: closes every other descriptor, resets
// signals (SIGPIPE ignored: a vanished reader is EPIPE), prepares the job (a failure there is
// reported as failed, before ready), reports ready, waits at the gate, runs the job and reports
// done or failed. Exit status 0 after a report of either kind.
[[noreturn]] void run_scenario_worker_and_exit(const scenario_job& job, std::span<const int> fds);

// The bodies, defined by each scenario: they run between the gate and the done report, with
// the job's own descriptors, and return the count to report (a body with figures of its own
// fills them in too); they throw on failure.
std::uint64_t run_shared_counter_job(const scenario_job& job, std::span<const int> own_fds);
std::uint64_t run_pipeline_producer_job(const scenario_job& job, std::span<const int> own_fds);
std::uint64_t run_pipeline_consumer_job(const scenario_job& job, std::span<const int> own_fds);
// Figures: round-trip p50, p99 and mean in ns (zero in stream mode), the CPU it ran on.
std::uint64_t run_messaging_client_job(const scenario_job& job, std::span<const int> own_fds, job_figures& figures);
// Figures: the CPU it ran on.
std::uint64_t run_messaging_echo_job(const scenario_job& job, std::span<const int> own_fds, job_figures& figures);
std::uint64_t run_fork_cost_parent_job(const scenario_job& job, std::span<const int> own_fds, job_figures& figures);

// What a job does before it reports ready, outside the interval: the fork-cost parent grows its
// resident memory there. It throws on failure.
void prepare_fork_cost_parent_job(const scenario_job& job);

}  // namespace concbench
