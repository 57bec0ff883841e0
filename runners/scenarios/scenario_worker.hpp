#pragma once
// The worker side of a scenario under processes-fork. The fork server forks a scenario worker
// on request (fork_jobs, fork_server.hpp) with one of the typed jobs of scenario_jobs.hpp,
// encoded into the server's opaque forked_job, and the descriptors the measuring process sent
// along; the worker reports on a pipe of its own, waits at a start gate shared by every worker
// of the batch, runs its share and leaves only through _exit.
//
// Descriptors, in order: the write end of its report pipe, the read end of the start gate
// (end of file opens it: the measuring process closes the write end), then the job's own (the
// shared memory, a pipe end).

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string_view>
#include <type_traits>

#include "runners/process/fork_server.hpp"

namespace concbench {

enum class scenario_job_kind : std::uint32_t {
  shared_counter = 1,
  pipeline_producer = 2,
  pipeline_consumer = 3,
  messaging_client = 4,
  messaging_echo = 5,
  fork_cost_parent = 6,
};

// "pipeline-producer"; "unknown" for a number that is no kind.
std::string_view to_string(scenario_job_kind kind);

// A typed job (scenario_jobs.hpp): plain data, its kind a static member.
template <typename Job>
concept scenario_job = std::is_trivially_copyable_v<Job> && std::default_initializable<Job> &&
    std::same_as<std::remove_cv_t<decltype(Job::kind)>, scenario_job_kind>;

// What decode_job throws for a job of another kind.
class scenario_job_mismatch : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};
// Throws scenario_job_mismatch: "a forked job of kind 3 (pipeline-consumer) is not a
// pipeline-producer job".
[[noreturn]] void refuse_job_kind(std::uint32_t found, scenario_job_kind wanted);

// A typed job as the fork server carries it: its kind and its bytes (worker and measuring
// process are the same binary, so the layout is the same at both ends).
template <scenario_job Job>
forked_job encode_job(const Job& job) {
  static_assert(sizeof(Job) <= forked_job_payload_bytes, "a scenario job must fit the fork server's payload");
  forked_job out;
  out.kind = static_cast<std::uint32_t>(Job::kind);
  std::memcpy(out.payload, &job, sizeof job);
  return out;
}

// The typed job back; scenario_job_mismatch when `job` holds another kind.
template <scenario_job Job>
Job decode_job(const forked_job& job) {
  static_assert(sizeof(Job) <= forked_job_payload_bytes, "a scenario job must fit the fork server's payload");
  if (job.kind != static_cast<std::uint32_t>(Job::kind)) refuse_job_kind(job.kind, Job::kind);
  Job out;
  std::memcpy(&out, job.payload, sizeof out);
  return out;
}

inline constexpr std::size_t scenario_report_fd = 0;
inline constexpr std::size_t scenario_gate_fd = 1;
inline constexpr std::size_t scenario_first_own_fd = 2;
// A job's own descriptors: what the fork server takes along beyond the report pipe and gate.
inline constexpr std::size_t max_scenario_own_fds = max_forked_job_fds - scenario_first_own_fd;

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

// The fork server's entry point for scenario workers (register_forked_job_entry: see
// scenario_processes.cpp), run in a freshly forked child of the fork server: resets the child
// (child_reset.hpp), prepares the job (a failure there is reported as failed, before ready),
// reports ready, waits at the gate, runs the job and reports done or failed. Exit status 0
// after a report of either kind; 2 without a report pipe and a gate.
[[noreturn]] void run_scenario_worker_and_exit(const forked_job& job, std::span<const int> fds);

}  // namespace concbench
